"""Webhooks: every status change reaches the consumer's and provider's endpoints, signed, with
an idempotency id; a receiver that is down loses nothing."""

import json

import pytest
from jwcrypto import jwk, jws

from consent.keys import jwks
from consent.models import WebhookDelivery
from consent.services import artefact_revoke, consent_grant, webhook_deliver, webhook_deliveries_due

from ..factories import consent_request_payload
from ..receiver import WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver(settings):
    server = WebhookReceiver()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, server.host_port]
    settings.SUCHI_WEBHOOK_RETRY_BASE = 0.05
    yield server
    server.stop()


def drain() -> list[str]:
    """Attempt every due delivery here, as the worker would. (Embedded mode already attempted
    them when the change committed; with a broker, no worker runs in these tests.)"""
    return [webhook_deliver(delivery_id=d) for d in webhook_deliveries_due()]


def subscribe(party, url, events=()):
    response = party.api.post(
        "/api/v1/webhooks", {"url": url, "events": list(events)}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def verify_signature(received) -> dict:
    keys = jwk.JWKSet.from_json(json.dumps(jwks()))
    signature = jws.JWS()
    signature.deserialize(received.headers["X-Suchi-Signature"])
    signature.verify(
        keys.get_key(signature.jose_header["kid"]), alg="EdDSA", detached_payload=received.body
    )
    return json.loads(received.body)


def test_consumer_and_provider_receive_signed_events(consumer, provider, asha, records, receiver):
    subscribe(consumer, receiver.url)
    subscribe(provider, receiver.url.replace("/hooks", "/provider"))
    created = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    ).json()
    _, (artefact,) = consent_grant(citizen=asha, request_id=created["id"], actor="citizen")
    artefact_revoke(citizen=asha, artefact_id=artefact.pk, actor="citizen")
    drain()

    by_type: dict[str, list] = {}
    for received in receiver.received:
        event = verify_signature(received)
        assert received.headers["X-Suchi-Event-Id"] == event["id"]
        assert received.headers["X-Suchi-Event"] == event["type"]
        by_type.setdefault(event["type"], []).append(event)
    # request.granted to the consumer only; artefact events to consumer and provider.
    assert len(by_type["request.granted"]) == 1
    assert len(by_type["artefact.issued"]) == 2
    assert len(by_type["artefact.revoked"]) == 2
    assert by_type["artefact.revoked"][0]["data"]["consent_artefact"]["status"] == "revoked"
    assert WebhookDelivery.objects.filter(status="delivered").count() == 5


def test_forged_signature_fails_verification(consumer, asha, records, receiver):
    subscribe(consumer, receiver.url)
    created = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    ).json()
    consent_grant(citizen=asha, request_id=created["id"], actor="citizen")
    drain()
    received = receiver.received[0]
    received.body = received.body.replace(b"granted", b"denied!")
    with pytest.raises(jws.InvalidJWSSignature):
        verify_signature(received)


def test_receiver_down_loses_nothing_and_each_event_arrives(
    consumer, asha, records, receiver, settings
):
    subscribe(consumer, receiver.url)
    receiver.stop()  # connection refused from now on
    ids = []
    for _ in range(3):
        created = consumer.api.post(
            "/api/v1/consent-requests",
            consent_request_payload("asha@suchi", [records]),
            format="json",
        ).json()
        consumer.api.post(f"/api/v1/consent-requests/{created['id']}/cancel")
        ids.append(created["id"])
    drain()
    pending = WebhookDelivery.objects.filter(status="pending")
    assert pending.count() == 3
    assert all(d.attempts >= 1 and "refused" in d.last_error.lower() for d in pending)

    receiver.start()
    import time

    deadline = time.monotonic() + 10
    while WebhookDelivery.objects.filter(status="pending").exists() and time.monotonic() < deadline:
        drain()
        time.sleep(0.05)
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3
    bodies = [json.loads(r.body) for r in receiver.received]
    assert sorted(b["data"]["consent_request"]["id"] for b in bodies) == sorted(ids)
    assert len(set(receiver.event_ids())) == 3


def test_delivery_is_claimed_once(consumer, asha, records, receiver):
    subscribe(consumer, receiver.url)
    receiver.stop()
    created = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    ).json()
    consumer.api.post(f"/api/v1/consent-requests/{created['id']}/cancel")
    drain()
    receiver.start()
    (delivery_id,) = [str(d.pk) for d in WebhookDelivery.objects.all()]
    import time

    time.sleep(0.2)
    assert webhook_deliveries_due() == [delivery_id]
    assert webhook_deliver(delivery_id=delivery_id) == "delivered"
    assert webhook_deliver(delivery_id=delivery_id) == "skipped"
    assert len(receiver.received) == 1


def test_receiver_answering_500_is_retried_and_deliveries_are_listed(
    consumer, asha, records, receiver
):
    receiver.status = 500
    subscribe(consumer, receiver.url)
    created = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    ).json()
    consumer.api.post(f"/api/v1/consent-requests/{created['id']}/cancel")
    drain()
    listed = consumer.api.get("/api/v1/webhooks/deliveries").json()
    assert listed["count"] == 1
    assert listed["results"][0]["status"] == "pending"
    assert listed["results"][0]["last_error"] == "HTTP 500"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("http://169.254.169.254/latest/meta-data", "url"),
        ("http://127.0.0.1:1/hooks", "url"),
        ("ftp://example.org/hooks", "url"),
        ("not a url", "url"),
    ],
)
def test_unsafe_webhook_urls_are_refused(consumer, url, field):
    response = consumer.api.post("/api/v1/webhooks", {"url": url}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_unknown_event_type_is_refused(consumer, receiver):
    response = consumer.api.post(
        "/api/v1/webhooks", {"url": receiver.url, "events": ["dataset.sold"]}, format="json"
    )
    assert response.status_code == 400
    assert "events" in response.json()["errors"]


def test_webhooks_need_their_scope_and_are_per_institution(provider_b, consumer, receiver):
    assert provider_b.api.get("/api/v1/webhooks").status_code == 403
    endpoint = subscribe(consumer, receiver.url)
    from ..factories import make_institution, make_token
    from .conftest import bearer

    other = bearer(make_token(make_institution(slug="x"), scopes=("webhooks:write",)))
    assert other.delete(f"/api/v1/webhooks/{endpoint['id']}").status_code == 404
    assert consumer.api.delete(f"/api/v1/webhooks/{endpoint['id']}").json()["is_active"] is False
