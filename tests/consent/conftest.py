"""Parties of a consent: a consumer, two providers, two citizens, with API clients for each."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from ..factories import (
    consent_request_payload,
    make_citizen,
    make_institution,
    make_token,
    publish_consent_dataset,
)

PASSWORD = "correct-horse-battery"


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@dataclass
class Party:
    institution: object
    api: APIClient
    token: str


@pytest.fixture
def consumer(db):
    institution = make_institution(
        slug="suraksha",
        name="Suraksha Insurance",
        kind="private",
        is_consumer=True,
        is_provider=False,
    )
    token = make_token(
        institution, scopes=("consents:request", "consents:verify", "webhooks:write")
    )
    return Party(institution, bearer(token), token)


@pytest.fixture
def provider(db):
    institution = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    token = make_token(institution, scopes=("consents:verify", "datasets:write", "webhooks:write"))
    return Party(institution, bearer(token), token)


@pytest.fixture
def provider_b(db):
    institution = make_institution(slug="sahyadri", name="Sahyadri Bank", kind="private")
    token = make_token(institution, scopes=("consents:verify",))
    return Party(institution, bearer(token), token)


@pytest.fixture
def records(provider):
    return publish_consent_dataset(provider.institution, title="Discharge summaries")


@pytest.fixture
def records_b(provider_b):
    return publish_consent_dataset(provider_b.institution, title="Account statements")


def citizen_client(handle: str) -> APIClient:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token", {"handle": handle, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")
    return client


@pytest.fixture
def asha(db):
    return make_citizen("asha@suchi", PASSWORD)


@pytest.fixture
def ravi(db):
    return make_citizen("ravi@suchi", PASSWORD, language="hi")


@pytest.fixture
def asha_api(asha):
    return citizen_client("asha@suchi")


@pytest.fixture
def ravi_api(ravi):
    return citizen_client("ravi@suchi")


@pytest.fixture
def pending(consumer, asha, records):
    """A pending request from the consumer to Asha for one dataset."""
    response = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def granted(pending, asha_api):
    """The pending request, granted: returns the one artefact (as the citizen API shows it)."""
    response = asha_api.post(
        f"/api/v1/me/consent-requests/{pending['id']}/grant", {}, format="json"
    )
    assert response.status_code == 200, response.content
    (artefact,) = response.json()
    return artefact
