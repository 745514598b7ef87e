"""The consumer's duty to erase (DPDP Act 2023 s.8(7)): once the citizen revokes, the
consumer must erase within the grace period, and at the latest when the data life after the
consent's end runs out; it confirms, Suchi signs a receipt and records it in the citizen's
ledger, and what is not confirmed in time shows as overdue to the consumer and the citizen."""

import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from jwcrypto import jwk, jws

from consent.keys import jwks
from consent.models import ConsentArtefact, ConsentEvent, WebhookDelivery, WebhookEndpoint
from consent.services.terms import period_after
from identity.models import Notification

from ..factories import make_token
from .conftest import bearer, citizen_client

pytestmark = pytest.mark.django_db
STATEMENT = "Deleted the discharge summary from the claims system and its backups."


@pytest.fixture
def revoked(granted, asha_api):
    artefact = ConsentArtefact.objects.get(request_id=granted["request"])
    response = asha_api.post(f"/api/v1/me/consent-artefacts/{artefact.pk}/revoke", {})
    assert response.status_code == 200, response.content
    artefact.refresh_from_db()
    return artefact


def test_a_live_consent_owes_no_erasure_yet(granted, consumer):
    artefact = ConsentArtefact.objects.get(request_id=granted["request"])
    body = consumer.api.get(f"/api/v1/consent-artefacts/{artefact.pk}").json()
    assert body["erasure"]["state"] == "none"
    # Six months of data life after the consent's end (the request's terms).
    expected = period_after(artefact.valid_until, "month", 6)
    assert body["erasure"]["erase_by"] == expected.isoformat().replace("+00:00", "Z")
    assert consumer.api.get("/api/v1/erasures").json() == []


def test_revoked_then_overdue_then_confirmed_signed_and_in_the_ledger(
    revoked, consumer, provider, asha
):
    WebhookEndpoint.objects.create(institution=provider.institution, url="https://p.example/h")
    (due,) = consumer.api.get("/api/v1/erasures?state=due").json()
    assert due["artefact"] == str(revoked.pk) and due["citizen"] == "asha@suchi"
    with time_machine.travel(revoked.updated_at + timedelta(days=31), tick=False):
        (overdue,) = consumer.api.get("/api/v1/erasures?state=overdue").json()
        assert overdue["artefact"] == str(revoked.pk)
        web = Client()
        web.force_login(asha.user)
        page = web.get(f"/portal/consents/{revoked.pk}").content.decode()
        assert "Overdue: Suraksha Insurance had to erase the records" in page

    url = f"/api/v1/consent-artefacts/{revoked.pk}/erasure"
    assert consumer.api.get(url).status_code == 404
    assert provider.api.post(url, {"statement": STATEMENT}, format="json").status_code == 403
    blank = consumer.api.post(url, {"statement": " "}, format="json")
    assert blank.status_code == 400 and "statement" in blank.json()["errors"]
    confirmed = consumer.api.post(url, {"statement": STATEMENT}, format="json")
    assert confirmed.status_code == 201, confirmed.content
    again = consumer.api.post(url, {"statement": STATEMENT}, format="json")
    assert again.status_code == 409

    # The receipt verifies with an independent JOSE library and binds the statement.
    receipt = jws.JWS()
    receipt.deserialize(confirmed.json()["receipt"])
    receipt.verify(
        jwk.JWKSet.from_json(json.dumps(jwks())).get_key(receipt.jose_header["kid"]), alg="EdDSA"
    )
    claims = json.loads(receipt.payload)
    assert claims["artefact"] == str(revoked.pk) and claims["citizen"] == "asha@suchi"
    assert claims["statement_sha256"] == hashlib.sha256(STATEMENT.encode()).hexdigest()

    assert ConsentEvent.objects.filter(citizen=asha, kind="erasure.confirmed").count() == 1
    assert Notification.objects.filter(
        citizen=asha, kind="erasure.confirmed", channel="inbox"
    ).exists()
    assert WebhookDelivery.objects.filter(event_type="erasure.confirmed").exists()
    (done,) = consumer.api.get("/api/v1/erasures?state=confirmed").json()
    assert done["state"] == "confirmed"
    page = citizen_client("asha@suchi").get(f"/api/v1/me/consent-artefacts/{revoked.pk}").json()
    assert page["erasure"]["state"] == "confirmed"


def test_only_the_consumer_of_the_artefact_confirms(revoked, provider_b):
    url = f"/api/v1/consent-artefacts/{revoked.pk}/erasure"
    other = make_token(provider_b.institution, scopes=("consents:request",))
    assert bearer(other).post(url, {"statement": STATEMENT}, format="json").status_code == 404
    assert bearer(other).get("/api/v1/erasures?state=bogus").status_code == 400
