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


def test_a_signed_in_citizen_guessing_an_admin_password_is_counted(staff):
    """Outside probe: the wrapper took "someone is signed in" for "the password was right", so
    a citizen's session guessed the admin's password without limit."""
    from ..factories import make_citizen

    make_citizen("guesser@suchi", password="citizen-passphrase-1")
    client = Client(REMOTE_ADDR="198.51.100.20")
    assert client.login(username="guesser@suchi", password="citizen-passphrase-1")
    codes = [_sign_in(client, f"guess-{n}").status_code for n in range(10)]
    assert codes[:5] == [200] * 5 and codes[-1] == 429, codes
    assert _sign_in(client, PASSWORD).status_code == 429


def test_a_look_alike_name_is_counted_as_the_account_it_signs_in_as(staff):
    """Outside probe: Django's admin form reads a full-width o in `ops` as `ops`; the limit
    counted it apart, so each look-alike had fresh tries."""
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(6):
        _sign_in(client, "guess")
    look_alike = client.post(
        "/admin/login/?next=/admin/",
        {"username": "\uff4fps", "password": PASSWORD, "next": "/admin/"},
    )
    assert look_alike.status_code == 429
