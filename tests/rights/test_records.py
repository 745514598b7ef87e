"""A consent manager's records (DPDP First Schedule, Part B): kept seven years whoever tries
to delete them (the ORM, the admin, a cascade), given to the citizen whole and signed, and
left standing when the citizen closes their account, which revokes every consent and tells
the institutions."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.test import Client
from django.utils import timezone
from jwcrypto import jwk, jws

from consent.keys import jwks
from consent.models import (
    AccountLink,
    ConsentArtefact,
    ConsentEvent,
    ConsentRequest,
    WebhookDelivery,
    WebhookEndpoint,
)
from consent.services import consent_grant
from core.errors import Conflict
from identity.models import Notification, VerifiedIdentifier
from rights.records import RecordRetained, account_close
from rights.services import grievance_file

from ..consent.conftest import PASSWORD, bearer, citizen_client
from ..factories import (
    consent_request_payload,
    make_institution,
    make_token,
    publish_consent_dataset,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(db):
    consumer = make_institution(
        slug="suraksha", name="Suraksha Insurance", kind="private", is_consumer=True,
        is_provider=False,
    )  # fmt: skip
    provider = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    records = publish_consent_dataset(provider, title="Discharge summaries")
    consumer_api = bearer(make_token(consumer, scopes=("consents:request", "consents:verify")))
    provider_api = bearer(make_token(provider, scopes=("consents:verify",)))
    return consumer, provider, records, consumer_api, provider_api


def _granted(consumer_api, records) -> dict:
    asked = consumer_api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    )
    assert asked.status_code == 201, asked.content
    granted = citizen_client("asha@suchi").post(
        f"/api/v1/me/consent-requests/{asked.json()['id']}/grant", {}, format="json"
    )
    assert granted.status_code == 200, granted.content
    return granted.json()[0]


def test_a_young_record_cannot_be_deleted_by_the_orm_or_a_cascade(parties, asha):
    _consumer, _provider, records, consumer_api, _ = parties
    artefact = _granted(consumer_api, records)
    grievance_file(citizen=asha, institution_slug=None, subject="S", text="T", actor="test")
    for queryset in (
        ConsentEvent.objects.filter(citizen=asha),
        Notification.objects.filter(citizen=asha),
        asha.grievances.all(),
    ):
        with pytest.raises(RecordRetained, match="kept until"), transaction.atomic():
            queryset.delete()
    # An artefact is held by its ledger events too (PROTECT); either way it stays.
    with pytest.raises(ProtectedError), transaction.atomic():
        ConsentArtefact.objects.filter(pk=artefact["id"]).delete()
    with pytest.raises(ProtectedError), transaction.atomic():  # PROTECT, or the guard
        asha.user.delete()
    assert ConsentEvent.objects.filter(citizen=asha).count() >= 3
    assert get_user_model().objects.filter(pk=asha.user_id).exists()


def test_the_admin_cannot_delete_a_citizen_with_records(parties, asha):
    _consumer, _provider, records, consumer_api, _ = parties
    _granted(consumer_api, records)
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    admin = Client()
    admin.force_login(root)
    url = f"/admin/auth/user/{asha.user_id}/delete/"
    page = admin.get(url)
    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in page.content.decode()
    admin.post(url, {"post": "yes"})
    assert get_user_model().objects.filter(pk=asha.user_id).exists()


def test_a_record_older_than_seven_years_may_go(asha):
    grievance = grievance_file(
        citizen=asha, institution_slug=None, subject="S", text="T", actor="t"
    )
    with time_machine.travel(timezone.now() + timedelta(days=365 * 7 + 3), tick=False):
        grievance.steps.all().delete()
        grievance.delete()
    assert not asha.grievances.exists()


def test_the_citizens_records_are_whole_and_signed(parties, asha):
    _consumer, _provider, records, consumer_api, _ = parties
    _granted(consumer_api, records)
    VerifiedIdentifier.objects.create(
        citizen=asha, kind="email", value="asha@example.in", verified_at=timezone.now()
    )
    grievance_file(citizen=asha, institution_slug="suraksha", subject="S", text="T", actor="t")
    response = citizen_client("asha@suchi").get("/api/v1/me/records")
    assert response.status_code == 200
    body = response.content
    document = json.loads(body)
    assert document["format"] == "suchi.citizen-records/1"
    assert document["identifiers"] == [{"kind": "email", "value": "asha@example.in"}]
    assert len(document["consent_artefacts"]) == 1 and len(document["grievances"]) == 1
    assert {n["kind"] for n in document["notices"]} >= {"request.created", "grievance.filed"}
    assert [e["kind"] for e in document["ledger"]["events"]][:2] == [
        "request.created",
        "request.granted",
    ]
    # The signature covers exactly these bytes (jwcrypto, a library Suchi does not use).
    header, _, signature = response["X-Suchi-Signature"].partition("..")
    keys = jwk.JWKSet.from_json(json.dumps(jwks()))
    token = jws.JWS()
    token.deserialize(f"{header}.{jws.base64url_encode(body)}.{signature}")
    token.verify(keys.get_key(token.jose_header["kid"]), alg="EdDSA")
    tampered = jws.JWS()
    tampered.deserialize(f"{header}.{jws.base64url_encode(body + b' ')}.{signature}")
    with pytest.raises(jws.InvalidJWSSignature):
        tampered.verify(keys.get_key(token.jose_header["kid"]), alg="EdDSA")


def test_closing_the_account_revokes_tells_the_institutions_and_keeps_the_records(parties, asha):
    _consumer, provider, records, consumer_api, provider_api = parties
    WebhookEndpoint.objects.create(institution=provider, url="https://ka-health.example/hooks")
    artefact = _granted(consumer_api, records)
    pending = consumer_api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    ).json()
    AccountLink.objects.create(
        citizen=asha, provider=provider, link_reference="LNK-1", masked_reference="XXXX1234",
        created_at=timezone.now(),
    )  # fmt: skip
    VerifiedIdentifier.objects.create(
        citizen=asha, kind="email", value="asha@example.in", verified_at=timezone.now()
    )
    api = citizen_client("asha@suchi")
    events_before = ConsentEvent.objects.filter(citizen=asha).count()

    wrong = api.post("/api/v1/me/close", {"confirm": "ravi@suchi"}, format="json")
    assert wrong.status_code == 400 and "confirm" in wrong.json()["errors"]
    assert ConsentArtefact.objects.get(pk=artefact["id"]).status == "active"

    closed = api.post("/api/v1/me/close", {"confirm": "asha@suchi"}, format="json")
    assert closed.status_code == 200, closed.content
    assert closed.json() | {"closed_at": None} == {
        "closed_at": None, "consents_revoked": 1, "requests_denied": 1, "accounts_delinked": 1,
        "guardianships_ended": 0, "nominations_ended": 0,
    }  # fmt: skip
    status = provider_api.get(f"/api/v1/consent-artefacts/{artefact['id']}/status").json()
    assert status["status"] == "revoked"
    assert WebhookDelivery.objects.filter(event_type="artefact.revoked").exists()
    assert ConsentRequest.objects.get(pk=pending["id"]).status == "denied"
    assert AccountLink.objects.get().status == "delinked"
    # What the law requires stays; what it does not is forgotten.
    assert ConsentEvent.objects.filter(citizen=asha).count() > events_before
    assert not VerifiedIdentifier.objects.filter(citizen=asha).exists()
    # Nobody signs in as her again, and a new request to the handle reaches no one.
    assert api.get("/api/v1/me").status_code == 401
    again = Client().post(
        "/api/v1/auth/token",
        {"handle": "asha@suchi", "password": PASSWORD},
        content_type="application/json",
    )
    assert again.status_code in (400, 401), again.content
    later = consumer_api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    )
    assert later.status_code == 201
    assert ConsentRequest.objects.get(pk=later.json()["id"]).citizen_id is None


def test_the_portal_shows_the_records_and_closes_the_account(parties, asha):
    _consumer, _provider, records, consumer_api, _ = parties
    _granted(consumer_api, records)
    web = Client()
    web.force_login(asha.user)
    report = web.get("/portal/export/report").content.decode()
    assert "Suraksha Insurance" in report and "Department of Health, Karnataka" in report
    assert web.post("/portal/account/close", {"confirm": "someone"}).status_code == 400
    done = web.post("/portal/account/close", {"confirm": "asha@suchi"})
    assert done.status_code == 200 and "Consents revoked: 1." in done.content.decode()
    assert web.get("/portal/").status_code == 302  # signed out
    assert ConsentArtefact.objects.get(citizen=asha).status == "revoked"


def test_closing_after_a_consent_ran_out_still_closes_and_nothing_is_granted_after(parties, asha):
    _consumer, _provider, records, consumer_api, _ = parties
    artefact = _granted(consumer_api, records)
    pending = consumer_api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    ).json()
    ends = ConsentArtefact.objects.get(pk=artefact["id"]).valid_until
    with time_machine.travel(ends + timedelta(days=1), tick=False):
        closed = account_close(citizen=asha, confirm="asha@suchi", actor="test")
        assert closed["consents_revoked"] == 0  # it had expired: nothing left to revoke
        assert ConsentArtefact.objects.get(pk=artefact["id"]).status == "expired"
    # A grant that raced the closure waits for the citizen's lock, then finds it closed.
    with pytest.raises(Conflict):
        consent_grant(citizen=asha, request_id=pending["id"], actor="test")
