"""The admin's sign-in has the portal's wrong-password limit: staff accounts are worth most."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from core.lockout import signin_forget

PASSWORD = "a-long-staff-password"


@pytest.fixture
def staff(db):
    user = User.objects.create_superuser("ops", "ops@example.gov.in", PASSWORD)
    yield user
    for address in ("198.51.100.20", "198.51.100.21"):
        signin_forget(type("R", (), {"META": {"REMOTE_ADDR": address}}), "ops")


def _sign_in(client, password):
    return client.post(
        "/admin/login/?next=/admin/", {"username": "ops", "password": password, "next": "/admin/"}
    )


def test_wrong_passwords_in_a_row_slow_the_guesser_down_not_the_owner(staff):
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(10):
        # the form again with its error, then refusals while the wait lasts
        assert _sign_in(client, "guess").status_code in {200, 429}
    refused = _sign_in(client, PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many wrong passwords" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # The owner, at another address, signs in: guesses cannot lock a named person out.
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.21"), PASSWORD).status_code == 302


def test_a_right_password_signs_in_and_ends_the_run_of_failures(staff):
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(4):
        _sign_in(client, "guess")
    signed_in = _sign_in(client, PASSWORD)
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200
    client.logout()
    assert _sign_in(client, "guess").status_code == 200  # counting starts again from zero
