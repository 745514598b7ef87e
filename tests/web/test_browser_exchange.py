"""The data exchange in a real browser (Playwright driving Debian's Chromium) against a live
server: the consumer's member files a request, the provider's member (a second browser
context) approves it with terms, the consumer sees the active agreement, the provider revokes
it and the consumer sees it revoked."""

import re

import pytest
from django.contrib.auth import get_user_model

from registry.models import Membership

from ..factories import make_institution, publish
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _member(username: str, institution, role) -> None:
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, institution=institution, role=role)


def _signed_in(browser, base: str, username: str):
    page = browser.new_context().new_page()
    page.goto(base + "/console/login")
    page.get_by_label("Handle or user name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    return page


def _nav(page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def test_request_approve_and_revoke_in_two_browsers(live_server, browser):
    provider = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    consumer = make_institution(
        slug="iisc-ai", name="Institute of AI Research", kind="academic", is_consumer=True,
        is_provider=False, contact_email="ai@iisc.example",
    )  # fmt: skip
    dataset = publish(provider, slug="icu-beds", title="ICU bed use", access_rights="restricted")
    _member("health.admin", provider, Membership.Role.ADMIN)
    _member("ai.researcher", consumer, Membership.Role.EDITOR)
    base = live_server.url

    # The consumer's member files the request.
    asker = _signed_in(browser, base, "ai.researcher")
    asker.goto(f"{base}/console/iisc-ai/access-requests/new?dataset={dataset.pk}")
    assert asker.get_by_label("ICU bed use (Department of Health, Karnataka)").is_checked()
    asker.get_by_label("Research", exact=True).check()
    asker.get_by_label("What you will do with the data").fill(
        "Modelling ICU demand across districts for a published study."
    )
    asker.get_by_label("For how many days").fill("120")
    asker.get_by_label("Responsible person", exact=True).fill("Dr. Meera Rao")
    asker.get_by_label("Responsible person's e-mail").fill("meera@iisc.example")
    asker.get_by_role("button", name="Send the request").click()
    heading = asker.get_by_role("heading", level=1)
    assert heading.inner_text() == "Your request to Department of Health, Karnataka"
    assert "Your request was sent to Department of Health, Karnataka." in asker.inner_text("main")

    # The provider's member approves it with terms.
    reviewer = _signed_in(browser, base, "health.admin")
    _nav(reviewer, "Data access").click()
    reviewer.get_by_role("link", name=re.compile("^Request of ")).click()
    assert "Modelling ICU demand" in reviewer.inner_text("main")
    approve = reviewer.get_by_role("region", name="Approve with terms")
    approve.get_by_label("Permitted uses").fill("Statistical modelling\nAggregate publication")
    approve.get_by_label("Days the data may be kept after the agreement ends").fill("30")
    approve.get_by_label("Attribution").fill("Department of Health, Karnataka")
    approve.get_by_role("button", name="Approve and issue the agreement").click()
    heading = reviewer.get_by_role("heading", level=1)
    assert heading.inner_text() == "Agreement with Institute of AI Research"
    assert reviewer.inner_text("#agreement-status") == "Active"
    assert "Permitted: Statistical modelling" in reviewer.inner_text("#terms-text")

    # The consumer sees the active agreement and its signed form.
    _nav(asker, "Data access").click()
    asker.get_by_role("link", name=re.compile("^Held ")).click()
    assert asker.inner_text("#agreement-status") == "Active"
    jws = asker.get_by_label("Signed agreement (compact JWS)")
    assert jws.input_value().startswith("ey") and jws.input_value().count(".") == 2
    assert asker.get_by_role("button", name="Revoke").count() == 0

    # The provider revokes it; the consumer sees it revoked.
    reviewer.get_by_role("button", name="Revoke").click()
    assert reviewer.inner_text("#agreement-status") == "Revoked"
    assert "The agreement was revoked for good." in reviewer.inner_text("main")
    asker.reload()
    assert asker.inner_text("#agreement-status") == "Revoked"
