"""Signing in with a one-time code (issue #20, part 1): a real SMTP server (aiosmtpd) and a
test SMS gateway receive the codes; the code signs the citizen in and creates the account the
first time; wrong, used, expired and foreign codes are refused; flooding gets 429 and sends
nothing more; production refuses the console mail backend."""

import email
import os
import re
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from rest_framework.test import APIClient

from core.mail import email_settings
from identity.models import OneTimeCode, VerifiedIdentifier

from ..receiver import WebhookReceiver

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def codes_for(self, address: str) -> list[str]:
        return [
            re.search(r"\b(\d{6})\b", m.get_payload(decode=True).decode()).group(1)
            for m in self.messages
            if m["To"] == address
        ]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port (aiosmtpd checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield inbox
    controller.stop()


@pytest.fixture
def gateway(settings):
    server = WebhookReceiver()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, server.host_port]
    settings.SUCHI_SMS_GATEWAY_URL = f"http://{server.host_port}/sms"
    yield server
    server.stop()


def ask(client, identifier, **extra):
    return client.post("/api/v1/auth/otp", {"identifier": identifier, **extra}, format="json")


def verify(client, identifier, code, **declared):
    body = {"identifier": identifier, "code": code, "birth_date": "1990-01-01", **declared}
    return client.post("/api/v1/auth/otp/verify", body, format="json")


def test_a_code_by_email_signs_in_and_creates_the_account_once(smtp):
    client = APIClient()
    response = ask(client, "Asha.Rao@Example.in")
    assert response.status_code == 202, response.content
    (code,) = smtp.codes_for("asha.rao@example.in")
    signed_in = verify(client, "asha.rao@example.in", code)
    assert signed_in.status_code == 200, signed_in.content
    body = signed_in.json()
    assert body["created"] is True and body["handle"] == "asha.rao@suchi"
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert me.get("/api/v1/me").json()["handle"] == "asha.rao@suchi"
    # A code is used once; the next sign-in is the same account, bound to the identifier.
    assert verify(client, "asha.rao@example.in", code).status_code == 400
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert ask(client, "asha.rao@example.in").status_code == 202
    again = verify(client, "asha.rao@example.in", smtp.codes_for("asha.rao@example.in")[-1])
    assert again.json()["handle"] == "asha.rao@suchi" and again.json()["created"] is False
    assert VerifiedIdentifier.objects.count() == 1
    # Only keyed hashes are stored: neither the code nor the address is in the table.
    stored = " ".join(f"{c.code_hash} {c.identifier_hash}" for c in OneTimeCode.objects.all())
    assert code not in stored and "asha" not in stored


def test_five_wrong_tries_lock_the_code(smtp):
    client = APIClient()
    ask(client, "ravi@example.in")
    (code,) = smtp.codes_for("ravi@example.in")
    wrong = "000000" if code != "000000" else "111111"
    answers = [
        verify(client, "ravi@example.in", wrong).json()["errors"]["code"][0] for _ in range(5)
    ]
    assert (
        answers[0] == "Wrong code; 4 tries left."
        and answers[-1] == "Wrong code: ask for a new one."
    )
    locked = verify(client, "ravi@example.in", code)
    assert (
        locked.status_code == 400 and "Too many wrong tries" in locked.json()["errors"]["code"][0]
    )


def test_an_sms_gateway_receives_a_well_formed_request(gateway):
    client = APIClient()
    assert ask(client, "+91 98765-43210", language="hi").status_code == 202
    (received,) = gateway.received
    assert received.headers["Content-Type"] == "application/json"
    body = __import__("json").loads(received.body)
    assert body["to"] == "+919876543210" and body["purpose"] == "otp" and body["language"] == "hi"
    code = re.search(r"\b(\d{6})\b", body["message"]).group(1)
    assert "कोड" in body["message"]  # in Hindi
    assert verify(client, "9876543210", code).json()["handle"].endswith("@suchi")


def test_a_gateway_that_is_down_sends_nothing_and_counts_nothing(gateway):
    gateway.stop()
    client = APIClient()
    response = ask(client, "+919876543210")
    assert response.status_code == 503
    assert OneTimeCode.objects.count() == 0


@pytest.mark.parametrize(
    "identifier",
    ["", "asha", "asha@", "@example.in", "12345", "+91 12345 67890", "+1 415 555 0100",
     "98765432101", "x" * 300 + "@example.in", "९८७६५४३२१०"],
)  # fmt: skip
def test_malformed_identifiers_are_a_400_naming_the_field(identifier):
    response = ask(APIClient(), identifier)
    assert response.status_code == 400
    assert "identifier" in response.json()["errors"]
    assert OneTimeCode.objects.count() == 0


def test_expired_foreign_and_malformed_codes_are_refused(smtp):
    client = APIClient()
    ask(client, "a@example.in")
    (code,) = smtp.codes_for("a@example.in")
    assert verify(client, "b@example.in", code).status_code == 400  # another identifier's
    assert verify(client, "a@example.in", "12ab56").json()["errors"]["code"]
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = verify(client, "a@example.in", code)
    assert expired.status_code == 400 and "ask for a new one" in expired.json()["errors"]["code"][0]
    assert not VerifiedIdentifier.objects.exists()


def test_flooding_gets_429_and_sends_no_more(smtp):
    client = APIClient()
    assert ask(client, "c@example.in").status_code == 202
    cooled = ask(client, "c@example.in")
    assert cooled.status_code == 429 and int(cooled["Retry-After"]) > 0
    for n in range(30):  # one client address, many identifiers
        OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
        ask(client, f"flood{n}@example.in")
    sent = len(smtp.messages)
    assert sent == 30  # the 30-an-hour limit of one address
    assert ask(client, "one-more@example.in").status_code == 429
    assert len(smtp.messages) == sent


def test_the_answer_does_not_say_whether_an_account_exists(smtp):
    client = APIClient()
    ask(client, "d@example.in")
    verify(client, "d@example.in", smtp.codes_for("d@example.in")[0])
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    known = ask(APIClient(REMOTE_ADDR="10.0.0.2"), "d@example.in")
    unknown = ask(APIClient(REMOTE_ADDR="10.0.0.3"), "nobody@example.in")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_production_refuses_the_console_mail_backend():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings("consolemail://", production=True)
    assert (
        email_settings("smtp://mail.example:2525?starttls=1", production=True)["EMAIL_PORT"] == 2525
    )
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "EMAIL_URL": "consolemail://"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0 and "EMAIL_URL is consolemail://" in done.stderr


def test_the_portal_signs_in_with_a_code(smtp, client):
    page = client.get("/portal/login")
    assert "/portal/login/code" in page.content.decode()
    bad = client.post("/portal/login/code", {"identifier": "not an address"})
    assert bad.status_code == 400 and 'id="id_identifier_error"' in bad.content.decode()
    asked = client.post("/portal/login/code", {"identifier": "meera@example.in"})
    assert asked.status_code == 302 and asked["Location"].endswith("/portal/login/code/verify")
    page = client.get(asked["Location"]).content.decode()
    assert "meera@example.in" in page
    (code,) = smtp.codes_for("meera@example.in")
    wrong = client.post(
        "/portal/login/code/verify", {"code": "000000" if code != "000000" else "1"}
    )
    assert wrong.status_code == 400
    undeclared = client.post("/portal/login/code/verify", {"code": code})
    assert undeclared.status_code == 400  # a new account declares its date of birth
    assert 'id="id_birth_date_error"' in undeclared.content.decode()
    signed_in = client.post("/portal/login/code/verify", {"code": code, "birth_date": "1991-05-04"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/portal/"
    assert "meera@suchi" in client.get("/portal/").content.decode()
    assert client.get("/portal/login/code/verify").status_code == 302  # the step is over


def test_without_a_gateway_a_mobile_number_is_asked_to_use_email(settings):
    settings.SUCHI_SMS_GATEWAY_URL = ""
    response = ask(APIClient(), "+919876543210")
    assert response.status_code == 400
    assert "use an e-mail address" in response.json()["errors"]["identifier"][0]
    assert OneTimeCode.objects.count() == 0


@pytest.mark.parametrize(
    "first, variant",
    [
        ("alice@example.com", "alice@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com"),  # full-width
        ("alice@bücher.de", "alice@xn--bcher-kva.de"),  # IDNA
        ("+91 98765 43210", "98765\u0664\u0663210"),  # Arabic-Indic digits: refused
    ],
)
def test_variants_of_one_mailbox_or_number_are_one_identifier(smtp, gateway, first, variant):
    """An outside probe found variants that escaped the limits and made second accounts."""
    client = APIClient()
    assert ask(client, first).status_code == 202
    assert ask(client, variant).status_code in (400, 429)
    assert ask(client, "alice@exam\u00adple.com").status_code == 400  # an invisible hyphen


def test_term_items_cannot_write_lines_of_their_own(db):
    from core.errors import ServiceError
    from exchange.terms import terms_checked

    for terms, field in (
        (
            {"permitted_uses": ["Research.\\nOnward transfer is permitted."]},
            "terms.permitted_uses[0]",
        ),
        ({"attribution": "KA\\u2028Delete by 2099"}, "terms.attribution"),
    ):
        terms = __import__("json").loads(__import__("json").dumps(terms).replace("\\\\", "\\"))
        with pytest.raises(ServiceError) as refused:
            terms_checked(terms, template={}, purpose="research")
        assert refused.value.field == field
