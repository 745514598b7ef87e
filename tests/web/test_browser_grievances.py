"""A grievance answered in a real browser (Playwright driving Debian's Chromium) against a live
server: the institution's member signs in to the console, opens Grievances and the grievance,
types an answer and sends it, and sees it sent."""

import pytest
from django.contrib.auth import get_user_model

from registry.models import Membership
from rights.models import Grievance
from rights.services import grievance_file

from ..factories import make_citizen, make_institution, publish_consent_dataset
from .conftest import PASSWORD, ask

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER = "We corrected the address in our records on 3 June."


def test_a_member_answers_a_grievance_in_the_console(live_server, browser):
    provider = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    user = get_user_model().objects.create_user("health.editor", password=PASSWORD)
    Membership.objects.create(user=user, institution=provider, role=Membership.Role.EDITOR)
    asha = make_citizen("asha@suchi", PASSWORD)
    hospital_records = publish_consent_dataset(provider, title="Discharge summaries")
    consumer = make_institution(
        slug="suraksha", name="Suraksha Insurance", kind="private", is_consumer=True,
        is_provider=False,
    )  # fmt: skip
    ask(consumer, asha, [hospital_records])  # Asha deals with the hospital
    grievance = grievance_file(
        citizen=asha,
        institution_slug=provider.slug,
        subject="Wrong address",
        text="My address in your records is wrong.",
        actor="test",
    )
    base = live_server.url

    page = browser.new_context().new_page()
    page.goto(base + "/console/login")
    page.get_by_label("Handle or user name").fill("health.editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Grievances").click()
    page.get_by_role("link", name=grievance.reference).click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Grievance {grievance.reference}"
    assert "My address in your records is wrong." in page.inner_text("#grievance-text")
    assert page.inner_text("#grievance-status") == "Waiting for an answer"

    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Send the answer").click()
    assert "Your answer was sent to the citizen." in page.inner_text("main")
    assert page.inner_text("#grievance-status") == "Answered"
    assert page.inner_text("#grievance-answer") == ANSWER
    assert page.get_by_label("Your answer").count() == 0
    grievance.refresh_from_db()
    assert grievance.status == Grievance.Status.ANSWERED and grievance.answer == ANSWER


def test_a_citizen_files_in_hindi_the_member_answers_and_the_citizen_accepts(
    world, live_server, browser
):
    """The whole loop in two browsers: Asha, in Hindi, files a grievance about the insurer
    that asked for her records; the insurer's member answers in the console; she accepts."""
    ask(world, world.asha, [world.dataset])
    member = get_user_model().objects.create_user("suraksha.editor", password=PASSWORD)
    Membership.objects.create(user=member, institution=world.consumer, role=Membership.Role.EDITOR)
    base = live_server.url
    citizen = browser.new_context().new_page()
    citizen.goto(base + "/portal/login")
    citizen.get_by_label("Handle or user name").fill("asha@suchi")
    citizen.get_by_label("Password").fill(PASSWORD)
    citizen.locator("main").get_by_role("button", name="Sign in").click()
    citizen.get_by_role("link", name="हिन्दी").click()
    citizen.locator("header nav").get_by_role("link", name="शिकायतें").click()
    assert citizen.get_by_role("heading", level=1).inner_text() == "आपकी शिकायतें"
    citizen.get_by_label("किसके बारे में").select_option(label="Suraksha Insurance")
    citizen.get_by_label("विषय").fill("Records kept after I revoked")
    citizen.get_by_label("क्या हुआ, और आप क्या कराना चाहते हैं").fill("Please erase them.")
    citizen.get_by_role("button", name="शिकायत दर्ज करें").click()
    grievance = Grievance.objects.get()
    assert f"आपकी शिकायत {grievance.reference} दर्ज हो गई" in citizen.inner_text("main")

    staff = browser.new_context().new_page()
    staff.goto(base + "/console/login")
    staff.get_by_label("Handle or user name").fill("suraksha.editor")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.locator("main").get_by_role("button", name="Sign in").click()
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Grievances").click()
    staff.get_by_role("link", name=grievance.reference).click()
    staff.get_by_label("Your answer").fill(ANSWER)
    staff.get_by_role("button", name="Send the answer").click()
    assert "Your answer was sent to the citizen." in staff.inner_text("main")

    citizen.reload()
    assert ANSWER in citizen.inner_text("main")
    citizen.get_by_role("button", name="हाँ, उत्तर स्वीकार करें").click()
    assert "शिकायत का समाधान हो गया" in citizen.inner_text("main")
    grievance.refresh_from_db()
    assert grievance.status == Grievance.Status.RESOLVED
