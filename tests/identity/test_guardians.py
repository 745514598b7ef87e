"""Children and guardians (DPDP Act 2023 s.9, Rules 2025 rule 10), end to end through the API:
a child signs up naming a parent; the parent confirms with a fresh one-time code (a real SMTP
server); requests about the child reach the parent, who grants them; the artefact, signed,
says a guardian gave it and how the guardian was verified; the child may still say no; at 18
the account becomes the child's, with a notice. And the bad input of the issue."""

import base64
import json
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from consent.models import CitizenProfile, ConsentEvent
from identity.guardians import guardianships_end_at_majority
from identity.models import Guardianship, Notification, OneTimeCode

from ..consent.conftest import citizen_client
from ..factories import consent_request_payload
from .test_notifications import reachable

pytestmark = pytest.mark.django_db(transaction=True)


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=days)


def otp_client(smtp, identifier: str, **declared):
    """Sign in (or up) with a code from the real SMTP server; (client, response)."""
    client = APIClient()
    asked = client.post("/api/v1/auth/otp", {"identifier": identifier}, format="json")
    assert asked.status_code == 202, asked.content
    code = last_code(smtp, identifier)
    body = {"identifier": identifier, "code": code, **declared}
    response = client.post("/api/v1/auth/otp/verify", body, format="json")
    if response.status_code == 200:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")
    return client, response


def fresh_code(client, smtp, identifier: str) -> str:
    """A new code, as a minute later (the resend limit)."""
    OneTimeCode.objects.update(created_at=F("created_at") - timedelta(seconds=61))
    asked = client.post("/api/v1/auth/otp", {"identifier": identifier}, format="json")
    assert asked.status_code == 202, asked.content
    return last_code(smtp, identifier)


def last_code(smtp, address: str) -> str:
    """The code in the latest message with one (notifications go to the same address)."""
    for message in reversed(smtp.messages):
        found = re.search(r"\b(\d{6})\b", message.get_payload(decode=True).decode())
        if message["To"] == address and found:
            return found.group(1)
    raise AssertionError(f"no code for {address}")


def claims_of(jws: str) -> dict:
    payload = jws.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def inbox(citizen, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(citizen=citizen, channel="inbox", kind=kind))


def test_an_under_age_sign_up_without_a_guardian_is_refused_and_creates_nothing(smtp):
    client = APIClient()
    assert (
        client.post("/api/v1/auth/otp", {"identifier": "kid@example.in"}, format="json").status_code
        == 202
    )
    code = last_code(smtp, "kid@example.in")
    undeclared = client.post(
        "/api/v1/auth/otp/verify", {"identifier": "kid@example.in", "code": code}, format="json"
    )
    assert undeclared.status_code == 400
    assert "birth_date" in undeclared.json()["errors"]
    child = client.post(
        "/api/v1/auth/otp/verify",
        {"identifier": "kid@example.in", "code": code, "birth_date": str(years_ago(15))},
        format="json",
    )
    assert child.status_code == 400
    (message,) = child.json()["errors"]["guardian"]
    assert "under 18" in message and "parent or lawful guardian" in message
    assert not CitizenProfile.objects.exists()  # nothing was created
    future = client.post(
        "/api/v1/auth/otp/verify",
        {"identifier": "kid@example.in", "code": code, "birth_date": "2999-01-01"},
        format="json",
    )
    assert future.status_code == 400 and "birth_date" in future.json()["errors"]
    # The code was not spent on the refusals: with a guardian named, the same code works.
    named = client.post(
        "/api/v1/auth/otp/verify",
        {
            "identifier": "kid@example.in",
            "code": code,
            "birth_date": str(years_ago(15)),
            "guardian": "parent@example.in",
        },
        format="json",
    )
    assert named.status_code == 200, named.content
    assert Guardianship.objects.get().status == "pending"


# Long: the whole life of a guardianship, from the child's sign-up to their 18th birthday.
def test_child_guardian_grant_then_the_child_comes_of_age(smtp, consumer, records):
    parent_api, signed_up = otp_client(smtp, "parent@example.in", birth_date="1985-04-02")
    assert signed_up.status_code == 200, signed_up.content
    parent = CitizenProfile.objects.get(handle=signed_up.json()["handle"])
    born = years_ago(18, days=-30)  # 18 in thirty days
    kid_api, kid_signed_up = otp_client(
        smtp, "kid@example.in", birth_date=str(born), guardian="parent@example.in"
    )
    assert kid_signed_up.status_code == 200, kid_signed_up.content
    kid = CitizenProfile.objects.get(handle=kid_signed_up.json()["handle"])
    assert inbox(parent, "guardian.named"), "the parent hears they were named"

    # Before the guardian confirms, a request to the child cannot be granted by the child.
    asked = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload(kid.handle, [records]), format="json"
    )
    assert asked.status_code == 201, asked.content
    refused = kid_api.post(
        f"/api/v1/me/consent-requests/{asked.json()['id']}/grant", {}, format="json"
    )
    assert refused.status_code == 409 and "guardian" in refused.json()["detail"]

    wards = parent_api.get("/api/v1/me/wards").json()
    assert [w["ward"] for w in wards] == [kid.handle] and wards[0]["status"] == "pending"
    pk = wards[0]["id"]
    wrong = parent_api.post(
        f"/api/v1/me/wards/{pk}/confirm",
        {"code": "000000", "relationship": "parent"},
        format="json",
    )
    assert wrong.status_code == 400 and "code" in wrong.json()["errors"]
    code = fresh_code(parent_api, smtp, "parent@example.in")
    confirmed = parent_api.post(
        f"/api/v1/me/wards/{pk}/confirm", {"code": code, "relationship": "parent"}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "active"
    assert confirmed.json()["verification"]["method"] == "one-time code"
    assert inbox(kid, "guardian.confirmed")

    # A new request about the child reaches the guardian, who grants it.
    second = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload(kid.handle, [records]), format="json"
    )
    rid = second.json()["id"]
    told = inbox(parent, "request.created")
    assert told and kid.handle in told[0].subject
    listed = parent_api.get(f"/api/v1/me/wards/{pk}/consent-requests?status=pending").json()
    assert rid in [r["id"] for r in listed["results"]]
    granted = parent_api.post(
        f"/api/v1/me/wards/{pk}/consent-requests/{rid}/grant", {}, format="json"
    )
    assert granted.status_code == 200, granted.content
    (artefact,) = granted.json()
    signed = claims_of(artefact["jws"])  # the signed artefact itself says so
    assert signed["citizen"] == kid.handle
    assert signed["given_by"]["role"] == "guardian"
    assert signed["given_by"]["guardian"] == parent.handle
    assert signed["given_by"]["relationship"] == "parent"
    assert signed["given_by"]["verification"]["method"] == "one-time code"
    event = ConsentEvent.objects.get(artefact_id=artefact["id"], kind="artefact.issued")
    assert event.actor == f"guardian {parent.handle}" and event.citizen_id == kid.pk

    # The child may always say no: deny the first request, withdraw the consent.
    assert (
        kid_api.post(
            f"/api/v1/me/consent-requests/{asked.json()['id']}/deny", {}, format="json"
        ).status_code
        == 200
    )
    revoked = kid_api.post(
        f"/api/v1/me/consent-artefacts/{artefact['id']}/revoke", {}, format="json"
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"

    # At 18 the account is the child's: the guardianship ends, both are told.
    assert guardianships_end_at_majority() == 0
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        assert guardianships_end_at_majority() == 1
        assert guardianships_end_at_majority() == 0  # once
        kid.refresh_from_db()
        assert not kid.answered_by_guardian
        (notice,) = inbox(kid, "guardian.ended")
        assert "yours" in notice.subject
        assert inbox(parent, "guardian.ended")
        third = consumer.api.post(
            "/api/v1/consent-requests",
            consent_request_payload(kid.handle, [records]),
            format="json",
        )
        kid_again = citizen_api_for(kid)
        own = kid_again.post(
            f"/api/v1/me/consent-requests/{third.json()['id']}/grant", {}, format="json"
        )
        assert own.status_code == 200, own.content
        assert "given_by" not in claims_of(own.json()[0]["jws"])
        gone = citizen_api_for(parent).get(f"/api/v1/me/wards/{pk}/consent-requests")
        assert gone.status_code == 404
    kinds = list(kid.events.values_list("kind", flat=True))
    assert {"guardian.named", "guardian.confirmed", "guardian.ended"} <= set(kinds)


def citizen_api_for(citizen) -> APIClient:
    from consent.services import citizen_token_for

    client = APIClient()
    token, _ = citizen_token_for(citizen.user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_bad_guardian_links_are_refused(smtp, asha, ravi):
    reachable(asha, email="asha@example.in")
    reachable(ravi, email="ravi@example.in")
    asha_api = citizen_client("asha@suchi")
    # Asha is an adult (no declared birth date is an account made before; declare one).
    CitizenProfile.objects.filter(pk=asha.pk).update(birth_date=date(1990, 1, 1))
    adult = asha_api.post(
        "/api/v1/me/guardians", {"guardian": "ravi@example.in", "basis": "minor"}, format="json"
    )
    assert adult.status_code == 400 and "basis" in adult.json()["errors"]
    no_order = asha_api.post(
        "/api/v1/me/guardians",
        {"guardian": "ravi@example.in", "basis": "disability"},
        format="json",
    )
    assert no_order.status_code == 400 and "order_reference" in no_order.json()["errors"]
    herself = asha_api.post(
        "/api/v1/me/guardians",
        {"guardian": "asha@example.in", "basis": "disability", "order_reference": "DC/1"},
        format="json",
    )
    assert herself.status_code == 400 and "guardian" in herself.json()["errors"]
    unknown_basis = asha_api.post(
        "/api/v1/me/guardians", {"guardian": "ravi@example.in", "basis": "pet"}, format="json"
    )
    assert unknown_basis.status_code == 400
    named = asha_api.post(
        "/api/v1/me/guardians",
        {
            "guardian": "ravi@example.in",
            "basis": "disability",
            "order_reference": "District Court Pune, guardianship order 114/2026",
        },
        format="json",
    )
    assert named.status_code == 201, named.content
    pk = named.json()["id"]
    # A guardian who is a child: refused.
    CitizenProfile.objects.filter(pk=ravi.pk).update(birth_date=years_ago(16))
    ravi_api = citizen_client("ravi@suchi")
    code = fresh_code(ravi_api, smtp, "ravi@example.in")
    minor = ravi_api.post(
        f"/api/v1/me/wards/{pk}/confirm",
        {"code": code, "relationship": "lawful-guardian"},
        format="json",
    )
    assert minor.status_code == 400 and "birth_date" in minor.json()["errors"]
    # Someone not named may not see or confirm it.
    other, _ = otp_client(smtp, "meera@example.in", birth_date="1970-01-01")
    assert other.get("/api/v1/me/wards").json() == []
    code = fresh_code(other, smtp, "meera@example.in")
    stranger = other.post(
        f"/api/v1/me/wards/{pk}/confirm",
        {"code": code, "relationship": "lawful-guardian"},
        format="json",
    )
    assert stranger.status_code == 404
    assert Guardianship.objects.get(pk=pk).status == "pending"
    assert (
        other.post(
            f"/api/v1/me/wards/{pk}/consent-requests/{pk}/grant", {}, format="json"
        ).status_code
        == 404
    )
