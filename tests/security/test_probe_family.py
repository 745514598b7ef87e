"""Security probe of guardians (DPDP Act s.9) and nomination (s.14).

Each test asserts the SAFE behaviour. Tests marked FAILS-NOW in their docstring reproduce a
finding and fail while the bug exists; the others are regression tests that pass."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from consent.ledger import ledger_verify
from consent.models import CitizenProfile, ConsentArtefact
from identity.models import Guardianship, Notification
from rights.models import Nomination
from rights.records import account_close

from ..consent.conftest import PASSWORD, citizen_client, consumer, provider, records  # noqa: F401
from ..factories import consent_request_payload, make_citizen
from ..identity.test_guardians import fresh_code
from ..identity.test_notifications import reachable
from ..identity.test_otp import smtp  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def citizen(handle: str, *, born: date | None, email: str | None = None) -> CitizenProfile:
    made = make_citizen(handle, PASSWORD)
    if born is not None:
        CitizenProfile.objects.filter(pk=made.pk).update(birth_date=born)
        made.birth_date = born
    if email:
        reachable(made, email=email)
    return made


def ask(consumer, handle, records) -> str:  # noqa: F811
    response = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload(handle, [records]), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def name_guardian(ward_api, identifier: str, basis="disability", order="Court order 12/2025"):
    named = ward_api.post(
        "/api/v1/me/guardians",
        {"guardian": identifier, "basis": basis, "order_reference": order},
        format="json",
    )
    assert named.status_code == 201, named.content
    return named.json()["id"]


def confirm(smtp, guardian_api, identifier: str, pk: str, **extra):  # noqa: F811
    code = fresh_code(guardian_api, smtp, identifier)
    return guardian_api.post(
        f"/api/v1/me/wards/{pk}/confirm",
        {"code": code, "relationship": "lawful-guardian", **extra},
        format="json",
    )


def active_guardianship(smtp, ward_api, guardian_api, identifier):  # noqa: F811
    pk = name_guardian(ward_api, identifier)
    confirmed = confirm(smtp, guardian_api, identifier, pk)
    assert confirmed.status_code == 200, confirmed.content
    return pk


def portal(citizen_profile) -> Client:
    client = Client()
    client.force_login(citizen_profile.user)
    return client


# --- Guardians -------------------------------------------------------------------------------


def test_a_child_cannot_make_itself_an_adult_by_confirming_a_guardianship(
    smtp,  # noqa: F811
    consumer,  # noqa: F811
    records,  # noqa: F811
):
    """FAILS-NOW. guardianship_confirm overwrites the guardian's declared birth_date with any
    `birth_date` passed, so a 15-year-old (named as 'guardian' by an accomplice or a second
    account) declares 1980, passes the adult check, and is then no longer a minor anywhere:
    they grant their own consent requests."""
    kid = citizen("kid@suchi", born=years_ago(15), email="kid@example.in")
    citizen("helper@suchi", born=years_ago(40))
    kid_api, helper_api = citizen_client("kid@suchi"), citizen_client("helper@suchi")
    rid = ask(consumer, kid.handle, records)
    assert (
        kid_api.post(f"/api/v1/me/consent-requests/{rid}/grant", {}, format="json").status_code
        == 409
    )

    pk = name_guardian(helper_api, "kid@example.in")
    confirmed = confirm(smtp, kid_api, "kid@example.in", pk, birth_date="1980-01-01")
    grant = kid_api.post(f"/api/v1/me/consent-requests/{rid}/grant", {}, format="json")
    assert grant.status_code == 409, f"the child granted for themself: {grant.status_code}"
    kid.refresh_from_db()
    assert kid.birth_date == years_ago(15), "a declared date of birth must not be rewritten"
    assert confirmed.status_code == 400, confirmed.content


def test_a_ward_cannot_resume_a_paused_consent_while_a_guardian_answers(
    smtp,  # noqa: F811
    consumer,  # noqa: F811
    records,  # noqa: F811
):
    """FAILS-NOW. Resuming a paused consent is saying yes again; a citizen whose guardian
    answers (answered_by_guardian) may only say no (deny/revoke), but artefact_resume has no
    such check (consent/services/artefacts.py artefact_transition)."""
    ward = citizen("wardp@suchi", born=years_ago(30))
    citizen("guard@suchi", born=years_ago(50), email="guard@example.in")
    ward_api, guard_api = citizen_client("wardp@suchi"), citizen_client("guard@suchi")
    rid = ask(consumer, ward.handle, records)
    (artefact,) = ward_api.post(
        f"/api/v1/me/consent-requests/{rid}/grant", {}, format="json"
    ).json()
    paused = ward_api.post(
        f"/api/v1/me/consent-artefacts/{artefact['id']}/pause", {}, format="json"
    )
    assert paused.status_code == 200, paused.content
    active_guardianship(smtp, ward_api, guard_api, "guard@example.in")
    ward.refresh_from_db()
    assert ward.answered_by_guardian

    resumed = ward_api.post(
        f"/api/v1/me/consent-artefacts/{artefact['id']}/resume", {}, format="json"
    )
    assert resumed.status_code == 409, resumed.content
    assert ConsentArtefact.objects.get(pk=artefact["id"]).status == "paused"


def test_closing_the_guardians_account_ends_the_guardianship(smtp):  # noqa: F811
    """FAILS-NOW. account_close (rights/records.py) does not end guardianships the closed
    citizen holds: the ward stays answered_by_guardian for ever, cannot grant, and cannot name
    another guardian (409 'A guardian answers for you already')."""
    ward = citizen("wardc@suchi", born=years_ago(30))
    guard = citizen("guardc@suchi", born=years_ago(50), email="guardc@example.in")
    ward_api, guard_api = citizen_client("wardc@suchi"), citizen_client("guardc@suchi")
    pk = active_guardianship(smtp, ward_api, guard_api, "guardc@example.in")

    account_close(citizen=guard, confirm=guard.handle, actor="test")
    ward.refresh_from_db()
    assert Guardianship.objects.get(pk=pk).status != "active"
    assert not ward.answered_by_guardian
    citizen("other@suchi", born=years_ago(45), email="other@example.in")
    again = ward_api.post(
        "/api/v1/me/guardians",
        {"guardian": "other@example.in", "basis": "disability", "order_reference": "Order 2"},
        format="json",
    )
    assert again.status_code == 201, again.content


def test_the_next_holder_of_a_closed_guardians_address_sees_nothing_of_the_ward(
    smtp,  # noqa: F811
    consumer,  # noqa: F811
    records,  # noqa: F811
):
    """FAILS-NOW. The closed guardian's address is freed (VerifiedIdentifier deleted) and
    guardianships_of_guardian matches by identifier: whoever signs up with it next is shown,
    in /portal/guardian, the ward's pending requests (web/portal_guardian.py _labelled only
    checks `guardian_id` is set, not that it is the viewer) and in /me/wards the ward's
    handle and order reference."""
    ward = citizen("wardl@suchi", born=years_ago(30))
    guard = citizen("guardl@suchi", born=years_ago(50), email="guardl@example.in")
    ward_api, guard_api = citizen_client("wardl@suchi"), citizen_client("guardl@suchi")
    active_guardianship(smtp, ward_api, guard_api, "guardl@example.in")
    ask(consumer, ward.handle, records)
    account_close(citizen=guard, confirm=guard.handle, actor="test")

    stranger = citizen("stranger@suchi", born=years_ago(33), email="guardl@example.in")
    page = portal(stranger).get("/portal/guardian")
    assert page.status_code == 200
    assert b"To settle claim CLM-1" not in page.content, "the ward's request leaked"
    listed = citizen_client("stranger@suchi").get("/api/v1/me/wards").json()
    assert ward.handle not in [w["ward"] for w in listed]


def test_a_request_naming_a_closed_account_cannot_be_confirmed_by_the_next_holder(
    smtp,  # noqa: F811
):
    """A ward names a guardian by an address; its holder closes their account before
    answering. The request ends with the account: whoever holds the address next cannot
    confirm it."""
    citizen("wardq@suchi", born=years_ago(30))
    holder = citizen("holderq@suchi", born=years_ago(50), email="holderq@example.in")
    pk = name_guardian(citizen_client("wardq@suchi"), "holderq@example.in")
    account_close(citizen=holder, confirm=holder.handle, actor="test")
    assert Guardianship.objects.get(pk=pk).status == "ended"

    citizen("nextq@suchi", born=years_ago(33), email="holderq@example.in")
    next_api = citizen_client("nextq@suchi")
    assert confirm(smtp, next_api, "holderq@example.in", pk).status_code == 404
    assert pk not in [w["id"] for w in next_api.get("/api/v1/me/wards").json()]


def test_naming_a_guardian_over_and_over_does_not_flood_them(smtp):  # noqa: F811
    """FAILS-NOW. POST /me/guardians replaces the pending guardianship and notifies the
    holder of the address each time, with no throttle: anyone can spam anyone whose address
    they know (identity/guardians.py guardianship_name; no rate limit on CitizenView)."""
    victim = citizen("victimg@suchi", born=years_ago(40), email="victimg@example.in")
    citizen("spammer@suchi", born=years_ago(30))
    spammer_api = citizen_client("spammer@suchi")
    statuses = [
        spammer_api.post(
            "/api/v1/me/guardians",
            {"guardian": "victimg@example.in", "basis": "disability", "order_reference": f"O{i}"},
            format="json",
        ).status_code
        for i in range(15)
    ]
    told = Notification.objects.filter(citizen=victim, kind="guardian.named", channel="inbox")
    assert 429 in statuses or told.count() <= 5, f"{told.count()} notices, statuses {statuses}"


def test_a_guardian_cannot_reach_another_wards_request_or_act_when_not_active(
    smtp,  # noqa: F811
    consumer,  # noqa: F811
    records,  # noqa: F811
):
    """Regression (passes): the guardian of A cannot grant/deny/revoke B's items through A's
    guardianship; a named-but-pending, declined or ended guardian cannot act; the chain holds."""
    ward_a = citizen("warda@suchi", born=years_ago(30))
    ward_b = citizen("wardb@suchi", born=years_ago(30))
    citizen("ga@suchi", born=years_ago(50), email="ga@example.in")
    citizen("gb@suchi", born=years_ago(50), email="gb@example.in")
    a_api, b_api = citizen_client("warda@suchi"), citizen_client("wardb@suchi")
    ga_api, gb_api = citizen_client("ga@suchi"), citizen_client("gb@suchi")
    pk_a = active_guardianship(smtp, a_api, ga_api, "ga@example.in")
    pk_b = name_guardian(b_api, "gb@example.in")  # pending
    rid_b = ask(consumer, ward_b.handle, records)
    for path in (f"consent-requests/{rid_b}/grant", f"consent-requests/{rid_b}/deny"):
        assert ga_api.post(f"/api/v1/me/wards/{pk_a}/{path}", {}, format="json").status_code == 404
        assert gb_api.post(f"/api/v1/me/wards/{pk_b}/{path}", {}, format="json").status_code == 404
    assert gb_api.get(f"/api/v1/me/wards/{pk_b}/consent-requests").status_code == 404
    assert ga_api.post(f"/api/v1/me/wards/{pk_b}/decline", {}, format="json").status_code == 404
    assert gb_api.post(f"/api/v1/me/wards/{pk_b}/decline", {}, format="json").status_code == 200
    assert (
        gb_api.post(
            f"/api/v1/me/wards/{pk_b}/consent-requests/{rid_b}/grant", {}, format="json"
        ).status_code
        == 404
    )
    assert ga_api.post(f"/api/v1/me/wards/{pk_a}/end", {}, format="json").status_code == 200
    rid_a = ask(consumer, ward_a.handle, records)
    assert (
        ga_api.post(
            f"/api/v1/me/wards/{pk_a}/consent-requests/{rid_a}/grant", {}, format="json"
        ).status_code
        == 404
    )
    # The ward cannot confirm for themself, nor be named as their own guardian.
    assert (
        a_api.post(
            f"/api/v1/me/wards/{pk_a}/confirm",
            {"code": "123456", "relationship": "parent"},
            format="json",
        ).status_code
        == 404
    )
    assert ledger_verify()[2] is None


@pytest.mark.parametrize(
    "body",
    [
        {"code": 123456, "relationship": "parent"},
        {"code": "123456", "relationship": ["parent"]},
        {"code": "123456", "relationship": "parent", "birth_date": "1980-13-45"},
        {"code": "123456", "relationship": "parent", "birth_date": 19800101},
        {"code": None, "relationship": None, "birth_date": None},
        {"code": "123456", "relationship": "parent", "token_reference": "x" * 100_000},
        [1, 2, 3],
    ],
)
def test_bad_confirm_bodies_are_400_not_500(body):
    citizen("g400@suchi", born=years_ago(50), email="g400@example.in")
    ward = citizen("w400@suchi", born=years_ago(30))
    pk = name_guardian(citizen_client(ward.handle), "g400@example.in")
    response = citizen_client("g400@suchi").post(
        f"/api/v1/me/wards/{pk}/confirm", body, format="json"
    )
    assert response.status_code == 400, response.content


def test_sign_up_answers_do_not_tell_whether_a_guardian_address_has_an_account(smtp):  # noqa: F811
    """Regression (passes): a child's sign-up naming a held or an unknown address succeeds
    alike."""
    from ..identity.test_guardians import otp_client

    citizen("heldparent@suchi", born=years_ago(40), email="held@example.in")
    _, known = otp_client(
        smtp, "k1@example.in", birth_date=str(years_ago(12)), guardian="held@example.in"
    )
    _, unknown = otp_client(
        smtp, "k2@example.in", birth_date=str(years_ago(12)), guardian="nobody@example.in"
    )
    assert known.status_code == unknown.status_code == 200
    assert set(known.json()) == set(unknown.json())


# --- Nomination ------------------------------------------------------------------------------


def test_the_next_holder_of_a_closed_nominees_address_cannot_decline_the_nomination(
    smtp,  # noqa: F811
):
    """FAILS-NOW. nomination_decline accepts an ACCEPTED nomination from anyone
    nominations_naming() matches by identifier (rights/nomination.py nomination_decline /
    _for_nominee), not only the nominee who accepted it. Once the nominee's address is freed
    (account closed), a stranger who signs up with it can end the citizen's nomination and
    read it (evidence reference etc.) through /me/nominations."""
    citizen("asha2@suchi", born=years_ago(60))
    nominee = citizen("ravi2@suchi", born=years_ago(35), email="ravi2@example.in")
    asha_api, ravi_api = citizen_client("asha2@suchi"), citizen_client("ravi2@suchi")
    pk = asha_api.post(
        "/api/v1/me/nomination", {"name": "Ravi", "identifier": "ravi2@example.in"}, format="json"
    ).json()["id"]
    assert (
        ravi_api.post(f"/api/v1/me/nominations/{pk}/accept", {}, format="json").status_code == 200
    )
    account_close(citizen=nominee, confirm=nominee.handle, actor="test")
    # The nominee left: the nomination ends with their account (the citizen is told).
    ended = Nomination.objects.get(pk=pk)
    assert ended.status == "declined"

    citizen("stranger2@suchi", born=years_ago(20), email="ravi2@example.in")
    stranger_api = citizen_client("stranger2@suchi")
    declined = stranger_api.post(f"/api/v1/me/nominations/{pk}/decline", {}, format="json")
    assert declined.status_code == 404, declined.content
    assert Nomination.objects.get(pk=pk).updated_at == ended.updated_at
    assert pk not in [n["id"] for n in stranger_api.get("/api/v1/me/nominations").json()]


def test_naming_a_nominee_over_and_over_does_not_flood_them(smtp):  # noqa: F811
    """FAILS-NOW. Each POST /me/nomination withdraws the previous one and notifies the holder
    of the address again, with no throttle (rights/nomination.py nomination_name)."""
    victim = citizen("victimn@suchi", born=years_ago(40), email="victimn@example.in")
    citizen("spammern@suchi", born=years_ago(30))
    api = citizen_client("spammern@suchi")
    statuses = [
        api.post(
            "/api/v1/me/nomination",
            {"name": f"Victim {i}", "identifier": "victimn@example.in"},
            format="json",
        ).status_code
        for i in range(15)
    ]
    told = Notification.objects.filter(citizen=victim, kind="nomination.named", channel="inbox")
    assert 429 in statuses or told.count() <= 5, f"{told.count()} notices, statuses {statuses}"
    assert ledger_verify()[2] is None


def test_a_nominee_cannot_act_before_approval_or_for_someone_else(smtp):  # noqa: F811
    """Regression (passes): before the grievance officer approves, the nominee cannot list,
    revoke or export; the citizen cannot accept or report on their own nomination; a
    stranger cannot accept."""
    citizen("asha3@suchi", born=years_ago(60))
    citizen("ravi3@suchi", born=years_ago(35), email="ravi3@example.in")
    citizen("mallory@suchi", born=years_ago(35), email="mallory@example.in")
    asha_api, ravi_api = citizen_client("asha3@suchi"), citizen_client("ravi3@suchi")
    mallory_api = citizen_client("mallory@suchi")
    pk = asha_api.post(
        "/api/v1/me/nomination", {"name": "Ravi", "identifier": "ravi3@example.in"}, format="json"
    ).json()["id"]
    assert (
        mallory_api.post(f"/api/v1/me/nominations/{pk}/accept", {}, format="json").status_code
        == 404
    )
    assert (
        mallory_api.post(f"/api/v1/me/nominations/{pk}/decline", {}, format="json").status_code
        == 404
    )
    assert (
        ravi_api.post(f"/api/v1/me/nominations/{pk}/accept", {}, format="json").status_code == 200
    )
    reported = ravi_api.post(
        f"/api/v1/me/nominations/{pk}/report",
        {"event": "death", "reference": "D-1"},
        format="json",
    )
    assert reported.status_code == 200
    for path in ("consent-artefacts", "records"):
        assert ravi_api.get(f"/api/v1/me/nominations/{pk}/{path}").status_code == 404
        assert mallory_api.get(f"/api/v1/me/nominations/{pk}/{path}").status_code == 404
    fake = "00000000-0000-0000-0000-000000000000"
    assert (
        ravi_api.post(
            f"/api/v1/me/nominations/{pk}/consent-artefacts/{fake}/revoke", {}, format="json"
        ).status_code
        == 404
    )
    assert ledger_verify()[2] is None


@pytest.mark.parametrize(
    "path",
    ["/portal/nomination", "/portal/nomination/withdraw", "/portal/guardian"],
)
def test_portal_posts_need_a_csrf_token(path):
    """Regression (passes)."""
    someone = citizen("csrf@suchi", born=years_ago(30))
    client = Client(enforce_csrf_checks=True)
    client.force_login(someone.user)
    response = client.post(
        path,
        {"name": "X", "identifier": "x@example.in", "guardian": "x@example.in", "basis": "minor"},
    )
    assert response.status_code == 403


def test_console_review_needs_the_grievance_officer_permission():
    """Regression (passes)."""
    user = get_user_model().objects.create_user("plainstaff", password=PASSWORD, is_staff=True)
    client = Client()
    client.force_login(user)
    fake = "00000000-0000-0000-0000-000000000000"
    assert client.get("/console/grievance-officer/nominations").status_code in (302, 403, 404)
    response = client.post(
        f"/console/grievance-officer/nominations/{fake}/review",
        {"decision": "approve", "text": "ok"},
    )
    assert response.status_code in (302, 403, 404)


def test_bad_nomination_bodies_are_400_not_500():
    citizen("badn@suchi", born=years_ago(30))
    api = citizen_client("badn@suchi")
    for body in (
        [1],
        {"name": None, "identifier": None},
        {"name": "x" * 10_000, "identifier": "a@b.in"},
        {"name": ["x"], "identifier": {"a": 1}},
    ):
        assert api.post("/api/v1/me/nomination", body, format="json").status_code == 400
    raw = APIClient()
    raw.credentials(**api._credentials)
    assert (
        raw.post("/api/v1/me/nomination", "not json", content_type="application/json").status_code
        == 400
    )
