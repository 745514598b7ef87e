"""The portal and console in a real browser (Playwright driving Debian's Chromium) against a
live server: a citizen grants and withdraws, a member registers a dataset, Hindi switches on."""

import pytest

from ..factories import run_queued_validations, source_url
from .conftest import PASSWORD, ask

pytestmark = pytest.mark.django_db(transaction=True)


class Clicks:
    """Counts the clicks a person makes."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


def _sign_in(page, base, path, username):
    page.goto(base + path)
    page.get_by_label("Handle or user name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def test_citizen_grants_then_withdraws_in_no_more_clicks(world, live_server, browser):
    request = ask(world, world.asha, [world.dataset])
    page = browser.new_page()
    _sign_in(page, live_server.url, "/portal/login", "asha@suchi")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Hello, Test Citizen"
    )  # by name (the handle only without one)

    grant = Clicks(page)
    grant(page.get_by_role("link", name="Suraksha Insurance asks for your records"))
    assert page.url.endswith(f"/portal/requests/{request.pk}")
    assert "We will read your March discharge summary." in page.inner_text("blockquote")
    grant(page.get_by_role("button", name="Grant consent"))
    assert "You granted consent to Suraksha Insurance." in page.inner_text("main")
    page.goto(live_server.url + "/portal/")
    consent_link = page.get_by_role(
        "link", name="Suraksha Insurance may receive records from Department of Health, Karnataka"
    )
    assert consent_link.count() == 1  # the consent is in force

    withdraw = Clicks(page)
    withdraw(consent_link)
    assert page.locator("main .tag").first.inner_text() == "Active"
    withdraw(page.get_by_role("button", name="Withdraw consent"))
    assert page.locator("main .tag").first.inner_text() == "Withdrawn"
    assert "No more records will be released." in page.inner_text("main")
    assert withdraw.count <= grant.count == 2

    page.goto(live_server.url + "/portal/")
    assert "You have no consent in force." in page.inner_text("main")


def test_member_registers_a_dataset_and_sees_its_validation(world, live_server, browser):
    page = browser.new_page()
    _sign_in(page, live_server.url, "/console/login", "health.editor")
    page.get_by_role("link", name="Register a dataset").click()
    about = page.get_by_role("group", name="About the data")
    about.get_by_label("Title", exact=True).fill("Ambulance response times")
    about.get_by_label("Description").fill(
        "Median time from call to arrival of the 108 ambulance, by district and month."
    )
    page.get_by_label("Keywords").fill("ambulance, emergency")
    page.get_by_label("Health").check()
    page.get_by_label("Licence").fill("CC-BY-4.0")
    page.get_by_label("Contact e-mail").fill("data@health.ka.example")
    distribution = page.get_by_role("group", name="Distribution 1")
    distribution.get_by_label("Access address (URL)").fill(source_url("/beds.csv"))
    distribution.get_by_label("Media type").fill("text/csv")
    page.get_by_role("button", name="Register dataset").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ambulance response times"
    # With a worker the checks are still running; embedded, they ran on commit.
    said = page.inner_text("main")
    assert "Dataset registered; it is being checked." in said or (
        "Dataset registered; its checks passed." in said
    )
    run_queued_validations()  # what a worker does (with no broker it already ran on commit)
    page.reload()
    assert "Passed" in page.inner_text("#validation-result")
    assert page.inner_text("#dataset-status") == "Published"
    assert "/100" in page.inner_text("main .score")


def test_switching_to_hindi_shows_hindi_on_the_dashboard(world, live_server, browser):
    ask(world, world.asha, [world.dataset])
    page = browser.new_page()
    _sign_in(page, live_server.url, "/portal/login", "asha@suchi")
    assert page.get_attribute("html", "lang") == "en"
    page.get_by_role("link", name="हिन्दी").click()
    assert page.url == live_server.url + "/portal/"
    assert page.get_attribute("html", "lang") == "hi"
    assert page.get_by_role("heading", level=1).inner_text() == "नमस्ते, Test Citizen"
    assert "आपके उत्तर की प्रतीक्षा" in page.inner_text("main")
    assert "Suraksha Insurance आपके रिकॉर्ड माँग रहा है" in page.inner_text("main")


def test_keyboard_reaches_the_skip_link_first(world, live_server, browser):
    page = browser.new_page()
    page.goto(live_server.url + "/portal/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_admin_works_under_its_content_security_policy(db, live_server, browser):
    """Probe finding 8: /admin/ pages had no CSP. They have one now, and the admin still
    works in a real browser with no violation reported (sign in, a change list, a form)."""
    from django.contrib.auth.models import User

    User.objects.create_superuser("csp.ops", "ops@example.gov.in", PASSWORD)
    page = browser.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(live_server.url + "/admin/login/?next=/admin/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page.fill("#id_username", "csp.ops")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    for path in ("/admin/registry/dataset/", "/admin/auth/user/add/"):
        response = page.goto(live_server.url + path)
        assert response.status == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("#id_username").is_visible()
    assert violations == []
