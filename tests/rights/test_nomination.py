"""Nomination (DPDP Act 2023 s.14) end to end: Asha names Ravi by his verified e-mail; Ravi
accepts; he reports her death with a reference to the certificate held elsewhere; Asha is told
at once (a real SMTP server); the grievance officer approves in the console; Ravi withdraws
her consent (the provider's status check sees it) and downloads her records, signed. Every
step is in Asha's ledger. The other paths: a rejected report, a report the citizen ends by
withdrawing, and the bad input of the issue."""

import json
import uuid
from email.header import decode_header, make_header

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from jwcrypto import jwk, jws

from consent.keys import jwks
from core import inprocess as core_inprocess
from identity.models import Notification
from rights.models import Nomination

from ..consent.conftest import PASSWORD, citizen_client
from ..identity.test_notifications import drain, reachable
from .test_records import _granted, parties  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)
CERTIFICATE = "Death certificate D-2026-0412, Pune Municipal Corporation"


def officer() -> Client:
    user = get_user_model().objects.create_user(
        f"officer-{uuid.uuid4().hex[:8]}", password=PASSWORD
    )
    user.user_permissions.add(Permission.objects.get(codename="act_as_grievance_officer"))
    client = Client()
    client.force_login(user)
    return client


def _subjects(smtp, address) -> list[str]:
    """The subjects of the mail the address got, every due message delivered first."""
    core_inprocess.drain()
    drain()
    return [
        str(make_header(decode_header(m["Subject"]))) for m in smtp.messages if m["To"] == address
    ]


def _name_and_accept(asha_api, ravi_api) -> str:
    named = asha_api.post(
        "/api/v1/me/nomination",
        {"name": "Ravi Kumar", "identifier": "Ravi@Example.in"},
        format="json",
    )
    assert named.status_code == 201, named.content
    assert named.json()["status"] == "named" and named.json()["nominee"] is None
    pk = named.json()["id"]
    (listed,) = ravi_api.get("/api/v1/me/nominations").json()
    assert listed["id"] == pk and listed["citizen"] == "asha@suchi"
    accepted = ravi_api.post(f"/api/v1/me/nominations/{pk}/accept", {}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted" and accepted.json()["nominee"] == "ravi@suchi"
    return pk


def _report(ravi_api, pk, **body):
    payload = {"event": "death", "reference": CERTIFICATE, **body}
    return ravi_api.post(f"/api/v1/me/nominations/{pk}/report", payload, format="json")


# Long: the whole flow, one assertion block per step of the nominee flow.
def test_a_nominee_reports_is_approved_and_acts(smtp, parties, asha, ravi):  # noqa: F811
    _consumer, _provider, records, consumer_api, provider_api = parties
    reachable(asha, email="asha@example.in")
    reachable(ravi, email="ravi@example.in")
    artefact = _granted(consumer_api, records)
    asha_api, ravi_api = citizen_client("asha@suchi"), citizen_client("ravi@suchi")
    pk = _name_and_accept(asha_api, ravi_api)
    assert Notification.objects.filter(citizen=ravi, kind="nomination.named").exists()
    assert Notification.objects.filter(citizen=asha, kind="nomination.accepted").exists()

    # Before any review, the nominee cannot act.
    assert ravi_api.get(f"/api/v1/me/nominations/{pk}/consent-artefacts").status_code == 404
    assert ravi_api.get(f"/api/v1/me/nominations/{pk}/records").status_code == 404
    reported = _report(ravi_api, pk, text="She passed away on 2 December.")
    assert reported.status_code == 200, reported.content
    assert reported.json()["status"] == "reported"
    assert any("reported your death" in s for s in _subjects(smtp, "asha@example.in"))
    assert ravi_api.get(f"/api/v1/me/nominations/{pk}/records").status_code == 404

    # The grievance officer reviews in the console.
    console = officer()
    page = console.get("/console/grievance-officer/nominations").content.decode()
    assert CERTIFICATE in page and "asha@suchi" in page
    blank = console.post(
        f"/console/grievance-officer/nominations/{pk}/review", {"decision": "approve", "text": ""}
    )
    assert blank.status_code == 400
    assert Nomination.objects.get(pk=pk).status == "reported"  # nothing written
    approved = console.post(
        f"/console/grievance-officer/nominations/{pk}/review",
        {"decision": "approve", "text": "Certificate checked with the PMC registry."},
    )
    assert approved.status_code == 302
    assert Nomination.objects.get(pk=pk).status == "active"
    # Ravi reads Suchi in Hindi: "You may now act for asha@suchi".
    assert "अब आप asha@suchi की ओर से कार्य कर सकते हैं" in _subjects(smtp, "ravi@example.in")

    # The nominee withdraws the consent; the provider's status check sees it.
    listed = ravi_api.get(f"/api/v1/me/nominations/{pk}/consent-artefacts").json()
    assert [a["id"] for a in listed["results"]] == [artefact["id"]]
    revoked = ravi_api.post(
        f"/api/v1/me/nominations/{pk}/consent-artefacts/{artefact['id']}/revoke",
        {},
        format="json",
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    status = provider_api.get(f"/api/v1/consent-artefacts/{artefact['id']}/status")
    assert status.json()["status"] == "revoked"

    # The nominee downloads the records, signed with Suchi's published keys.
    response = ravi_api.get(f"/api/v1/me/nominations/{pk}/records")
    assert response.status_code == 200
    body = response.content
    assert json.loads(body)["citizen"]["handle"] == "asha@suchi"
    header, _, signature = response["X-Suchi-Signature"].partition("..")
    keys = jwk.JWKSet.from_json(json.dumps(jwks()))
    token = jws.JWS()
    token.deserialize(f"{header}.{jws.base64url_encode(body)}.{signature}")
    token.verify(keys.get_key(token.jose_header["kid"]), alg="EdDSA")

    # Every step is in Asha's ledger; the revocation names the nominee.
    events = list(asha.events.order_by("seq").values_list("kind", "actor"))
    kinds = [kind for kind, _ in events]
    for kind in (
        "nomination.named",
        "nomination.accepted",
        "nomination.reported",
        "nomination.approved",
    ):
        assert kind in kinds
    assert ("artefact.revoked", "nominee ravi@suchi") in events
    # Somebody else cannot use Ravi's nomination.
    meera = citizen_client_for_new("meera@suchi")
    assert meera.get(f"/api/v1/me/nominations/{pk}/consent-artefacts").status_code == 404


def citizen_client_for_new(handle: str):
    from ..factories import make_citizen

    make_citizen(handle, PASSWORD)
    return citizen_client(handle)


def test_a_rejected_report_and_a_report_the_citizen_ends(smtp, asha, ravi):
    reachable(ravi, email="ravi@example.in")
    asha_api, ravi_api = citizen_client("asha@suchi"), citizen_client("ravi@suchi")
    pk = _name_and_accept(asha_api, ravi_api)
    assert _report(ravi_api, pk, event="incapacity").status_code == 200
    rejected = officer().post(
        f"/console/grievance-officer/nominations/{pk}/review",
        {"decision": "reject", "text": "The medical board's order number does not exist."},
    )
    assert rejected.status_code == 302
    nomination = Nomination.objects.get(pk=pk)
    assert nomination.status == "accepted" and "does not exist" in nomination.review_text
    assert ravi_api.get(f"/api/v1/me/nominations/{pk}/records").status_code == 404
    # Reported again; Asha, alive and well, withdraws the nomination: the report falls.
    assert _report(ravi_api, pk).status_code == 200
    withdrawn = asha_api.delete("/api/v1/me/nomination")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    late = officer().post(
        f"/console/grievance-officer/nominations/{pk}/review",
        {"decision": "approve", "text": "Checked."},
    )
    assert late.status_code == 302  # told it is no longer waiting; nothing changes
    assert Nomination.objects.get(pk=pk).status == "withdrawn"
    assert ravi_api.get(f"/api/v1/me/nominations/{pk}/records").status_code == 404
    assert "rejected" not in [n.status for n in Nomination.objects.all()]
    kinds = set(asha.events.values_list("kind", flat=True))
    assert {"nomination.rejected", "nomination.withdrawn"} <= kinds


def test_bad_nominations_are_refused(smtp, asha, ravi):
    reachable(asha, email="asha@example.in")
    reachable(ravi, email="ravi@example.in")
    asha_api, ravi_api = citizen_client("asha@suchi"), citizen_client("ravi@suchi")
    herself = asha_api.post(
        "/api/v1/me/nomination", {"name": "Me", "identifier": "asha@example.in"}, format="json"
    )
    assert herself.status_code == 400 and "identifier" in herself.json()["errors"]
    garbage = asha_api.post(
        "/api/v1/me/nomination", {"name": "X", "identifier": "not an address"}, format="json"
    )
    assert garbage.status_code == 400 and "identifier" in garbage.json()["errors"]
    nameless = asha_api.post(
        "/api/v1/me/nomination", {"name": " ", "identifier": "ravi@example.in"}, format="json"
    )
    assert nameless.status_code == 400 and "name" in nameless.json()["errors"]
    assert not Nomination.objects.exists()
    assert asha_api.delete("/api/v1/me/nomination").status_code == 404
    pk = _name_and_accept(asha_api, ravi_api)
    # Asha cannot accept or report on her own nomination; Ravi cannot name himself for her.
    assert (
        asha_api.post(f"/api/v1/me/nominations/{pk}/accept", {}, format="json").status_code == 404
    )
    assert _report(asha_api, pk).status_code == 404
    no_reference = _report(ravi_api, pk, reference="")
    assert no_reference.status_code == 400 and "reference" in no_reference.json()["errors"]
    unknown = _report(ravi_api, pk, event="holiday")
    assert unknown.status_code == 400 and "event" in unknown.json()["errors"]
    assert Nomination.objects.get(pk=pk).status == "accepted"
    # Naming again replaces a nomination not acted on; the old one is withdrawn.
    again = asha_api.post(
        "/api/v1/me/nomination", {"name": "Meera", "identifier": "9876543210"}, format="json"
    )
    assert again.status_code == 201
    assert Nomination.objects.get(pk=pk).status == "withdrawn"
    assert again.json()["identifier"] == "+919876543210"
