"""Identity benchmark (issue #20): a one-time code's round trip through the API, asking for a
code and verifying it (the account created on the first), with Django's in-memory mail backend
standing in for SMTP, so the figure is Suchi's own cost."""

import re
import statistics
import time

import pytest
from django.core import mail
from django.db import connection
from rest_framework.test import APIClient

from identity import models as limits

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]


def test_otp_round_trip(settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(limits, "OTP_PER_CLIENT", 10**6)
    n = 300
    asks, verifies = [], []
    for i in range(n):
        client = APIClient(REMOTE_ADDR=f"10.{i // 250}.{i % 250}.1")
        started = time.perf_counter()
        response = client.post(
            "/api/v1/auth/otp", {"identifier": f"c{i}@bench.example"}, format="json"
        )
        asks.append(time.perf_counter() - started)
        assert response.status_code == 202
        code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
        started = time.perf_counter()
        response = client.post(
            "/api/v1/auth/otp/verify",
            {"identifier": f"c{i}@bench.example", "code": code, "birth_date": "1990-01-01"},
            format="json",
        )
        verifies.append(time.perf_counter() - started)
        assert response.status_code == 200 and response.json()["created"] is True

    def ms(samples, q):
        return round(statistics.quantiles(samples, n=100)[q - 1] * 1000, 2)

    print(
        f"\nBENCH identity otp ({connection.vendor}, {n} new citizens): ask p50 {ms(asks, 50)} ms, "
        f"p95 {ms(asks, 95)} ms; verify (creates the account) p50 {ms(verifies, 50)} ms, "
        f"p95 {ms(verifies, 95)} ms; round trips/s {n / (sum(asks) + sum(verifies)):.0f}"
    )
