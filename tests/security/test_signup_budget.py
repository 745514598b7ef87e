"""Sign-up must say when a handle is taken, so that answer is rationed per address: an outside
probe learnt which handles exist, 15 in a row, with no limit (docs/consent.md)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _try(client, handle):
    return client.post(
        "/portal/signup",
        {
            "handle": handle,
            "name": "Probe",
            "password": "a-very-long-passphrase-123",
            "password_again": "a-very-long-passphrase-123",
            "language": "en",
            "birth_date": "1990-01-01",
        },
    )


def test_sign_ups_from_one_address_are_rationed(settings):
    settings.SUCHI_SIGNUP_PER_HOUR = 3
    assert _try(Client(REMOTE_ADDR="203.0.113.9"), "taken@suchi").status_code == 302
    probe = Client(REMOTE_ADDR="203.0.113.7")
    answers = [_try(probe, "taken@suchi").status_code for _ in range(3)]
    assert answers == [400, 400, 400]  # taken, taken, taken
    refused = _try(probe, "taken@suchi")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many sign-ups" in refused.content.decode()
    assert "is taken" not in refused.content.decode()
    # Refused before anything is written: a free handle is not created either.
    assert _try(probe, "free@suchi").status_code == 429
    assert _try(Client(REMOTE_ADDR="203.0.113.8"), "free@suchi").status_code == 302
