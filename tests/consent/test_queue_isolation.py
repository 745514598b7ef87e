"""Queues by kind of work (core/queues.py): while a long harvest occupies the harvest queue,
with more harvests waiting behind it, a consent notification is delivered by the
notifications worker within its normal time. Real workers, one per queue, as the scale
profile runs them."""

import time

import pytest
import redis
from django.conf import settings
from django.db import connections

from consent.services import consent_grant
from core.queues import queue_name
from harvest.models import HarvestJob
from harvest.services import harvest_job_start, harvest_source_create

from ..factories import consent_request_payload, make_institution
from ..integration.worker import WorkerProcess
from ..receiver import WebhookReceiver
from ..services import redis_available, require, using_broker, using_postgres
from ..sourceserver import SourceServer, drip

pytestmark = pytest.mark.django_db(transaction=True)

NORMAL_SECONDS = 5  # a webhook reaches a waiting receiver well within this, queue empty or not


@pytest.fixture
def servers(settings):
    if not using_broker():
        pytest.skip("queues exist only with a broker: the PostgreSQL + Redis shape (CI runs both)")
    require("PostgreSQL", using_postgres(), "DATABASE_URL=postgres://… for worker processes")
    require("Redis", redis_available(), "a reachable REDIS_URL")
    catalogue, receiver = SourceServer(), WebhookReceiver()
    settings.SUCHI_SOURCE_ALLOWLIST = [
        *settings.SUCHI_SOURCE_ALLOWLIST, catalogue.host_port, receiver.host_port
    ]  # fmt: skip
    yield catalogue, receiver
    catalogue.stop()
    receiver.stop()


def _waiting(kind: str) -> int:
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        return client.llen(queue_name(kind))
    finally:
        client.close()


def test_a_long_harvest_does_not_delay_a_consent_notification(servers, consumer, asha, records):
    catalogue, receiver = servers
    # A catalogue that takes half a minute to send its data.json.
    for n in range(3):
        catalogue.handle(f"/slow-{n}.json", drip(0.5, 60))
    owner = make_institution(slug="national", name="National Data Registry")
    workers = [
        WorkerProcess(kinds=("harvest",)).start(),
        WorkerProcess(kinds=("notifications",)).start(),
    ]
    try:
        sources = [
            harvest_source_create(
                institution=owner,
                name=f"slow-{n}",
                kind="datajson",
                url=catalogue.url(f"/slow-{n}.json"),
            )
            for n in range(3)
        ]
        jobs = [harvest_job_start(source=source) for source in sources]
        deadline = time.monotonic() + 20
        while not HarvestJob.objects.filter(pk__in=[j.pk for j in jobs], status="running").exists():
            assert time.monotonic() < deadline, "the harvest worker never took a job"
            time.sleep(0.1)
        assert _waiting("harvest") == 2  # the others wait behind it

        response = consumer.api.post(
            "/api/v1/webhooks", {"url": receiver.url, "events": []}, format="json"
        )
        assert response.status_code == 201, response.content
        created = consumer.api.post(
            "/api/v1/consent-requests",
            consent_request_payload("asha@suchi", [records]),
            format="json",
        ).json()
        granted_at = time.monotonic()
        consent_grant(citizen=asha, request_id=created["id"], actor="citizen")
        while not receiver.received:
            waited = time.monotonic() - granted_at
            assert waited < NORMAL_SECONDS, f"no notification after {waited:.1f} s"
            time.sleep(0.05)
        delivered_in = time.monotonic() - granted_at
        # The harvest was still running, its queue still full, when the notification arrived.
        assert HarvestJob.objects.filter(status="running").count() == 1
        assert _waiting("harvest") == 2
        assert delivered_in < NORMAL_SECONDS
    finally:
        for worker in workers:
            worker.stop()
        connections.close_all()
