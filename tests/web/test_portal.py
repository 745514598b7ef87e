"""The citizen portal through Django's test client: the decisions, and the bad input the issue
lists (CSRF, other people's ids, open redirects, password guessing)."""

import json
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentArtefact, ConsentRequest
from consent.services import ReceiptInput, consent_grant, receipt_record
from core.lockout import signin_forget

from .conftest import PASSWORD, ask, sign_in

pytestmark = pytest.mark.django_db


def test_dashboard_lists_the_pending_request_in_plain_language(world, client):
    request = ask(world, world.asha, [world.dataset])
    sign_in(client, "asha@suchi")
    page = client.get("/portal/").content.decode()
    assert "Suraksha Insurance asks for your records" in page
    assert f"/portal/requests/{request.pk}" in page
    detail = client.get(f"/portal/requests/{request.pk}").content.decode()
    for words in (
        "Who asks",
        "Discharge summaries",
        "View the records (not keep a copy)",
        "1 March 2026 \u2013 31 March 2026",
        "6 months",
        "We will read your March discharge summary.",
    ):
        assert words in detail


def test_grant_then_withdraw_through_the_forms(world, client):
    request = ask(world, world.asha, [world.dataset])
    sign_in(client, "asha@suchi")
    response = client.post(
        f"/portal/requests/{request.pk}/grant", {"datasets": [str(world.dataset.pk)]}
    )
    assert response.status_code == 302
    artefact = ConsentArtefact.objects.get(request=request)
    assert artefact.status == "active"
    # The page says what was granted, and until when (it repeated only what was asked).
    page = client.get(f"/portal/requests/{request.pk}").content.decode()
    until = timezone.localtime(artefact.valid_until, timezone.get_fixed_timezone(330))
    assert f"Covers, until {until.day} {until:%B %Y}: {world.dataset.title}" in page
    assert "Asked to last until" in page and "Consent would end on" not in page
    client.post(f"/portal/requests/{request.pk}/withdraw")
    artefact.refresh_from_db()
    assert artefact.status == "revoked"


def test_grant_with_no_dataset_chosen_is_refused_with_a_message(world, client):
    request = ask(world, world.asha, [world.dataset])
    sign_in(client, "asha@suchi")
    response = client.post(f"/portal/requests/{request.pk}/grant", {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"


def test_pause_resume_and_revoke_one_consent(world, client):
    request = ask(world, world.asha, [world.dataset])
    _, (artefact,) = consent_grant(citizen=world.asha, request_id=request.pk, actor="test")
    sign_in(client, "asha@suchi")
    for action, status in (("pause", "paused"), ("resume", "active"), ("revoke", "revoked")):
        assert client.post(f"/portal/consents/{artefact.pk}/{action}").status_code == 302
        artefact.refresh_from_db()
        assert artefact.status == status
    page = client.get(f"/portal/consents/{artefact.pk}").content.decode()
    assert "Withdrawn" in page


def test_deny(world, client):
    request = ask(world, world.asha, [world.dataset])
    sign_in(client, "asha@suchi")
    client.post(f"/portal/requests/{request.pk}/deny")
    request.refresh_from_db()
    assert request.status == ConsentRequest.Status.DENIED


def test_download_my_data_is_the_api_export(world, client):
    request = ask(world, world.asha, [world.dataset])
    consent_grant(citizen=world.asha, request_id=request.pk, actor="test")
    sign_in(client, "asha@suchi")
    response = client.get("/portal/export")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["format"] == "suchi.consent-export/1"
    assert body["citizen"]["handle"] == "asha@suchi"
    assert [r["id"] for r in body["consent_requests"]] == [str(request.pk)]
    assert len(body["ledger"]["events"]) == 3  # created, granted, issued


def test_history_and_access_log_pages(world, client):
    # Made through the console by a member of the consumer's staff.
    request = ask(world, world.asha, [world.dataset], actor="user claims.desk")
    consent_grant(citizen=world.asha, request_id=request.pk, actor="citizen asha@suchi (portal)")
    artefact = ConsentArtefact.objects.get(request=request)
    receipt_record(
        provider=world.provider,
        artefact_id=artefact.pk,
        receipt=ReceiptInput(
            data_from=date(2026, 3, 1),
            data_to=date(2026, 3, 2),
            record_count=1,
            sha256="f" * 64,
            served_at=timezone.now(),
        ),
        token=None,
        actor="token records-api (cd34ef)",
    )
    sign_in(client, "asha@suchi")
    history = client.get("/portal/history").content.decode()
    assert "You granted a request" in history and "A request arrived" in history
    # Who did it, in the citizen's words: "you", and the institution that acted (the consumer
    # asked, the provider released), never a token's name.
    assert "by you" in history and "by Suraksha Insurance" in history
    assert "by Department of Health, Karnataka" in history
    for internal in ("claims.desk", "records-api", "cd34ef", "(portal)"):
        assert internal not in history, internal
    assert client.get("/portal/access-log").status_code == 200


def test_signup_creates_a_citizen_and_signs_in(client, db):
    response = client.post(
        "/portal/signup",
        {
            "handle": "meera@suchi",
            "name": "Meera",
            "password": "a-long-passphrase-1",
            "password_again": "a-long-passphrase-1",
            "language": "hi",
            "birth_date": "1990-02-03",
        },
    )
    assert response.status_code == 302
    assert response.cookies["suchi_language"].value == "hi"
    dashboard = client.get("/portal/").content.decode()
    assert 'lang="hi"' in dashboard
    assert "नमस्ते, Meera" in dashboard  # by the name given at sign-up


def test_signup_names_the_bad_field(client, db):
    response = client.post(
        "/portal/signup",
        {"handle": "Not A Handle", "password": "x", "password_again": "y", "language": "en"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A handle looks like" in page or "The two passwords differ." in page


def test_password_change(world, client):
    sign_in(client, "asha@suchi")
    response = client.post(
        "/portal/account/password",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-pass-2",
            "new_password2": "another-long-pass-2",
        },
    )
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 200  # still signed in
    assert (
        Client()
        .post("/portal/login", {"username": "asha@suchi", "password": "another-long-pass-2"})
        .status_code
        == 302
    )


def test_preferred_language_is_saved_and_restored_at_sign_in(world, client):
    sign_in(client, "asha@suchi")
    client.post("/portal/account/language", {"language": "hi"})
    world.asha.refresh_from_db()
    assert world.asha.language == "hi"
    fresh = Client()
    response = fresh.post("/portal/login", {"username": "asha@suchi", "password": PASSWORD})
    assert response.cookies["suchi_language"].value == "hi"


def test_language_link_switches_pages_to_hindi(world, client):
    sign_in(client, "asha@suchi")
    response = client.get("/language", {"language": "hi", "next": "/portal/"})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    page = client.get("/portal/").content.decode()
    assert '<html lang="hi"' in page
    assert "आपके उत्तर की प्रतीक्षा" in page


# --- Bad input ------------------------------------------------------------------------------
def test_post_without_csrf_token_is_refused(world):
    request = ask(world, world.asha, [world.dataset])
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.asha.user)
    response = client.post(f"/portal/requests/{request.pk}/grant", {})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == "pending"
    assert (
        Client(enforce_csrf_checks=True)
        .post("/portal/login", {"username": "asha@suchi", "password": PASSWORD})
        .status_code
        == 403
    )


def test_every_form_carries_a_csrf_token(world, client):
    request = ask(world, world.asha, [world.dataset])
    sign_in(client, "asha@suchi")
    for path in ("/portal/", f"/portal/requests/{request.pk}", "/portal/account"):
        page = client.get(path).content.decode()
        forms = re.findall(r"<form\b.*?</form>", page, flags=re.S)
        assert forms
        for form in forms:
            if 'method="post"' in form:
                assert 'name="csrfmiddlewaretoken"' in form, form


def test_another_citizens_request_or_consent_is_404(world, client):
    theirs = ask(world, world.ravi, [world.dataset])
    _, (their_artefact,) = consent_grant(citizen=world.ravi, request_id=theirs.pk, actor="t")
    pending = ask(world, world.ravi, [world.dataset])
    sign_in(client, "asha@suchi")
    assert client.get(f"/portal/requests/{theirs.pk}").status_code == 404
    assert client.post(f"/portal/requests/{pending.pk}/grant", {}).status_code == 404
    assert client.post(f"/portal/requests/{pending.pk}/deny").status_code == 404
    assert client.post(f"/portal/requests/{theirs.pk}/withdraw").status_code == 404
    assert client.get(f"/portal/consents/{their_artefact.pk}").status_code == 404
    for action in ("pause", "resume", "revoke"):
        assert client.post(f"/portal/consents/{their_artefact.pk}/{action}").status_code == 404
    pending.refresh_from_db()
    their_artefact.refresh_from_db()
    assert (pending.status, their_artefact.status) == ("pending", "active")


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_next_pointing_elsewhere_is_ignored(world, client, target):
    response = client.post(
        f"/portal/login?next={target}", {"username": "asha@suchi", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert client.get("/language", {"language": "en", "next": target})["Location"] == "/"


def test_local_next_is_followed(world, client):
    response = client.post(
        "/portal/login?next=/portal/history", {"username": "asha@suchi", "password": PASSWORD}
    )
    assert response["Location"] == "/portal/history"


def test_wrong_passwords_in_a_row_are_throttled_at_that_address_only(world):
    client = Client(REMOTE_ADDR="198.51.100.7")
    elsewhere = Client(REMOTE_ADDR="198.51.100.8")
    try:
        for _ in range(10):
            wrong = client.post("/portal/login", {"username": "asha@suchi", "password": "nope"})
            assert wrong.status_code in {400, 429}
        refused = client.post("/portal/login", {"username": "asha@suchi", "password": PASSWORD})
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert "Too many wrong passwords" in refused.content.decode()
        # The owner, elsewhere, is not locked out by someone else's guesses.
        signed_in = elsewhere.post(
            "/portal/login", {"username": "asha@suchi", "password": PASSWORD}
        )
        assert signed_in.status_code == 302
    finally:
        for c in (client, elsewhere):
            signin_forget(
                type("R", (), {"META": {"REMOTE_ADDR": c.defaults["REMOTE_ADDR"]}}), "asha@suchi"
            )


def test_a_right_password_ends_the_run_of_failures(world, settings):
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(settings.SUCHI_LOGIN_FREE_FAILURES - 1):
        client.post("/portal/login", {"username": "asha@suchi", "password": "nope"})
    assert (
        client.post("/portal/login", {"username": "asha@suchi", "password": PASSWORD}).status_code
        == 302
    )
    client.post("/portal/logout")
    assert (
        client.post("/portal/login", {"username": "asha@suchi", "password": "nope"}).status_code
        == 400
    )
    assert (
        client.post("/portal/login", {"username": "asha@suchi", "password": PASSWORD}).status_code
        == 302
    )


def test_staff_account_is_not_a_citizen(world, client):
    sign_in(client, "health.editor", "/console/login")
    assert client.get("/portal/").status_code == 403


def test_pages_need_sign_in(client, db):
    response = client.get("/portal/consents")
    assert response.status_code == 302
    assert response["Location"] == "/portal/login?next=/portal/consents"


def test_security_headers_on_portal_pages(world, client):
    sign_in(client, "asha@suchi")
    response = client.get("/portal/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert "script-src" not in csp  # no script at all
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    login_page = Client().get("/portal/login")
    assert "unsafe-inline" not in login_page["Content-Security-Policy"]


def test_apis_stay_english_whatever_the_language_cookie(world, client):
    client.cookies["suchi_language"] = "hi"
    response = client.get("/api/v1/purposes", HTTP_ACCEPT_LANGUAGE="hi")
    assert response.status_code == 200
    assert "Content-Language" not in response


def test_a_hindi_reading_citizen_reads_the_purpose_in_hindi(world, client):
    request = ask(world, world.ravi, [world.dataset])  # purpose INSCLM
    sign_in(client, "ravi@suchi")
    detail = client.get(f"/portal/requests/{request.pk}").content.decode()
    assert 'lang="hi"' in detail
    assert "(बीमा दावा)" in detail and "Insurance claim" not in detail


def test_every_published_purpose_has_words_in_the_portal():
    from consent.apps import PURPOSES
    from web.labels import PURPOSE

    assert set(PURPOSE) == {row["code"] for row in json.loads(PURPOSES.read_text())}


def test_a_portal_page_does_not_leave_the_api_in_the_page_time_zone(world, client):
    """Time zones are per thread: after a portal page in Asia/Kolkata the next API answer on
    the same thread is still in UTC (found when a sign-in test ran before an export test)."""
    ask(world, world.asha, [world.dataset])
    sign_in(client, "asha@suchi")
    assert client.get("/portal/").status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"
    me = client.get("/api/v1/me/consent-requests").json()
    stamps = [r["created_at"] for r in me["results"]]
    assert stamps and all(s.endswith(("Z", "+00:00")) for s in stamps), stamps


@pytest.mark.parametrize(
    "name, label",
    [("portal", "Overview"), ("portal-consents", "Consents"), ("portal-history", "History")],
)
def test_the_menu_marks_the_page_you_are_on(world, client, name, label):
    client.force_login(world.asha.user)
    body = client.get(reverse(name)).content.decode()
    current = re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', body)
    assert current == [label]


def test_the_grievance_forms_consents_are_told_apart(world, client):
    """A consent withdrawn and the one that followed it read alike in the list."""
    sign_in(client, "asha@suchi")
    for _ in range(2):
        request = ask(world, world.asha, [world.dataset])
        client.post(f"/portal/requests/{request.pk}/grant", {"datasets": [str(world.dataset.pk)]})
    first = ConsentArtefact.objects.order_by("created_at").first()
    client.post(f"/portal/requests/{first.request_id}/withdraw")
    page = client.get("/portal/grievances").content.decode()
    options = re.findall(r"<option value=\"[0-9a-f-]{36}\"[^>]*>([^<]*)</option>", page)
    assert len(options) == 2 and len(set(options)) == 2, options
    assert any("(Withdrawn," in o for o in options) and any("(Active," in o for o in options)
