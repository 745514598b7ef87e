"""The exchange through its API (issue #19): request → thread → approve with terms → a signed
agreement, verified with an independent JOSE library (jwcrypto) against the JWKS → status
checks and receipts → suspend, resume, revoke; the public register shows no private field."""

import base64
import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from jwcrypto import jwk, jws
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from consent.keys import jwks
from consent.models import WebhookDelivery
from consent.services import webhook_deliver, webhook_deliveries_due
from consent.verify import VerificationError, verify_artefact
from exchange.ledger import chain_verify
from exchange.models import AgreementReceipt, ExchangeEvent
from exchange.services import agreements_expire

from ..receiver import WebhookReceiver
from .conftest import request_body

pytestmark = pytest.mark.django_db
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")


def jwcrypto_verify(token: str, jwks_json: dict) -> dict:
    keys = jwk.JWKSet.from_json(json.dumps(jwks_json))
    parsed = jws.JWS()
    parsed.deserialize(token)
    parsed.verify(keys.get_key(parsed.jose_header["kid"]), alg="EdDSA")
    return json.loads(parsed.payload)


def file_request(consumer, datasets, **overrides) -> dict:
    response = consumer.api.post(
        "/api/v1/access-requests", request_body(datasets, **overrides), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def approve(provider, request_id, **body) -> dict:
    response = provider.api.post(
        f"/api/v1/access-requests/{request_id}/approve", body, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["agreement"]


def test_the_whole_lifecycle(consumer, provider, restricted, client):
    # The contract's minimal body is enough.
    created = file_request(consumer, restricted)
    assert created["status"] == "requested"
    assert created["provider"]["id"] == "ka-health"
    assert created["responsible"]["name"] == "Institute of AI Research"
    request_id = created["id"]

    # The provider asks a question; the consumer answers; both see the thread.
    for party, text in ((provider, "Which districts?"), (consumer, "All 31.")):
        response = party.api.post(
            f"/api/v1/access-requests/{request_id}/messages", {"text": text}, format="json"
        )
        assert response.status_code == 201, response.content
    thread = consumer.api.get(f"/api/v1/access-requests/{request_id}").json()["messages"]
    assert [(m["institution"], m["text"]) for m in thread] == [
        ("ka-health", "Which districts?"),
        ("iisc-ai", "All 31."),
    ]

    agreement = approve(
        provider,
        request_id,
        terms={"retention_days": 30, "attribution": "Department of Health, Karnataka"},
    )
    assert agreement["status"] == "active"
    assert consumer.api.get(f"/api/v1/access-requests/{request_id}").json()["agreement"] == {
        "id": agreement["id"],
        "status": "active",
    }

    # The artefact, verified by jwcrypto with nothing but the public JWKS.
    jwks_json = client.get("/.well-known/jwks.json").json()
    detail = consumer.api.get(f"/api/v1/agreements/{agreement['id']}").json()
    claims = jwcrypto_verify(detail["artefact"], jwks_json)
    assert claims["schema"] == "suchi.data-use-agreement/1"
    assert claims["id"] == agreement["id"]
    assert claims["provider"]["id"] == "ka-health" and claims["consumer"]["id"] == "iisc-ai"
    assert sorted(d["id"] for d in claims["datasets"]) == sorted(str(d.pk) for d in restricted)
    assert all(d["source_urls"] for d in claims["datasets"])
    assert claims["purpose"]["dpv"] == "https://w3id.org/dpv#AcademicResearch"
    text = claims["terms"]["text"]
    assert "Re-identifying any person" in text and "Delete every copy by" in text
    assert "Prohibited: passing the data" in text  # no onward transfer by default
    # ... and with Suchi's own verifier.
    assert verify_artefact(detail["artefact"], jwks_json)["id"] == agreement["id"]

    # The ODRL policy, read as RDF with its embedded context (nothing fetched).
    g = Graph().parse(data=json.dumps(claims["policy"]), format="json-ld")
    uid = URIRef(claims["policy"]["uid"])
    assert (uid, RDF.type, ODRL.Agreement) in g
    assert len(list(g.objects(uid, ODRL.permission))) == 2
    assert {str(g.value(p, ODRL.action)) for p in g.objects(uid, ODRL.prohibition)} == {
        str(ODRL.distribute),
        "https://w3id.org/suchi/exchange#reidentify",
    }

    # Status before a release, a release, then suspend → a refused release, kept.
    status_url = f"/api/v1/agreements/{agreement['id']}/status"
    assert provider.api.get(status_url).json()["status"] == "active"
    receipts = f"/api/v1/agreements/{agreement['id']}/receipts"
    release = {"served_at": timezone.now().isoformat(), "record_count": 120, "sha256": "a" * 64}
    assert provider.api.post(receipts, release, format="json").status_code == 201
    assert (
        provider.api.post(
            f"/api/v1/agreements/{agreement['id']}/suspend", {"reason": "audit"}, format="json"
        ).json()["status"]
        == "suspended"
    )
    refused = provider.api.post(receipts, release, format="json")
    assert refused.status_code == 409
    outcomes = [r["outcome"] for r in consumer.api.get(receipts).json()["results"]]
    assert sorted(outcomes) == ["refused", "released"]
    assert provider.api.post(f"/api/v1/agreements/{agreement['id']}/resume").status_code == 200

    # Revoked: the status says so at once, to both parties.
    revoked = provider.api.post(f"/api/v1/agreements/{agreement['id']}/revoke", {}, format="json")
    assert revoked.json()["status"] == "revoked"
    for party in (provider, consumer):
        assert party.api.get(status_url).json()["status"] == "revoked"
    assert provider.api.post(receipts, release, format="json").status_code == 409

    # Every step is in the provider's hash chain, which verifies.
    kinds = list(
        ExchangeEvent.objects.filter(provider=provider.institution)
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "access_request.created", "access_request.message", "access_request.message",
        "access_request.approved", "agreement.issued", "agreement.release",
        "agreement.suspended", "agreement.refused", "agreement.resumed", "agreement.revoked",
        "agreement.refused",
    ]  # fmt: skip
    assert chain_verify(provider.institution) is None


def test_the_register_is_public_and_shows_no_private_field(consumer, provider, restricted, client):
    created = file_request(
        consumer, restricted, description="PRIVATE-DESCRIPTION", responsible={
            "name": "PRIVATE-PERSON", "email": "private@iisc.example"}
    )  # fmt: skip
    provider.api.post(
        f"/api/v1/access-requests/{created['id']}/messages", {"text": "PRIVATE-NOTE"},
        format="json",
    )  # fmt: skip
    approve(provider, created["id"], terms={"attribution": "PRIVATE-ATTRIBUTION"})
    body = client.get("/api/v1/agreements/register")
    assert body.status_code == 200
    (entry,) = body.json()["results"]
    assert entry["consumer"]["id"] == "iisc-ai" and entry["purpose"]["code"] == "research"
    assert set(entry) == {
        "id", "consumer", "provider", "datasets", "purpose", "status", "valid_from",
        "valid_until",
    }  # fmt: skip
    as_csv = client.get("/api/v1/agreements/register.csv")
    assert as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert rows[0]["consumer"] == "iisc-ai" and rows[0]["status"] == "active"
    for text in (body.content.decode(), as_csv.content.decode()):
        assert "PRIVATE" not in text and "private@" not in text


def test_a_tampered_or_expired_artefact_fails_verification_with_the_reason(
    consumer, provider, restricted, client
):
    agreement = approve(provider, file_request(consumer, restricted)["id"])
    token = consumer.api.get(f"/api/v1/agreements/{agreement['id']}").json()["artefact"]
    jwks_json = client.get("/.well-known/jwks.json").json()
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["consumer"]["id"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jws.InvalidJWSSignature):
        jwcrypto_verify(f"{header}.{forged}.{signature}", jwks_json)
    with pytest.raises(VerificationError, match="bad signature"):
        verify_artefact(f"{header}.{forged}.{signature}", jwks_json)
    later = timezone.now() + timedelta(days=181)
    with pytest.raises(VerificationError, match="expired at"):
        verify_artefact(token, jwks_json, now=later)


def test_an_agreement_past_its_time_is_expired_at_once_and_by_the_sweep(
    consumer, provider, restricted
):
    agreement = approve(provider, file_request(consumer, restricted, duration_days=1)["id"])
    from exchange.models import DataUseAgreement

    DataUseAgreement.objects.filter(pk=agreement["id"]).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    status = provider.api.get(f"/api/v1/agreements/{agreement['id']}/status").json()
    assert status["status"] == "expired"
    assert agreements_expire() == 0  # already done
    assert ExchangeEvent.objects.filter(kind="agreement.expired").count() == 1


def test_ai_training_needs_the_model_and_gets_a_model_card_duty(consumer, provider, restricted):
    response = consumer.api.post(
        "/api/v1/access-requests", request_body(restricted, purpose="ai-training"), format="json"
    )
    assert response.status_code == 400
    assert "model_name" in response.json()["errors"]
    created = file_request(
        consumer, restricted, purpose="ai-training", model_name="icu-forecaster-v1",
        outputs_released=True,
    )  # fmt: skip
    assert created["ai_training"] == {"model": "icu-forecaster-v1", "outputs_released": True}
    agreement = approve(provider, created["id"])
    assert any("model card" in duty for duty in agreement["terms"]["output_obligations"])
    assert agreement["claims"]["ai_training"]["model"] == "icu-forecaster-v1"


def test_personal_data_needs_a_recorded_basis(consumer, provider):
    from ..factories import publish

    personal = publish(
        provider.institution, slug="ward-records", access_rights="restricted",
        contains_personal_data=True, license="CC-BY-4.0",
    )  # fmt: skip
    created = file_request(consumer, [personal])
    url = f"/api/v1/access-requests/{created['id']}/approve"
    missing = provider.api.post(url, {}, format="json")
    assert missing.status_code == 400 and "basis.kind" in missing.json()["errors"]
    thin = provider.api.post(url, {"basis": {"kind": "deidentified"}}, format="json")
    assert thin.status_code == 400 and "basis.statement" in thin.json()["errors"]
    agreement = approve(
        provider, created["id"],
        basis={"kind": "deidentified", "statement": "Names, addresses and dates of birth removed; ages banded."},
    )  # fmt: skip
    assert agreement["basis"] == "deidentified"
    assert agreement["claims"]["basis"]["kind"] == "deidentified"


@pytest.fixture
def receiver(settings):
    server = WebhookReceiver()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, server.host_port]
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_webhooks_of_both_parties_get_each_step_signed(consumer, provider, restricted, receiver):
    for party, path in ((consumer, "/hooks"), (provider, "/provider")):
        response = party.api.post(
            "/api/v1/webhooks",
            {"url": receiver.url.replace("/hooks", path), "events": ["agreement.revoked"]},
            format="json",
        )
        assert response.status_code == 201, response.content
    agreement = approve(provider, file_request(consumer, restricted)["id"])
    provider.api.post(f"/api/v1/agreements/{agreement['id']}/revoke")
    for delivery_id in webhook_deliveries_due():  # as the worker would
        webhook_deliver(delivery_id=delivery_id)
    keys = jwk.JWKSet.from_json(json.dumps(jwks()))
    received = []
    for hit in receiver.received:
        signature = jws.JWS()
        signature.deserialize(hit.headers["X-Suchi-Signature"])
        signature.verify(
            keys.get_key(signature.jose_header["kid"]), alg="EdDSA", detached_payload=hit.body
        )
        received.append(json.loads(hit.body))
    assert len(received) == 2
    for event in received:
        assert event["type"] == "agreement.revoked"
        assert event["data"]["agreement"]["status"] == "revoked"
    delivered = WebhookDelivery.objects.filter(event_type="agreement.revoked", status="delivered")
    assert {d.endpoint.institution.slug for d in delivered} == {"iisc-ai", "ka-health"}


def test_the_provider_sets_its_maximum_and_template(consumer, provider, restricted):
    response = provider.api.put(
        "/api/v1/exchange-policy",
        {"max_duration_days": 90, "terms_template": {"retention_days": 7, "attribution": "KA"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    too_long = consumer.api.post(
        "/api/v1/access-requests", request_body(restricted, duration_days=91), format="json"
    )
    assert too_long.status_code == 400 and "duration_days" in too_long.json()["errors"]
    agreement = approve(provider, file_request(consumer, restricted, duration_days=90)["id"])
    assert agreement["terms"]["retention_days"] == 7 and agreement["terms"]["attribution"] == "KA"
    assert AgreementReceipt.objects.count() == 0


def test_the_ledger_command_finds_a_changed_event(consumer, provider, restricted):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    approve(provider, file_request(consumer, restricted)["id"])
    out = StringIO()
    call_command("verify_exchange_ledger", stdout=out)
    assert "intact: 1 chain(s), 3 event(s)" in out.getvalue()
    ExchangeEvent.objects.filter(kind="agreement.issued").update(actor="someone else")
    with pytest.raises(CommandError, match="hash does not match"):
        call_command("verify_exchange_ledger", stdout=out)


def test_the_sweep_expires_what_no_one_asked_about(consumer, provider, restricted):
    from exchange.models import DataUseAgreement
    from exchange.tasks import expire_agreements

    agreement = approve(provider, file_request(consumer, restricted, duration_days=1)["id"])
    DataUseAgreement.objects.filter(pk=agreement["id"]).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    assert expire_agreements() == 1
    assert expire_agreements() == 0
    assert DataUseAgreement.objects.get(pk=agreement["id"]).status == "expired"


def test_a_restricted_datasets_page_dcat_and_croissant_say_how_to_ask(restricted, client):
    dataset = restricted[0]
    page = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="text/html").content.decode()
    assert 'id="request-access"' in page
    assert f'href="/console/request-access/{dataset.pk}"' in page
    # DCAT: each distribution points to an ODRL offer of use, by the institution, whose comment
    # says where to ask.
    g = Graph().parse(data=client.get(f"/datasets/{dataset.pk}.ttl").content, format="turtle")
    distributions = list(g.objects(None, URIRef("http://www.w3.org/ns/dcat#distribution")))
    assert distributions
    for made in distributions:
        policy = g.value(made, ODRL.hasPolicy)
        assert (policy, RDF.type, ODRL.Offer) in g
        permission = g.value(policy, ODRL.permission)
        assert g.value(permission, ODRL.action) == ODRL.use
        assert str(g.value(permission, ODRL.target)).endswith(f"/datasets/{dataset.pk}")
        comment = str(g.value(policy, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
        assert "#request-access" in comment and "/api/v1/access-requests" in comment
    croissant = client.get(f"/datasets/{dataset.pk}/croissant.jsonld").json()
    assert "POST /api/v1/access-requests" in croissant["conditionsOfAccess"]
    assert croissant["url"].endswith(f"/datasets/{dataset.pk}")  # where the page says it
