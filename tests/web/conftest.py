"""Parties for the portal and console tests: a consumer, a provider with a consent-gated
dataset, citizens with pending requests, and a provider's staff member."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from consent.services import Period, consent_request_create
from registry.services import membership_add

from ..factories import make_citizen, make_institution, publish_consent_dataset
from ..services import require
from .browser import chromium_path, launch

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    consumer: object
    provider: object
    dataset: object
    asha: object
    ravi: object
    staff: object


def ask(world_or_consumer, citizen, datasets, **overrides):
    consumer = getattr(world_or_consumer, "consumer", world_or_consumer)
    fields = {
        "consumer": consumer,
        "citizen_handle": citizen.handle,
        "purpose_code": "INSCLM",
        "purpose_text": "To settle claim CLM-1 for your March stay.",
        "dataset_ids": [d.pk for d in datasets],
        "access_mode": "view",
        "data_from": date(2026, 3, 1),
        "data_to": date(2026, 3, 31),
        "fetch_type": "onetime",
        "frequency": None,
        "data_life": Period("month", 6),
        "expires_at": timezone.now() + timedelta(days=90),
        "notice_text": "We will read your March discharge summary.",
        "notice_version": "1",
        "actor": "test",
    }
    fields.update(overrides)
    return consent_request_create(**fields)


def consent_parties():
    """Suraksha (a consumer), the Karnataka health department (a provider) and its consent
    dataset of discharge summaries."""
    consumer = make_institution(
        slug="suraksha", name="Suraksha Insurance", kind="private", is_consumer=True,
        is_provider=False,
    )  # fmt: skip
    provider = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    dataset = publish_consent_dataset(provider, title="Discharge summaries")
    return consumer, provider, dataset


@pytest.fixture
def world(db):
    consumer, provider, dataset = consent_parties()
    asha = make_citizen("asha@suchi", PASSWORD, language="en")
    ravi = make_citizen("ravi@suchi", PASSWORD, language="hi")
    staff = get_user_model().objects.create_user("health.editor", password=PASSWORD)
    membership_add(user=staff, institution=provider, role="admin")
    return World(consumer, provider, dataset, asha, ravi, staff)


def sign_in(client, username: str, path: str = "/portal/login"):
    response = client.post(path, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium, headless, for one test (skipped, or failed under CI, without it)."""
    require("Chromium", chromium_path() is not None, "apt-get install -y chromium")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def browser_sign_in(browser, base: str, username: str, path: str = "/portal/login"):
    """A new browser context signed in as `username` (the shared test password)."""
    page = browser.new_context().new_page()
    page.goto(base + path)
    page.get_by_label("Handle or user name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return page
