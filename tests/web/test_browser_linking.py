"""Account linking in a real browser (Playwright driving Debian's Chromium) against a live
server and a real test provider: the citizen finds her accounts at the provider sending only
her mobile number, links one with the provider's code, grants a request naming it, sees its
link reference on the consent, and delinks it in one click."""

import pytest
from django.utils import timezone

from consent.keys import jwks
from identity.linking import linking_endpoint_set
from identity.models import VerifiedIdentifier

from ..providerserver import ProviderServer
from .conftest import PASSWORD, ask

pytestmark = pytest.mark.django_db(transaction=True)
MOBILE = "+919876543210"


@pytest.fixture
def bank(settings, world):
    server = ProviderServer(
        {
            ("mobile", MOBILE): [
                {
                    "reference": "ACC-1",
                    "masked": "XXXXXX4321",
                    "type": "DEPOSIT",
                    "label": "Savings",
                },
                {"reference": "ACC-2", "masked": "XXXXXX8765", "type": "DEPOSIT"},
            ],
            ("email", "asha@example.in"): [
                {"reference": "ACC-3", "masked": "XXXXXX1111", "type": "DEPOSIT"}
            ],
        }
    )
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, server.host_port]
    server.jwks = jwks()
    linking_endpoint_set(institution=world.provider, url=server.url, public_jwk=server.public_jwk)
    yield server
    server.stop()


def test_discover_link_grant_and_delink_in_the_portal(world, bank, live_server, browser):
    now = timezone.now()
    for kind, value in (("mobile", MOBILE), ("email", "asha@example.in")):
        VerifiedIdentifier.objects.create(
            citizen=world.asha, kind=kind, value=value, verified_at=now
        )
    base = live_server.url
    page = browser.new_page()
    page.goto(base + "/portal/login")
    page.get_by_label("Handle or user name").fill("asha@suchi")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Linked accounts").click()
    assert "No linked accounts yet." in page.inner_text("main")
    page.get_by_label("Provider", exact=True).select_option(label="Department of Health, Karnataka")
    page.get_by_label("E-mail address").uncheck()  # only the mobile number goes to the provider
    page.get_by_role("button", name="Find my accounts").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Your accounts at Department of Health, Karnataka"
    )
    assert bank.received[-1][1]["customer"]["identifiers"] == [{"type": "mobile", "value": MOBILE}]
    assert "XXXXXX1111" not in page.inner_text("main")
    page.get_by_label("XXXXXX4321 Savings DEPOSIT").check()
    page.get_by_role("button", name="Continue").click()
    assert "sent a code to XXXXXX3210" in page.inner_text("main")
    page.get_by_label("The code the provider sent you").fill("999999")
    page.get_by_role("button", name="Link").click()
    assert "The code is wrong or has expired." in page.inner_text("main")
    page.get_by_label("The code the provider sent you").fill(next(iter(bank.codes.values())))
    page.get_by_role("button", name="Link").click()
    assert "Linked: XXXXXX4321." in page.inner_text("main")
    link = world.asha.links.get()
    assert link.link_reference in page.inner_text("main")

    request = ask(
        world,
        world.asha,
        [world.dataset],
        accounts=[{"provider": "ka-health", "link_reference": link.link_reference}],
    )
    page.goto(f"{base}/portal/requests/{request.pk}")
    assert "XXXXXX4321" in page.inner_text("main")
    assert page.get_by_label("XXXXXX4321 — Department of Health, Karnataka").is_checked()
    page.get_by_role("button", name="Grant consent").click()
    assert "You granted consent to Suraksha Insurance." in page.inner_text("main")
    page.get_by_role("link", name="Records from Department of Health, Karnataka").click()
    assert f"link {link.link_reference}" in page.inner_text("main")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Linked accounts").click()
    page.get_by_role("button", name="Delink").click()
    assert "XXXXXX4321 is no longer linked." in page.inner_text("main")
    assert bank.delinked == [link.link_reference]
    link.refresh_from_db()
    assert link.status == "delinked"
