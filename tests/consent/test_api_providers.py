"""Providers trust artefacts by signature, check status before each release, and report
releases as receipts. Artefacts are verified here with jwcrypto, not with Suchi's own code."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from jwcrypto import jwk, jws

from consent.models import ConsentArtefact, ConsentEvent, SigningKey
from consent.services import consents_expire

from ..factories import consent_request_payload, make_token
from .conftest import bearer

pytestmark = pytest.mark.django_db

RECEIPT = {
    "data_range": {"from": "2026-03-01", "to": "2026-03-31"},
    "record_count": 3,
    "sha256": "c" * 64,
}


def receipt(**overrides):
    return {**RECEIPT, "served_at": timezone.now().isoformat(), **overrides}


def jwcrypto_verify(token: str, jwks_json: dict) -> dict:
    keys = jwk.JWKSet.from_json(json.dumps(jwks_json))
    parsed = jws.JWS()
    parsed.deserialize(token)
    kid = parsed.jose_header["kid"]
    parsed.verify(keys.get_key(kid), alg="EdDSA")
    return json.loads(parsed.payload)


def test_artefact_verifies_with_an_independent_library_using_only_the_jwks(
    granted, client_anon, consumer
):
    response = client_anon.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    jwks_json = response.json()
    assert all("d" not in key for key in jwks_json["keys"])  # public halves only
    artefacts = consumer.api.get(f"/api/v1/consent-artefacts?request={granted['request']}").json()
    (artefact,) = artefacts["results"]
    claims = jwcrypto_verify(artefact["jws"], jwks_json)
    assert claims["id"] == artefact["id"]
    assert claims["citizen"] == "asha@suchi"
    assert claims["consumer"]["id"] == "suraksha"
    assert claims["provider"]["id"] == "ka-health"
    assert claims["purpose"]["code"] == "INSCLM"
    assert claims["datasets"][0]["uri"].endswith(f"/datasets/{claims['datasets'][0]['id']}")
    assert len(claims["notice_sha256"]) == 64
    # The signed body names the citizen by handle only: no other personal data.
    assert "Test Citizen" not in json.dumps(claims)


def test_tampered_artefact_fails_independent_verification(granted, client_anon):
    import base64

    header, payload, signature = granted["jws"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["valid_until"] = "2099-01-01T00:00:00.000000Z"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jws.InvalidJWSSignature):
        jwcrypto_verify(
            f"{header}.{forged_payload}.{signature}",
            client_anon.get("/.well-known/jwks.json").json(),
        )


def test_status_is_answered_to_provider_and_consumer_only(granted, provider, consumer, provider_b):
    url = f"/api/v1/consent-artefacts/{granted['id']}/status"
    for party in (provider, consumer):
        response = party.api.get(url)
        assert response.status_code == 200
        assert response.json()["status"] == "active"
        assert response["Cache-Control"] == "no-store"
    assert provider_b.api.get(url).status_code == 404


def test_status_needs_the_verify_scope(granted, provider):
    token = make_token(provider.institution, scopes=("datasets:write",))
    response = bearer(token).get(f"/api/v1/consent-artefacts/{granted['id']}/status")
    assert response.status_code == 403
    assert "consents:verify" in response.json()["detail"]


def test_status_follows_the_citizens_decisions(granted, provider, asha_api):
    url = f"/api/v1/consent-artefacts/{granted['id']}/status"
    asha_api.post(f"/api/v1/me/consent-artefacts/{granted['id']}/pause")
    assert provider.api.get(url).json()["status"] == "paused"
    asha_api.post(f"/api/v1/me/consent-artefacts/{granted['id']}/revoke")
    assert provider.api.get(url).json()["status"] == "revoked"


def test_receipt_is_recorded_for_an_active_artefact(granted, provider):
    response = provider.api.post(
        f"/api/v1/consent-artefacts/{granted['id']}/receipts", receipt(), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["record_count"] == 3
    listed = provider.api.get(f"/api/v1/consent-artefacts/{granted['id']}/receipts").json()
    assert listed["count"] == 1


def test_receipt_against_a_revoked_artefact_is_refused_and_written_to_the_ledger(
    granted, provider, asha_api
):
    asha_api.post(f"/api/v1/me/consent-artefacts/{granted['id']}/revoke")
    response = provider.api.post(
        f"/api/v1/consent-artefacts/{granted['id']}/receipts", receipt(), format="json"
    )
    assert response.status_code == 409
    assert "revoked" in response.json()["detail"]
    last = ConsentEvent.objects.order_by("-seq").first()
    assert last.kind == "receipt.refused"
    assert last.data["status"] == "revoked"


def test_only_the_provider_posts_receipts(granted, consumer, provider_b):
    for party in (consumer, provider_b):
        response = party.api.post(
            f"/api/v1/consent-artefacts/{granted['id']}/receipts", receipt(), format="json"
        )
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"data_range": {"from": "2026-04-01", "to": "2026-03-01"}}, "data_range.from"),
        ({"data_range": {"from": "2025-01-01", "to": "2026-03-31"}}, "data_range"),
        ({"sha256": "xyz"}, "sha256"),
        ({"record_count": -1}, "record_count"),
        ({"served_at": "2099-01-01T00:00:00Z"}, "served_at"),
    ],
)
def test_bad_receipt_is_a_400_naming_the_field(granted, provider, change, field):
    response = provider.api.post(
        f"/api/v1/consent-artefacts/{granted['id']}/receipts", receipt(**change), format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_expiry_job_expires_requests_and_artefacts_once(consumer, asha, records, granted):
    from consent.models import ConsentRequest

    pending_id = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    ).json()["id"]
    later = timezone.now() + timedelta(days=400)
    assert consents_expire(now=later) == (1, 1)
    assert consents_expire(now=later) == (0, 0)
    assert ConsentRequest.objects.get(pk=pending_id).status == "expired"
    assert ConsentArtefact.objects.get(pk=granted["id"]).status == "expired"


def test_status_of_an_artefact_past_its_time_says_expired_even_before_the_job(granted, provider):
    ConsentArtefact.objects.filter(pk=granted["id"]).update(
        valid_until=timezone.now() - timedelta(seconds=1),
        valid_from=timezone.now() - timedelta(days=1),
    )
    body = provider.api.get(f"/api/v1/consent-artefacts/{granted['id']}/status").json()
    assert body["status"] == "expired"
    assert ConsentEvent.objects.filter(kind="artefact.expired").count() == 1


def test_key_rotation_keeps_issued_artefacts_verifiable(
    granted, client_anon, settings, tmp_path, consumer, records, asha_api
):
    import io
    import shutil

    from django.core.management import call_command

    # Rotate a copy of the session's key, so other tests keep theirs.
    shutil.copy(settings.SUCHI_SIGNING_KEY_FILE, tmp_path / "key.pem")
    settings.SUCHI_SIGNING_KEY_FILE = str(tmp_path / "key.pem")
    out = io.StringIO()
    call_command("rotate_signing_key", stdout=out)
    assert f"{granted['kid']} retired" in out.getvalue()

    jwks_json = client_anon.get("/.well-known/jwks.json").json()
    assert len(jwks_json["keys"]) == 2
    assert jwcrypto_verify(granted["jws"], jwks_json)["id"] == granted["id"]
    assert SigningKey.objects.get(kid=granted["kid"]).retired_at is not None

    created = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    ).json()
    (fresh,) = asha_api.post(
        f"/api/v1/me/consent-requests/{created['id']}/grant", {}, format="json"
    ).json()
    assert fresh["kid"] != granted["kid"]
    assert jwcrypto_verify(fresh["jws"], jwks_json)["id"] == fresh["id"]


def test_retired_key_leaves_the_jwks_after_grace_once_its_artefacts_end(
    granted, settings, tmp_path
):
    from consent.keys import _write_new_key, jwks

    _write_new_key(tmp_path / "new.pem")  # an operator installs a new key …
    settings.SUCHI_SIGNING_KEY_FILE = str(tmp_path / "new.pem")
    assert len(jwks()["keys"]) == 2  # … and the old one is retired, still listed
    SigningKey.objects.filter(kid=granted["kid"]).update(
        retired_at=timezone.now() - timedelta(days=settings.SUCHI_SIGNING_KEY_GRACE_DAYS + 1)
    )
    assert granted["kid"] in {k.get("kid") for k in jwks()["keys"]}  # its artefact is live
    ConsentArtefact.objects.filter(pk=granted["id"]).update(status="revoked")
    assert granted["kid"] not in {k.get("kid") for k in jwks()["keys"]}


def test_status_check_costs_one_statement(granted, provider, django_assert_num_queries):
    # The token, its institution and the artefact together: the hot path of every release.
    url = f"/api/v1/consent-artefacts/{granted['id']}/status"
    full = provider.api.get(url)  # the full path, which writes last_used_at
    with django_assert_num_queries(1):
        response = provider.api.get(url)
    assert response.json()["status"] == "active"
    assert response.content == full.content
    assert response["Cache-Control"] == full["Cache-Control"] == "no-store"
