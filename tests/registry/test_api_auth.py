"""Bearer tokens on the write API: 401 for bad credentials, 403 for a missing scope."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from registry.models import Dataset, DatasetRevision, ValidationRun
from registry.services import token_issue, token_revoke

from ..factories import dataset_payload, make_token

pytestmark = pytest.mark.django_db


def client_with(header: str | None) -> APIClient:
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    return client


def assert_nothing_written():
    assert Dataset.objects.count() == 0
    assert DatasetRevision.objects.count() == 0
    assert ValidationRun.objects.count() == 0


def test_missing_token_is_401_with_a_bearer_challenge(institution):
    response = client_with(None).post("/api/v1/datasets", dataset_payload(), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_nothing_written()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Token abc",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-suchi-token",
        "Bearer suchi_deadbeef",
        "Bearer suchi_deadbeefdead_wrongsecret",
        "Bearer a b",
    ],
)
def test_malformed_or_unknown_token_is_401(institution, header):
    response = client_with(header).post("/api/v1/datasets", dataset_payload(), format="json")
    assert response.status_code == 401, response.content
    assert_nothing_written()


def test_right_prefix_with_wrong_secret_is_401(institution):
    secret = make_token(institution)
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    response = client_with(f"Bearer {forged}").post(
        "/api/v1/datasets", dataset_payload(), format="json"
    )
    assert response.status_code == 401
    assert_nothing_written()


def test_expired_token_is_401(institution):
    issued = token_issue(
        institution=institution,
        name="t",
        scopes=["datasets:write"],
        expires_in=timedelta(seconds=1),
    )
    issued.token.expires_at = issued.token.created_at - timedelta(seconds=1)
    issued.token.save()
    response = client_with(f"Bearer {issued.secret}").post(
        "/api/v1/datasets", dataset_payload(), format="json"
    )
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert_nothing_written()


def test_revoked_token_is_401(institution):
    issued = token_issue(institution=institution, name="t", scopes=["datasets:write"])
    assert token_revoke(token=issued.token) is True
    assert token_revoke(token=issued.token) is False
    response = client_with(f"Bearer {issued.secret}").post(
        "/api/v1/datasets", dataset_payload(), format="json"
    )
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert_nothing_written()


def test_token_of_a_suspended_institution_is_401(institution):
    secret = make_token(institution)
    institution.verification_status = "suspended"
    institution.save()
    response = client_with(f"Bearer {secret}").post(
        "/api/v1/datasets", dataset_payload(), format="json"
    )
    assert response.status_code == 401
    assert_nothing_written()


def test_token_without_the_scope_is_403_naming_it(institution):
    secret = make_token(institution, scopes=["consents:request"])
    response = client_with(f"Bearer {secret}").post(
        "/api/v1/datasets", dataset_payload(), format="json"
    )
    assert response.status_code == 403
    assert "datasets:write" in response.json()["detail"]
    assert_nothing_written()


def test_anonymous_reads_need_no_token(institution):
    assert client_with(None).get("/api/v1/datasets").status_code == 200


def test_a_bad_token_on_a_read_is_still_401(institution):
    assert client_with("Bearer suchi_x_y").get("/api/v1/datasets").status_code == 401


def test_token_use_is_recorded(institution):
    issued = token_issue(institution=institution, name="t", scopes=["datasets:write"])
    assert issued.token.last_used_at is None
    client_with(f"Bearer {issued.secret}").get("/api/v1/datasets")
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None
