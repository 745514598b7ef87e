"""Parties of the exchange: a consumer (a research institute), a provider with restricted
datasets, a second provider, a third institution, with API clients for each."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from ..factories import make_institution, make_token, publish


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@dataclass
class Party:
    institution: object
    api: APIClient
    token: str


def party(slug: str, name: str, scopes, **fields) -> Party:
    institution = make_institution(slug=slug, name=name, **fields)
    token = make_token(institution, scopes=scopes)
    return Party(institution, bearer(token), token)


@pytest.fixture
def consumer(db):
    return party(
        "iisc-ai", "Institute of AI Research", ("access:request", "webhooks:write"),
        kind="academic", is_consumer=True, is_provider=False,
    )  # fmt: skip


@pytest.fixture
def provider(db):
    return party(
        "ka-health", "Department of Health, Karnataka",
        ("access:review", "datasets:write", "webhooks:write"),
    )  # fmt: skip


@pytest.fixture
def provider_b(db):
    return party("bmtc", "Bengaluru Transport", ("access:review",))


@pytest.fixture
def third(db):
    return party(
        "other", "Another Institution", ("access:request", "access:review"), is_consumer=True
    )


@pytest.fixture
def restricted(provider):
    """Two restricted datasets of the provider."""
    return [
        publish(provider.institution, slug=f"icu-{n}", title=f"ICU admissions {n}",
                access_rights="restricted", license="CC-BY-4.0")
        for n in (1, 2)
    ]  # fmt: skip


def request_body(of, **overrides) -> dict:
    """A request for the datasets `of`; `overrides` replace any key (datasets too)."""
    body = {
        "datasets": [str(d.pk) for d in of],
        "purpose": "research",
        "description": "Modelling ICU demand across districts for the 2027 surge plan.",
        "duration_days": 180,
    }
    body.update(overrides)
    return body
