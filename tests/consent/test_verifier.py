"""consent/verify.py, the provider-side verifier: genuine artefacts pass; forged, re-signed,
tampered, expired or unsigned ones fail. Run as a library and as a command against a live
server (JWKS and status fetched over HTTP)."""

import base64
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from consent.keys import jwks, public_jwk, thumbprint
from consent.verify import VerificationError, verify_artefact

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def sign_with(key: Ed25519PrivateKey, claims: dict, header: dict) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(rfc8785.dumps(claims))}"
    return f"{signing_input}.{b64(key.sign(signing_input.encode()))}"


def test_genuine_artefact_verifies(granted):
    claims = verify_artefact(granted["jws"], jwks())
    assert claims["id"] == granted["id"]


def test_artefact_re_signed_by_another_key_under_the_same_kid_is_rejected(granted):
    attacker = Ed25519PrivateKey.generate()
    forged = sign_with(attacker, granted["claims"], {"alg": "EdDSA", "kid": granted["kid"]})
    with pytest.raises(VerificationError, match="bad signature"):
        verify_artefact(forged, jwks())


def test_artefact_signed_by_an_unknown_key_is_rejected(granted):
    attacker = Ed25519PrivateKey.generate()
    kid = thumbprint(public_jwk(attacker))
    forged = sign_with(attacker, granted["claims"], {"alg": "EdDSA", "kid": kid})
    with pytest.raises(VerificationError, match="not in the JWK set"):
        verify_artefact(forged, jwks())


def test_changed_claims_break_the_signature(granted):
    header, _, signature = granted["jws"].split(".")
    claims = {**granted["claims"], "access_mode": "store"}
    with pytest.raises(VerificationError, match="bad signature"):
        verify_artefact(f"{header}.{b64(rfc8785.dumps(claims))}.{signature}", jwks())


def test_unsigned_alg_none_is_rejected(granted):
    header = b64(json.dumps({"alg": "none", "kid": granted["kid"]}).encode())
    payload = granted["jws"].split(".")[1]
    with pytest.raises(VerificationError, match="not a compact JWS"):
        verify_artefact(f"{header}.{payload}.", jwks())
    with pytest.raises(VerificationError, match="not accepted"):
        verify_artefact(f"{header}.{payload}.AAAA", jwks())


@pytest.mark.parametrize("garbage", ["", "a.b", "not a jws", "....", "e30.e30.e30"])
def test_garbage_is_rejected_cleanly(garbage):
    with pytest.raises(VerificationError):
        verify_artefact(garbage, {"keys": []})


def test_validity_window_is_enforced(granted):
    valid_until = datetime.fromisoformat(granted["claims"]["valid_until"].replace("Z", "+00:00"))
    with pytest.raises(VerificationError, match="expired"):
        verify_artefact(granted["jws"], jwks(), now=valid_until + timedelta(seconds=1))
    with pytest.raises(VerificationError, match="not valid before"):
        verify_artefact(granted["jws"], jwks(), now=datetime.now(UTC) - timedelta(hours=1))


@pytest.mark.django_db(transaction=True)
def test_command_line_verifier_checks_signature_and_live_status(live_server, settings):
    from consent.models import ConsentArtefact
    from consent.services import artefact_revoke, consent_grant

    from ..factories import (
        consent_request_payload,
        make_citizen,
        make_institution,
        make_token,
        publish_consent_dataset,
    )
    from .conftest import bearer

    provider = make_institution(slug="ka-health")
    token = make_token(provider, scopes=("consents:verify",))
    consumer = make_institution(slug="insurer", is_consumer=True, is_provider=False)
    citizen = make_citizen("asha@suchi")
    records = publish_consent_dataset(provider)
    created = bearer(make_token(consumer, scopes=("consents:request",))).post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    )
    _, (artefact,) = consent_grant(citizen=citizen, request_id=created.json()["id"], actor="test")

    def run() -> tuple[int, dict]:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "consent.verify",
                artefact.jws,
                "--jwks",
                f"{live_server.url}/.well-known/jwks.json",
                "--status-url",
                f"{live_server.url}/api/v1/consent-artefacts/{{id}}/status",
                "--token",
                token,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.returncode, json.loads(done.stdout)

    code, result = run()
    assert (code, result["valid"], result["status"]["status"]) == (0, True, "active")
    artefact_revoke(citizen=citizen, artefact_id=artefact.pk, actor="test")
    code, result = run()
    assert (code, result["valid"], result["reason"]) == (1, False, "consent is revoked")
    assert ConsentArtefact.objects.get().status == "revoked"


def test_a_token_must_say_the_kind_its_payload_is_and_a_provider_may_ask_for_one(granted):
    """A key signs artefacts and data-use agreements alike: the JWS typ binds each token to
    its kind (RFC 8725 §3.11), and a provider releasing records under consent accepts only a
    consent artefact, not an agreement (an outside probe's observation)."""
    from consent.keys import current_key
    from consent.verify import AGREEMENT_TYP, ARTEFACT_TYP

    header = json.loads(base64.urlsafe_b64decode(granted["jws"].split(".")[0] + "=="))
    assert header["typ"] == ARTEFACT_TYP
    assert verify_artefact(granted["jws"], jwks(), typ=ARTEFACT_TYP)["id"] == granted["id"]
    with pytest.raises(VerificationError, match="a consent-artefact, not a data-use-agreement"):
        verify_artefact(granted["jws"], jwks(), typ=AGREEMENT_TYP)
    # The same claims under the same key but another kind's typ: refused.
    key = current_key()
    for typ in (AGREEMENT_TYP, None):
        relabelled = {"alg": "EdDSA", "kid": key.kid, **({"typ": typ} if typ else {})}
        with pytest.raises(VerificationError, match="is not its payload's"):
            verify_artefact(sign_with(key.private_key, granted["claims"], relabelled), jwks())
