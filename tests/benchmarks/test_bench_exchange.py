"""Exchange benchmark: the agreement status check (the provider's check before every release)
under 32 concurrent keep-alive clients over HTTP on loopback against gunicorn on PostgreSQL,
as the consent status check is measured (test_bench_consent.py).

Target (issue #19): ≥ 1,000 requests/s with p95 ≤ 10 ms on PostgreSQL.
"""

import json
import os
import subprocess
import sys
import urllib.request

import pytest
from django.db import connection, connections

from ..exchange.conftest import bearer
from ..factories import make_institution, make_token, publish
from ..integration.worker import database_url
from .gunicorn import ROOT, gunicorn, production_env

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]
GTHREAD = ("--worker-class", "gthread", "--threads", "4", "--keep-alive", "30")


def _agreement():
    provider = make_institution(slug="ka-health")
    consumer = make_institution(slug="lab", is_consumer=True, is_provider=False)
    dataset = publish(provider, slug="icu", access_rights="restricted")
    body = {"datasets": [str(dataset.pk)], "purpose": "research", "description": "Bench.",
            "duration_days": 30}  # fmt: skip
    created = bearer(make_token(consumer, scopes=("access:request",))).post(
        "/api/v1/access-requests", body, format="json"
    )
    approved = bearer(make_token(provider, scopes=("access:review",))).post(
        f"/api/v1/access-requests/{created.json()['id']}/approve", {}, format="json"
    )
    return provider, approved.json()["agreement"]["id"]


def _load(url: str, token: str, duration: float, rate: float = 0) -> dict:
    done = subprocess.run(
        [
            sys.executable, "-m", "tests.benchmarks.loadclient", url,
            "--header", f"Authorization: Bearer {token}",
            "--concurrency", "32", "--duration", str(duration), "--rate", str(rate),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    assert result["errors"] == 0, result
    return result


def test_agreement_status_under_32_concurrent_clients():
    if connection.vendor != "postgresql":
        pytest.skip("the status benchmark runs gunicorn against PostgreSQL (set DATABASE_URL)")
    provider, agreement_id = _agreement()
    token = make_token(provider, scopes=("access:review",))
    connections.close_all()
    workers = os.environ.get("SUCHI_BENCH_WORKERS", "3")
    env = production_env(database_url(), LOG_LEVEL="WARNING", DB_CONN_MAX_AGE="600")
    with gunicorn(env, workers=int(workers), options=GTHREAD) as base:
        url = f"{base}/api/v1/agreements/{agreement_id}/status"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["status"] == "active"
        _load(url, token, 3)  # warms every worker up
        closed = sorted((_load(url, token, 10) for _ in range(3)), key=lambda r: r["rps"])
        middle = closed[1]
        print(
            f"\nBENCH agreement status, 32 closed-loop clients, gunicorn gthread {workers}x4: "
            f"median of 3 runs of 10 s: {middle['rps']:.0f} req/s, p50 {middle['p50_ms']:.1f} ms, "
            f"p95 {middle['p95_ms']:.1f} ms; runs: {[round(r['rps']) for r in closed]}"
        )
        for rate in (250, 500, 750, 1000, 1500, 2000):
            r = _load(url, token, 10, rate=rate)
            print(
                f"BENCH agreement status, {rate:,} req/s offered on 32 connections: "
                f"{r['rps']:.0f} served, p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
                f"p99 {r['p99_ms']:.1f} ms; the client's CPU {r['client_cpu_s'] / 10:.0%} of a core"
            )
