"""Notifications to citizens (issue #20, part 3): every event a citizen must hear of reaches a
real SMTP server, a test SMS gateway and the portal inbox exactly once, in the citizen's
language, without the records; a gateway that is down delays and never loses; a citizen who
turned e-mail off still gets the inbox; reminders come once, a day ahead."""

import json
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.utils import timezone

from consent.models import ConsentArtefact, ConsentRequest
from consent.services import (
    artefact_pause,
    artefact_resume,
    artefact_revoke,
    consent_grant,
    consents_expire,
)
from identity.models import Notification, NotificationPreference, VerifiedIdentifier
from identity.notifications import notification_deliver, notifications_due, reminders_create
from identity.tasks import sweep_notifications

from ..factories import consent_request_payload
from ..receiver import WebhookReceiver
from .test_otp import Inbox

pytestmark = pytest.mark.django_db(transaction=True)
SHA = "c" * 64


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
    # Long enough that a retry is never due by itself within a test: tests make it due.
    settings.SUCHI_WEBHOOK_RETRY_BASE = 5
    yield server
    server.stop()


def reachable(citizen, *, email=None, mobile=None):
    now = timezone.now()
    if email:
        VerifiedIdentifier.objects.create(
            citizen=citizen, kind="email", value=email, verified_at=now
        )
    if mobile:
        VerifiedIdentifier.objects.create(
            citizen=citizen, kind="mobile", value=mobile, verified_at=now
        )


def ask(consumer, handle, records) -> str:
    response = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload(handle, [records]), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def release(provider, artefact) -> None:
    response = provider.api.post(
        f"/api/v1/consent-artefacts/{artefact.pk}/receipts",
        {
            "data_range": {"from": "2026-03-01", "to": "2026-03-31"},
            "record_count": 3,
            "sha256": SHA,
            "served_at": timezone.now().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def drain() -> None:
    """Attempt every due notification here, as the worker would. (The embedded default already
    attempted each when its change committed; with a broker, no worker runs in these tests.)"""
    for notification_id in notifications_due():
        notification_deliver(notification_id=notification_id)


def sms(gateway) -> list[dict]:
    return [json.loads(r.body) for r in gateway.received]


EXPECTED = [
    "request.created",
    "receipt.recorded",
    "artefact.paused",
    "artefact.resumed",
    "artefact.revoked",
]


def test_every_event_reaches_each_channel_once_in_the_citizens_language(
    smtp, gateway, consumer, provider, ravi, records
):
    reachable(ravi, email="ravi@example.in", mobile="+919876543210")
    request_id = ask(consumer, "ravi@suchi", records)
    _, (artefact,) = consent_grant(citizen=ravi, request_id=request_id, actor="citizen")
    release(provider, artefact)
    for change in (artefact_pause, artefact_resume, artefact_revoke):
        change(citizen=ravi, artefact_id=artefact.pk, actor="citizen")
    drain()

    inbox = list(Notification.objects.filter(citizen=ravi, channel="inbox").order_by("created_at"))
    assert [n.kind for n in inbox] == EXPECTED
    assert [m["To"] for m in smtp.messages] == ["ravi@example.in"] * len(EXPECTED)
    assert {m["Content-Language"] for m in smtp.messages} == {"hi"}
    texts = sms(gateway)
    assert len(texts) == len(EXPECTED)
    assert {(t["to"], t["language"], t["purpose"]) for t in texts} == {
        ("+919876543210", "hi", "notification")
    }
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert {n.language for n in Notification.objects.all()} == {"hi"}
    # What happened, who, which datasets and a link: never the records, hashes or counts.
    bodies = [n.body for n in Notification.objects.all()] + [t["message"] for t in texts]
    bodies += [m.get_payload(decode=True).decode() for m in smtp.messages]
    receipt_id = str(artefact.receipts.get().pk)
    for body in bodies:
        assert SHA not in body and receipt_id not in body and "record_count" not in body
        assert "Suraksha Insurance" in body and records.title in body
    assert f"/portal/requests/{request_id}" in inbox[0].body
    assert inbox[1].link.endswith("/portal/access-log")
    assert inbox[2].link.endswith(f"/portal/consents/{artefact.pk}")


def test_an_english_citizen_gets_english(smtp, consumer, asha, records):
    reachable(asha, email="asha@example.in")
    ask(consumer, "asha@suchi", records)
    drain()
    (message,) = smtp.messages
    assert message["Content-Language"] == "en"
    assert message["Subject"] == "Suraksha Insurance asks for your consent"


def test_a_gateway_that_is_down_delays_and_then_delivers(gateway, consumer, ravi, records):
    reachable(ravi, mobile="+919876543210")
    gateway.stop()
    ask(consumer, "ravi@suchi", records)
    drain()
    (text,) = Notification.objects.filter(channel="sms")
    assert text.status == "pending" and text.attempts == 1 and text.last_error
    # Still down at the next attempt: another retry, nothing lost.
    Notification.objects.filter(pk=text.pk).update(next_attempt_at=timezone.now())
    assert notification_deliver(notification_id=text.pk) == "retry"
    gateway.start()  # back, on the same port
    Notification.objects.filter(pk=text.pk).update(next_attempt_at=timezone.now())
    sweep_notifications()
    sweep_notifications()  # nothing more is due: sent once
    drain()
    text.refresh_from_db()
    assert text.status == "sent" and text.attempts == 3
    assert len(sms(gateway)) == 1
    assert Notification.objects.filter(channel="inbox", citizen=ravi).count() == 1


def test_a_gateway_down_too_long_is_given_up(gateway, consumer, ravi, records, settings):
    reachable(ravi, mobile="+919876543210")
    gateway.stop()
    ask(consumer, "ravi@suchi", records)
    Notification.objects.update(
        next_attempt_at=timezone.now(), created_at=timezone.now() - timedelta(days=2)
    )
    (text,) = Notification.objects.filter(channel="sms")
    assert notification_deliver(notification_id=text.pk) == "failed"
    assert Notification.objects.get(channel="inbox").status == "sent"


def test_email_turned_off_still_reaches_the_inbox(smtp, consumer, asha, records):
    reachable(asha, email="asha@example.in")
    web = Client()
    web.force_login(asha.user)
    assert web.post("/portal/inbox/preferences", {}).status_code == 302
    assert NotificationPreference.objects.get(citizen=asha).email is False
    ask(consumer, "asha@suchi", records)
    drain()
    assert smtp.messages == []
    assert not Notification.objects.filter(channel="email").exists()
    page = web.get("/portal/inbox")
    assert page.status_code == 200
    assert "Suraksha Insurance asks for your consent" in page.content.decode()


def test_a_citizen_without_identifiers_gets_the_inbox_only(smtp, gateway, consumer, asha, records):
    ask(consumer, "asha@suchi", records)
    assert list(Notification.objects.values_list("channel", flat=True)) == ["inbox"]
    assert smtp.messages == [] and gateway.received == []


def test_reminders_come_once_a_day_before(smtp, consumer, asha, records):
    reachable(asha, email="asha@example.in")
    request_id = ask(consumer, "asha@suchi", records)
    assert reminders_create() == 0  # the answer is due in days, not within one
    soon = timezone.now() + timedelta(hours=12)
    ConsentRequest.objects.filter(pk=request_id).update(respond_by=soon)
    assert reminders_create() == 1
    assert reminders_create() == 0
    drain()
    assert [m["Subject"] for m in smtp.messages][-1] == "A consent request expires tomorrow"

    _, (artefact,) = consent_grant(citizen=asha, request_id=request_id, actor="citizen")
    ConsentArtefact.objects.filter(pk=artefact.pk).update(valid_until=soon)
    sweep_notifications()
    sweep_notifications()
    drain()
    kinds = list(
        Notification.objects.filter(channel="inbox")
        .order_by("created_at")
        .values_list("kind", flat=True)
    )
    assert kinds == ["request.created", "request.reminder", "artefact.reminder"]
    assert len(smtp.messages) == 3


def test_expiry_is_told_once(smtp, consumer, asha, records):
    reachable(asha, email="asha@example.in")
    request_id = ask(consumer, "asha@suchi", records)
    _, (artefact,) = consent_grant(citizen=asha, request_id=request_id, actor="citizen")
    past = timezone.now() - timedelta(minutes=1)
    ConsentArtefact.objects.filter(pk=artefact.pk).update(
        valid_from=past - timedelta(days=1), valid_until=past
    )
    assert consents_expire() == (0, 1)
    assert consents_expire() == (0, 0)
    drain()
    (told,) = Notification.objects.filter(channel="inbox", kind="artefact.expired")
    assert told.subject == "Your consent to Suraksha Insurance has ended"
    assert [m["Subject"] for m in smtp.messages].count(told.subject) == 1
