"""Probe finding 7: a consumer learned whether a citizen handle exists from the consent-request
error ("No citizen has the handle …"). Now a request to a handle nobody holds is answered, read,
listed, cancelled, expired and webhooked exactly like one to a real citizen; nobody sees it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consent.models import ConsentEvent, ConsentRequest, WebhookDelivery
from consent.services import consents_expire, webhook_endpoint_create

from ..factories import (
    consent_request_payload,
    make_citizen,
    make_institution,
    make_token,
    publish_consent_dataset,
    source_url,
)

pytestmark = pytest.mark.django_db

VOLATILE = {"id", "created_at", "updated_at", "respond_by", "expires_at", "links"}


@pytest.fixture
def consumer(db):
    institution = make_institution(
        slug="probe-consumer", name="Probe Consumer", kind="private", is_consumer=True
    )
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {make_token(institution, scopes=('consents:request',))}"
    )
    webhook_endpoint_create(institution=institution, url=source_url("/hook"), events=[])
    return client


@pytest.fixture
def records(db):
    provider = make_institution(slug="probe-provider", name="Probe Provider")
    return publish_consent_dataset(provider, title="Probe records")


def ask(consumer, handle, records):
    return consumer.post(
        "/api/v1/consent-requests", consent_request_payload(handle, [records]), format="json"
    )


def shape(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in VOLATILE and k != "citizen"}


def test_the_answer_is_the_same_whether_the_handle_exists(consumer, records):
    make_citizen("real.person@suchi")
    real = ask(consumer, "real.person@suchi", records)
    ghost = ask(consumer, "no.such.person@suchi", records)
    assert (real.status_code, ghost.status_code) == (201, 201)
    assert shape(real.json()) == shape(ghost.json())
    assert set(real.json()) == set(ghost.json())
    assert ghost.json()["citizen"] == "no.such.person@suchi"
    # Reading, listing and cancelling look the same too.
    for body in (real.json(), ghost.json()):
        assert consumer.get(f"/api/v1/consent-requests/{body['id']}").status_code == 200
    listed = {r["citizen"] for r in consumer.get("/api/v1/consent-requests").json()["results"]}
    assert listed == {"real.person@suchi", "no.such.person@suchi"}
    for body in (real.json(), ghost.json()):
        cancelled = consumer.post(f"/api/v1/consent-requests/{body['id']}/cancel")
        assert cancelled.status_code == 200, cancelled.content
        assert cancelled.json()["status"] == "cancelled"
    # The consumer's webhooks say the same about both.
    kinds = sorted(WebhookDelivery.objects.values_list("event_type", flat=True))
    assert kinds == ["request.cancelled", "request.cancelled"]


def test_a_request_to_no_one_is_seen_by_no_one_and_expires(consumer, records):
    ghost = ask(consumer, "nobody.here@suchi", records).json()
    request = ConsentRequest.objects.get(pk=ghost["id"])
    assert request.citizen is None
    assert ConsentEvent.objects.count() == 0  # no citizen, no ledger
    # Someone who takes the handle later does not inherit the request.
    later = make_citizen("nobody.here@suchi")
    citizen_api = APIClient()
    token = citizen_api.post(
        "/api/v1/auth/token",
        {"handle": "nobody.here@suchi", "password": "correct-horse-battery"},
        format="json",
    ).json()["access_token"]
    citizen_api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert citizen_api.get("/api/v1/me/consent-requests").json()["results"] == []
    assert later.consent_requests.count() == 0
    # It expires like any unanswered request, and the consumer hears so.
    consents_expire(now=timezone.now() + timedelta(days=365))
    assert consumer.get(f"/api/v1/consent-requests/{ghost['id']}").json()["status"] == "expired"
    assert WebhookDelivery.objects.filter(event_type="request.expired").count() == 1


def test_other_errors_come_before_the_handle_is_looked_at(consumer, records):
    """A bad request is refused for its own fault, with the same words for any handle."""
    make_citizen("exists@suchi")
    for handle in ("exists@suchi", "missing@suchi"):
        bad = consumer.post(
            "/api/v1/consent-requests",
            consent_request_payload(handle, [records], purpose={"code": "NOPE", "text": "x"}),
            format="json",
        )
        assert bad.status_code == 400
        assert bad.json()["errors"] == {"purpose.code": [bad.json()["errors"]["purpose.code"][0]]}
        assert "handle" not in bad.content.decode()
