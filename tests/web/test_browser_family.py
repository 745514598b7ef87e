"""Nominees and guardians in a real browser (Playwright driving Debian's Chromium) against a
live server. Nomination (DPDP Act 2023 s.14): Asha, in Hindi, names Ravi; Ravi accepts and
reports her death; the grievance officer approves in the console; Ravi withdraws her consent.
Guardians (s.9): a parent confirms with an e-mailed code that they answer for a child, grants
a request for the child, and the child, in Hindi, sees who answers for them."""

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone

from consent.models import ConsentArtefact
from consent.services import consent_grant
from identity.guardians import guardianship_name
from identity.models import Guardianship, VerifiedIdentifier
from rights.models import Nomination

from ..factories import make_citizen
from .conftest import PASSWORD, ask, browser_sign_in, consent_parties

pytestmark = pytest.mark.django_db(transaction=True)


def _verified(citizen, email: str):
    return VerifiedIdentifier.objects.create(
        citizen=citizen, kind="email", value=email, verified_at=timezone.now()
    )


def test_a_nominee_named_in_hindi_is_approved_and_withdraws_her_consent(live_server, browser):
    consumer, _provider, dataset = consent_parties()
    asha = make_citizen("asha@suchi", PASSWORD, language="hi")
    ravi = make_citizen("ravi@suchi", PASSWORD, language="en")
    _verified(ravi, "ravi@example.in")
    request = ask(consumer, asha, [dataset])
    _request, (artefact,) = consent_grant(citizen=asha, request_id=request.pk, actor="test")
    officer = get_user_model().objects.create_user("grievance.officer", password=PASSWORD)
    officer.user_permissions.add(Permission.objects.get(codename="act_as_grievance_officer"))
    base = live_server.url

    # Asha, in Hindi, names Ravi.
    citizen = browser_sign_in(browser, base, "asha@suchi")
    citizen.goto(base + "/portal/nomination")
    assert citizen.get_attribute("html", "lang") == "hi"
    assert citizen.get_by_role("heading", level=1).inner_text() == "आपका नामित व्यक्ति"
    citizen.get_by_label("आपके नामित व्यक्ति का नाम").fill("Ravi Kumar")
    citizen.get_by_label("उनका ई-मेल पता या मोबाइल नंबर").fill("ravi@example.in")
    citizen.get_by_role("button", name="मेरा नामित व्यक्ति दर्ज करें").click()
    assert "आपके नामित व्यक्ति का नाम दर्ज हो गया" in citizen.inner_text("main")
    nomination = Nomination.objects.get(citizen=asha)
    assert citizen.locator(f"#nomination-{nomination.pk}").count() == 1

    # Ravi accepts, then reports her death.
    nominee = browser_sign_in(browser, base, "ravi@suchi")
    nominee.goto(base + "/portal/nomination")
    naming = nominee.locator(f"#naming-{nomination.pk}")
    assert "asha@suchi" in naming.inner_text()
    naming.get_by_role("button", name="Accept").click()
    assert "You accepted to be their nominee." in nominee.inner_text("main")
    naming = nominee.locator(f"#naming-{nomination.pk}")
    naming.get_by_label("What happened").select_option(label="Death")
    naming.get_by_label("Reference of the supporting record").fill("DC/KA/2026/000123")
    naming.get_by_role("button", name="Send the report for review").click()
    assert "Suchi's grievance officer will review your report." in nominee.inner_text("main")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.REPORTED

    # The grievance officer approves in the console.
    staff = browser_sign_in(browser, base, "grievance.officer", "/console/login")
    staff.goto(base + "/console/grievance-officer/nominations")
    report = staff.locator(f"#nomination-{nomination.pk}")
    assert "DC/KA/2026/000123" in report.inner_text()
    report.get_by_label("What you checked, and your decision's reasons").fill(
        "Death certificate DC/KA/2026/000123 checked with the registrar."
    )
    report.get_by_role("button", name="Approve").click()
    assert "Approved: the nominee may act." in staff.inner_text("main")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACTIVE

    # Ravi sees Asha's consent and withdraws it.
    nominee.goto(base + "/portal/nomination")
    consent = nominee.locator(f"#naming-{nomination.pk} li").filter(
        has_text="Suraksha Insurance ← Department of Health, Karnataka"
    )
    assert consent.count() == 1
    consent.get_by_role("button", name="Withdraw consent").click()
    assert "Consent withdrawn." in nominee.inner_text("main")
    artefact.refresh_from_db()
    assert artefact.status == ConsentArtefact.Status.REVOKED == "revoked"
    kinds = set(asha.events.values_list("kind", flat=True))
    assert {
        "nomination.named", "nomination.accepted", "nomination.reported", "nomination.approved",
    } <= kinds  # fmt: skip


def test_a_parent_confirms_with_a_code_and_grants_for_a_child(live_server, browser, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    consumer, _provider, dataset = consent_parties()
    today = timezone.localdate()
    child = make_citizen("meera@suchi", PASSWORD, language="hi")
    child.birth_date = date(today.year - 12, 1, 1)
    child.save()
    parent = make_citizen("parent@suchi", PASSWORD, language="en")
    parent.birth_date = date(1985, 5, 1)
    parent.save()
    _verified(parent, "parent@example.in")
    guardianship = guardianship_name(
        ward=child, guardian="parent@example.in", basis="minor", actor="test"
    )
    assert guardianship.status == Guardianship.Status.PENDING
    base = live_server.url

    page = browser_sign_in(browser, base, "parent@suchi")
    page.goto(base + "/portal/guardian")
    ward = page.locator(f"#ward-{guardianship.pk}")
    assert "meera@suchi" in ward.inner_text()
    sent_before = len(mail.outbox)  # the parent was already told by e-mail they were named
    ward.get_by_role("button", name="Send a code to parent@example.in").click()
    assert "We sent you a code. Enter it below to confirm." in page.inner_text("main")
    (message,) = mail.outbox[sent_before:]
    assert message.to == ["parent@example.in"]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    ward = page.locator(f"#ward-{guardianship.pk}")
    ward.get_by_label("The 6-digit code we sent you").fill(code)
    ward.get_by_label("You are their").select_option(label="Parent")
    ward.get_by_role("button", name="Confirm I am their guardian").click()
    assert "Confirmed. You answer consent requests for them now." in page.inner_text("main")
    guardianship.refresh_from_db()
    assert guardianship.status == Guardianship.Status.ACTIVE and guardianship.guardian == parent

    request = ask(consumer, child, [dataset])
    page.reload()
    asked = page.locator(f"#ward-{guardianship.pk} li").filter(has_text="Suraksha Insurance")
    assert request.purpose_text in asked.inner_text()
    asked.get_by_role("button", name="Grant").click()
    assert "Consent granted for them." in page.inner_text("main")
    artefact = ConsentArtefact.objects.get(citizen=child)
    assert artefact.status == "active"
    assert artefact.claims["given_by"]["role"] == "guardian"
    assert artefact.claims["given_by"]["guardian"] == "parent@suchi"

    ward_page = browser_sign_in(browser, base, "meera@suchi")
    ward_page.goto(base + "/portal/guardian")
    assert ward_page.get_attribute("html", "lang") == "hi"
    assert ward_page.get_by_role("heading", level=1).inner_text() == "माता-पिता या अभिभावक"
    mine = ward_page.locator(f"#guardianship-{guardianship.pk}").inner_text()
    assert "parent@suchi" in mine
    assert "अभिभावक सहमति अनुरोधों का उत्तर देते हैं" in mine  # the guardian answers
