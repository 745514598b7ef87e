"""Verify a Suchi consent artefact the way a provider should before releasing records.

Usable without Django, as a library::

    from consent.verify import fetch_jwks, verify_artefact, check_status
    claims = verify_artefact(jws, fetch_jwks("https://suchi.example/.well-known/jwks.json"))
    live = check_status(f"https://suchi.example/api/v1/consent-artefacts/{claims['id']}/status",
                        token="suchi_…")

or from the command line::

    python -m consent.verify ARTEFACT_JWS --jwks URL [--status-url URL --token T]

It checks the signature (EdDSA/Ed25519, with the `kid` looked up in the JWK set), that the
payload is canonical JSON of a Suchi artefact, and the validity window; optionally it asks
Suchi for the live status, which a provider must do before every release (a revocation is not
visible in the signed artefact itself). Signature checks are done by joserfc, not by the code
that signs.
"""

import argparse
import base64
import json
import sys
import urllib.error
import urllib.request
import warnings
from datetime import UTC, datetime, timedelta

import rfc8785
from joserfc import jws as joserfc_jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

ALGORITHMS = ("EdDSA", "Ed25519")
# What Suchi signs for parties to verify: consent artefacts and data-use agreements, each with
# its JWS `typ` (RFC 8725 §3.11): a token must say the kind its payload is.
ARTEFACT_TYP = "consent-artefact+jws"
AGREEMENT_TYP = "data-use-agreement+jws"
TYPES = {"suchi.consent-artefact/": ARTEFACT_TYP, "suchi.data-use-agreement/": AGREEMENT_TYP}
SCHEMA_PREFIXES = tuple(TYPES)


class VerificationError(Exception):
    """The artefact must not be relied on; the message says why."""


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _http(url: str) -> str:
    if not url.lower().startswith(("https://", "http://")):
        raise VerificationError(f"only http(s) URLs are fetched, not {url!r}")
    return url


def fetch_jwks(url: str, *, timeout: float = 10.0) -> dict:
    """Fetch a JWK set over HTTP(S)."""
    request = urllib.request.Request(_http(url), headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (_http: http/s only)  # nosec B310
            return json.loads(response.read(1_000_000))
    except (OSError, ValueError) as exc:
        raise VerificationError(f"could not fetch the JWK set from {url}: {exc}") from None


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def verify_artefact(
    token: str,
    jwks: dict,
    *,
    now: datetime | None = None,
    leeway: timedelta = timedelta(minutes=1),
    typ: str | None = None,
) -> dict:
    """Return the artefact's claims if the JWS is genuine and within its validity window.
    `typ` (ARTEFACT_TYP or AGREEMENT_TYP): only that kind is accepted; a provider releasing
    records under consent passes ARTEFACT_TYP."""
    header, payload = _signed(token, jwks)
    try:
        claims = json.loads(payload)
    except ValueError:
        raise VerificationError("the payload is not JSON") from None
    if not isinstance(claims, dict) or not str(claims.get("schema", "")).startswith(
        SCHEMA_PREFIXES
    ):
        raise VerificationError("the payload is not a Suchi consent artefact or agreement")
    said = TYPES[next(p for p in SCHEMA_PREFIXES if claims["schema"].startswith(p))]
    if header.get("typ") != said:
        raise VerificationError(f"the JWS typ {header.get('typ')!r} is not its payload's ({said})")
    if typ is not None and said != typ:
        raise VerificationError(f"a {said.removesuffix('+jws')}, not a {typ.removesuffix('+jws')}")
    if rfc8785.dumps(claims) != payload:
        raise VerificationError("the payload is not canonical JSON (RFC 8785)")
    now = now or datetime.now(UTC)
    try:
        valid_from, valid_until = _instant(claims["valid_from"]), _instant(claims["valid_until"])
    except (KeyError, TypeError, ValueError):
        raise VerificationError("the artefact has no valid validity window") from None
    if now + leeway < valid_from:
        raise VerificationError(f"not valid before {claims['valid_from']}")
    if now >= valid_until:
        raise VerificationError(f"expired at {claims['valid_until']}")
    return claims


def _signed(token: str, jwks: dict) -> tuple[dict, bytes]:
    """The JWS's header and payload, if it is signed by the key its `kid` names in `jwks`."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise VerificationError("not a compact JWS (three non-empty base64url parts)")
    try:
        header = json.loads(_b64decode(parts[0]))
    except ValueError:
        raise VerificationError("the JWS header is not base64url JSON") from None
    if not isinstance(header, dict):
        raise VerificationError("the JWS header is not a JSON object")
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS:
        raise VerificationError(f"algorithm {alg!r} is not accepted; expected EdDSA")
    if not isinstance(kid, str) or not kid:
        raise VerificationError("the JWS header names no key (`kid`)")
    jwk = next((k for k in jwks.get("keys", []) if k.get("kid") == kid), None)
    if jwk is None:
        raise VerificationError(f"key {kid!r} is not in the JWK set")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise VerificationError(f"key {kid!r} is not an Ed25519 key")
    try:
        key = OKPKey.import_key({k: jwk[k] for k in ("kty", "crv", "x")})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joserfc flags the EdDSA name as deprecated (RFC 9864)
            payload = joserfc_jws.deserialize_compact(token.strip(), key, algorithms=[alg]).payload
    except (JoseError, ValueError, KeyError) as exc:
        raise VerificationError(f"bad signature ({exc})") from None
    return header, payload


def check_status(status_url: str, *, token: str, timeout: float = 10.0) -> dict:
    """Ask Suchi for the artefact's live status: `{"status", "valid_until", "updated_at"}`."""
    request = urllib.request.Request(  # noqa: S310  (scheme checked by _http)
        _http(status_url),
        headers={"Accept": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (_http: http/s only)  # nosec B310
            return json.loads(response.read(100_000))
    except urllib.error.HTTPError as exc:
        raise VerificationError(f"status check answered HTTP {exc.code}") from None
    except (OSError, ValueError) as exc:
        raise VerificationError(f"status check failed: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m consent.verify", description="Verify a Suchi consent artefact."
    )
    parser.add_argument("artefact", help="the compact JWS, or - to read it from standard input")
    parser.add_argument("--jwks", required=True, help="URL of Suchi's /.well-known/jwks.json")
    parser.add_argument(
        "--status-url", help="the artefact's status URL ({id} is replaced by the artefact id)"
    )
    parser.add_argument("--token", help="your institution's API token (scope consents:verify)")
    kinds = [t.removesuffix("+jws") for t in TYPES.values()]
    parser.add_argument("--kind", choices=kinds, help="accept only this kind (default: either)")
    args = parser.parse_args(argv)
    token = sys.stdin.read().strip() if args.artefact == "-" else args.artefact
    try:
        typ = f"{args.kind}+jws" if args.kind else None
        claims = verify_artefact(token, fetch_jwks(args.jwks), typ=typ)
        result = {"valid": True, "claims": claims}
        if args.status_url:
            if not args.token:
                parser.error("--status-url needs --token")
            live = check_status(args.status_url.replace("{id}", claims["id"]), token=args.token)
            result["status"] = live
            if live.get("status") != "active":
                result["valid"] = False
                result["reason"] = f"consent is {live.get('status')}"
    except VerificationError as exc:
        result = {"valid": False, "reason": str(exc)}
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["valid"] else 1


if __name__ == "__main__":
    sys.exit(main())
