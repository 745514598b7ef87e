"""Consumers ask for consent: POST /api/v1/consent-requests and friends."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consent.models import ConsentEvent, ConsentRequest

from ..factories import consent_request_payload, make_token, publish
from .conftest import bearer

pytestmark = pytest.mark.django_db


def post_request(consumer, payload):
    return consumer.api.post("/api/v1/consent-requests", payload, format="json")


def test_consumer_creates_a_pending_request_the_citizen_can_see(consumer, asha, records, asha_api):
    response = post_request(consumer, consent_request_payload("asha@suchi", [records]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["citizen"] == "asha@suchi"
    assert body["consumer"] == {"id": "suraksha", "name": "Suraksha Insurance"}
    assert [d["id"] for d in body["datasets"]] == [str(records.pk)]
    assert body["purpose"]["dpv"].startswith("https://w3id.org/dpv#")
    assert len(body["notice"]["sha256"]) == 64
    assert response["Location"] == f"/api/v1/consent-requests/{body['id']}"

    mine = asha_api.get("/api/v1/me/consent-requests").json()
    assert [r["id"] for r in mine["results"]] == [body["id"]]
    event = ConsentEvent.objects.get()
    assert (event.kind, str(event.request_id), event.seq) == ("request.created", body["id"], 1)


def test_consumer_reads_lists_and_cancels_its_request(consumer, pending):
    url = f"/api/v1/consent-requests/{pending['id']}"
    assert consumer.api.get(url).json()["status"] == "pending"
    listed = consumer.api.get("/api/v1/consent-requests?status=pending").json()
    assert [r["id"] for r in listed["results"]] == [pending["id"]]

    response = consumer.api.post(f"{url}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = consumer.api.post(f"{url}/cancel")
    assert again.status_code == 409
    assert "already cancelled" in again.json()["detail"]


def test_periodic_request_needs_a_frequency_and_keeps_it(consumer, asha, records):
    payload = consent_request_payload(
        "asha@suchi", [records], fetch_type="periodic", frequency={"unit": "month", "value": 1}
    )
    response = post_request(consumer, payload)
    assert response.status_code == 201, response.content
    assert response.json()["frequency"] == {"unit": "month", "value": 1}

    missing = post_request(consumer, {**payload, "frequency": None})
    assert missing.status_code == 400
    assert "frequency" in missing.json()["errors"]


def test_one_request_may_span_several_providers(consumer, asha, records, records_b):
    response = post_request(consumer, consent_request_payload("asha@suchi", [records, records_b]))
    assert response.status_code == 201
    providers = {d["provider"] for d in response.json()["datasets"]}
    assert providers == {"ka-health", "sahyadri"}


# --- Bad input: 400 naming the field, nothing written ----------------------------------------
def _open_dataset(provider):
    return publish(provider.institution, slug="bed-occupancy")


BAD_INPUTS = [
    # An unknown handle is not an error: the answer must not tell whether a handle exists
    # (tests/security/test_handle_enumeration.py).
    ("blank citizen", lambda p: {**p, "citizen": "  "}, "citizen"),
    (
        "unknown purpose",
        lambda p: {**p, "purpose": {"code": "MARKETING", "text": "x"}},
        "purpose.code",
    ),
    (
        "empty purpose text",
        lambda p: {**p, "purpose": {"code": "INSCLM", "text": " "}},
        "purpose.text",
    ),
    (
        "range from after to",
        lambda p: {**p, "data_range": {"from": "2026-04-01", "to": "2026-03-01"}},
        "data_range.from",
    ),
    (
        "expiry in the past",
        lambda p: {**p, "expires_at": (timezone.now() - timedelta(minutes=1)).isoformat()},
        "expires_at",
    ),
    (
        "expiry too far",
        lambda p: {**p, "expires_at": (timezone.now() + timedelta(days=365 * 6)).isoformat()},
        "expires_at",
    ),
    (
        "nonsense data-life unit",
        lambda p: {**p, "data_life": {"unit": "fortnight", "value": 2}},
        "data_life.unit",
    ),
    (
        "zero data life",
        lambda p: {**p, "data_life": {"unit": "day", "value": 0}},
        "data_life.value",
    ),
    (
        "nonsense frequency unit",
        lambda p: {**p, "fetch_type": "periodic", "frequency": {"unit": "lunar", "value": 1}},
        "frequency.unit",
    ),
    (
        "frequency on a one-time fetch",
        lambda p: {**p, "frequency": {"unit": "day", "value": 1}},
        "frequency",
    ),
    ("unknown access mode", lambda p: {**p, "access_mode": "sell"}, "access_mode"),
    ("unknown fetch type", lambda p: {**p, "fetch_type": "sometimes"}, "fetch_type"),
    ("no datasets", lambda p: {**p, "datasets": []}, "datasets"),
    ("dataset twice", lambda p: {**p, "datasets": p["datasets"] * 2}, "datasets"),
    (
        "unknown dataset",
        lambda p: {**p, "datasets": ["00000000-0000-4000-8000-000000000000"]},
        "datasets[0]",
    ),
    ("not a uuid", lambda p: {**p, "datasets": ["beds"]}, "datasets[0]"),
    ("unknown field", lambda p: {**p, "price": 10}, "price"),
    ("no notice", lambda p: {k: v for k, v in p.items() if k != "notice"}, "notice"),
    (
        "unknown notice language",
        lambda p: {**p, "notice": {"text": "x", "language": "xx"}},
        "notice.language",
    ),
    (
        "string for an integer",
        lambda p: {**p, "data_life": {"unit": "day", "value": "6"}},
        "data_life.value",
    ),
]


@pytest.mark.parametrize(("case", "change", "field"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_request_input_is_a_400_naming_the_field(consumer, asha, records, case, change, field):
    response = post_request(consumer, change(consent_request_payload("asha@suchi", [records])))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert ConsentRequest.objects.count() == 0
    assert ConsentEvent.objects.count() == 0


def test_open_dataset_cannot_be_requested_under_consent(consumer, provider, asha):
    response = post_request(
        consumer, consent_request_payload("asha@suchi", [_open_dataset(provider)])
    )
    assert response.status_code == 400
    assert "not shared under consent" in response.json()["errors"]["datasets[0]"][0]


def test_an_institution_that_is_not_a_consumer_cannot_ask(provider, asha, records):
    token = make_token(provider.institution, scopes=("consents:request",))
    response = bearer(token).post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    )
    assert response.status_code == 400
    assert "consumer" in response.json()["errors"]


def test_token_without_the_scope_is_forbidden(provider, asha, records):
    response = provider.api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    )
    assert response.status_code == 403
    assert "consents:request" in response.json()["detail"]


def test_anonymous_caller_is_told_to_authenticate(client_anon):
    assert client_anon.get("/api/v1/consent-requests").status_code == 401


def test_another_consumer_sees_nothing_of_the_request(pending, db):
    from ..factories import make_institution

    other = make_institution(slug="other-insurer", is_consumer=True)
    other_api = bearer(make_token(other, scopes=("consents:request",)))
    assert other_api.get(f"/api/v1/consent-requests/{pending['id']}").status_code == 404
    assert other_api.post(f"/api/v1/consent-requests/{pending['id']}/cancel").status_code == 404
    assert other_api.get("/api/v1/consent-requests").json()["count"] == 0


def test_unknown_status_filter_is_a_400(consumer):
    response = consumer.api.get("/api/v1/consent-requests?status=maybe")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_purposes_are_published_with_dpv_iris(client_anon):
    purposes = {p["code"]: p for p in client_anon.get("/api/v1/purposes").json()}
    assert {"CAREMGT", "BTG", "PUBHLTH", "HPAYMT", "DSRCH", "PATRQT"} <= set(purposes)
    assert len(purposes) >= 10
    assert all(p["dpv"].startswith("https://w3id.org/dpv") for p in purposes.values())
