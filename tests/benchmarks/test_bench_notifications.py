"""Notification fan-out benchmark (issue #20): 1,000 citizens, each with a verified e-mail
address and e-mail notifications on, get one consent request each (the ledger event's signal
writes the inbox and e-mail outbox rows), then the whole outbox is delivered by the function the
`notify-citizens` workers run (identity.notifications.notification_deliver) to a real SMTP
server (aiosmtpd on loopback, in this process). Every citizen's e-mail must arrive exactly once.

The writes run inside the test's transaction, so no commit fires the on-commit delivery jobs:
with or without a broker nothing is sent until this test drains the due rows itself, and the
two phases are timed apart. Each of REPEATS rounds asks every citizen once more; medians are
printed (a round is ~1,000 consent events and ~1,000 messages).
"""

import logging
import socket
import statistics
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from consent.services import Period, consent_request_create
from identity.models import Notification, VerifiedIdentifier
from identity.notifications import notification_deliver, notifications_due, preference_set

from ..factories import make_citizen, make_institution, publish_consent_dataset
from ..identity.test_otp import Inbox

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]
CITIZENS = 1000
REPEATS = 3


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port (aiosmtpd checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    chatter = logging.getLogger("mail.log")  # aiosmtpd logs every SMTP command at INFO
    level = chatter.level
    chatter.setLevel(logging.WARNING)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.SUCHI_SMS_GATEWAY_URL = ""  # e-mail only: one outgoing message per event
    yield inbox
    controller.stop()
    chatter.setLevel(level)


def _citizens() -> dict[str, object]:
    """Address → citizen, each reachable by e-mail with e-mail notifications on."""
    now = timezone.now()
    citizens = {f"c{i}@bench.example": make_citizen(f"bench{i}@suchi") for i in range(CITIZENS)}
    VerifiedIdentifier.objects.bulk_create(
        VerifiedIdentifier(citizen=c, kind="email", value=address, verified_at=now)
        for address, c in citizens.items()
    )
    for citizen in citizens.values():
        preference_set(citizen=citizen, email=True, sms=False)
    return citizens


def _ask(consumer, citizen, dataset_id, expires_at) -> None:
    consent_request_create(
        consumer=consumer,
        citizen_handle=citizen.handle,
        purpose_code="INSCLM",
        purpose_text="To settle claim CLM-1 for your March stay.",
        dataset_ids=[dataset_id],
        access_mode="view",
        data_from=date(2026, 3, 1),
        data_to=date(2026, 3, 31),
        fetch_type="onetime",
        frequency=None,
        data_life=Period(unit="month", value=6),
        expires_at=expires_at,
        notice_text="We will read your March discharge summary.",
        notice_version="1",
        actor="bench",
    )


def _drain() -> Counter:
    """Deliver every due e-mail as the workers would (the sweep's batches of 500)."""
    outcomes: Counter = Counter()
    while due := notifications_due():
        for notification_id in due:
            outcomes[notification_deliver(notification_id=notification_id)] += 1
    return outcomes


def test_one_event_each_for_1000_citizens_reaches_smtp_once(smtp):
    provider = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    consumer = make_institution(
        slug="suraksha", name="Suraksha Insurance", kind="private", is_consumer=True,
        is_provider=False,
    )  # fmt: skip
    dataset = publish_consent_dataset(provider, title="Discharge summaries")
    citizens = _citizens()
    expires_at = timezone.now() + timedelta(days=90)
    writes, deliveries = [], []
    for round_ in range(REPEATS):
        smtp.messages.clear()
        started = time.perf_counter()
        for citizen in citizens.values():
            _ask(consumer, citizen, dataset.pk, expires_at)
        writes.append(CITIZENS / (time.perf_counter() - started))
        waiting = Notification.objects.filter(channel="email", status="pending")
        assert waiting.count() == CITIZENS

        started = time.perf_counter()
        outcomes = _drain()
        deliveries.append(CITIZENS / (time.perf_counter() - started))
        assert outcomes == {"delivered": CITIZENS}, (round_, outcomes)
        received = Counter(m["To"] for m in smtp.messages)
        assert received == dict.fromkeys(citizens, 1), f"round {round_}: not one e-mail each"
        assert {m["Subject"] for m in smtp.messages} == {"Suraksha Insurance asks for your consent"}
        assert not waiting.exists()
    assert Notification.objects.filter(channel="inbox").count() == CITIZENS * REPEATS
    assert Notification.objects.filter(channel="email", status="sent").count() == (
        CITIZENS * REPEATS
    )
    print(
        f"\nBENCH notifications ({connection.vendor}, {CITIZENS:,} citizens, one consent "
        f"request each, median of {REPEATS} rounds): write (request + ledger event + inbox and "
        f"e-mail rows) {statistics.median(writes):.0f} events/s; deliver to SMTP on loopback "
        f"{statistics.median(deliveries):.0f} messages/s; rounds: write "
        f"{[round(w) for w in writes]}, deliver {[round(d) for d in deliveries]}"
    )
