"""Talking to a provider's linking endpoint, both ways (docs/identity.md, "Linking").

Suchi → provider: a JSON POST to `<url>/discover`, `/link`, `/link/confirm` or `/delink`,
through the SSRF guard, signed like a webhook (a detached JWS with Suchi's consent key in
`X-Suchi-Signature`, verifiable with /.well-known/jwks.json). Every answer is read with a size
bound, must be a JSON object echoing the request's `txn_id`, and is checked field by field:
what a provider gets wrong becomes a ProviderError the citizen can read, never a 500.

Provider → Suchi: a JSON POST signed with the provider's own Ed25519 key (a detached JWS in
`X-Suchi-Signature`), checked against the public key it registered.
"""

import base64
import json
import re
import unicodedata
import uuid
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from joserfc import jws as joserfc_jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from consent.keys import sign_detached
from core.errors import ServiceError, Unauthenticated
from registry.sources import fetch

SIGNATURE_TYP = "suchi-linking+jws"
USER_AGENT = "Suchi-linking/1"
MAX_ANSWER_BYTES = 256 * 1024
MAX_ACCOUNTS = 50
CLOCK_SKEW = timedelta(minutes=5)
_PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f]{1,128}$")
# A masked reference is shown to the citizen and put in messages Suchi sends: ASCII letters
# and digits, a few separators and at least two mask characters; no spaces, so no sentences.
_MASKED = re.compile(r"^(?=(?:.*[Xx*•#]){2})[A-Za-z0-9*•#./_-]{2,64}\Z")
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}


class ProviderError(ServiceError):
    """The provider could not be reached or answered something Suchi cannot use. Its message
    is for the citizen: it says what went wrong, not the provider's raw answer."""

    status_code = 502


@dataclass(frozen=True)
class Offered:
    reference: str
    masked: str
    account_type: str
    label: str


def call(url: str, action: str, payload: dict, *, provider_name: str) -> dict:
    """POST `payload` (with a fresh `txn_id`) to the provider's `action`; its JSON answer.
    A 4xx answer with a `detail` string raises ProviderError carrying that text."""
    txn_id = str(uuid.uuid4())
    body = json.dumps({"txn_id": txn_id, **payload}, ensure_ascii=False).encode()
    result = fetch(
        f"{url.rstrip('/')}/{action}",
        method="POST",
        body=body,
        max_bytes=MAX_ANSWER_BYTES,
        max_redirects=0,
        total_timeout=settings.SUCHI_WEBHOOK_TIMEOUT,
        extra_headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "X-Suchi-Signature": sign_detached(body, typ=SIGNATURE_TYP),
        },
    )
    if result.unsafe:
        raise ProviderError(f"{provider_name} cannot be reached safely.", field="provider")
    if result.error or result.status is None:
        raise ProviderError(
            f"{provider_name} did not answer ({result.error or 'no answer'}); try again later.",
            field="provider",
        )
    answer = _json_object(result.body if result.complete else b"")
    if 400 <= result.status < 500 and answer is not None:
        detail = answer.get("detail")
        if isinstance(detail, str) and detail.strip():
            raise ProviderError(f"{provider_name}: {plain(detail)}", field="provider")
    if not 200 <= result.status < 300:
        raise ProviderError(
            f"{provider_name} refused (HTTP {result.status}); try again later.", field="provider"
        )
    if answer is None:
        raise ProviderError(f"{provider_name} answered something unreadable.", field="provider")
    if answer.get("txn_id") != txn_id:
        raise ProviderError(
            f"{provider_name} answered another request; nothing was changed.", field="provider"
        )
    return answer


def offered_accounts(answer: dict, sent: list[dict], *, provider_name: str) -> list[Offered]:
    """The accounts of a discovery answer. Each must say which of the identifiers Suchi sent
    it matched (`matched`); one matched on anything else is someone else's record, and then
    nothing of the answer is used."""
    unreadable = ProviderError(f"{provider_name} answered something unreadable.", field="provider")
    accounts = answer.get("accounts")
    if not isinstance(accounts, list) or len(accounts) > MAX_ACCOUNTS:
        raise unreadable
    allowed = {(i["type"], i["value"]) for i in sent}
    offered, seen = [], set()
    for account in accounts:
        if not isinstance(account, dict):
            raise unreadable
        pairs = _matched(account.get("matched"))
        if pairs is None:
            raise unreadable
        if not pairs or not pairs <= allowed:
            raise ProviderError(
                f"{provider_name} answered with records that do not match your identifiers; "
                "nothing was linked. Tell the provider.",
                field="provider",
            )
        reference, masked = account.get("reference"), account.get("masked")
        if not short_text(reference) or not _MASKED.match(str(masked)) or reference in seen:
            raise unreadable
        seen.add(reference)
        kind, label = account.get("type"), account.get("label")
        offered.append(
            Offered(
                reference=reference,
                masked=masked,
                account_type=plain(kind)[:40] if isinstance(kind, str) else "",
                label=plain(label)[:120] if isinstance(label, str) else "",
            )
        )
    return offered


def _matched(matched) -> set | None:
    """The (type, value) pairs an account says it matched on; None if malformed."""
    if not isinstance(matched, list) or len(matched) > 10:
        return None
    pairs = set()
    for item in matched:
        if not isinstance(item, dict):
            return None
        kind, value = item.get("type"), item.get("value")
        if not isinstance(kind, str) or not isinstance(value, str):
            return None
        pairs.add((kind, value))
    return pairs


def confirmed_links(answer: dict, chosen: list[str], *, provider_name: str) -> dict[str, str]:
    """{reference: link reference} from a link confirmation: one for each chosen account,
    no others."""
    links = answer.get("links")
    found: dict[str, str] = {}
    for link in links if isinstance(links, list) else [None]:
        if (
            not isinstance(link, dict)
            or not isinstance(link.get("reference"), str)
            or not short_text(link.get("link_reference"))
        ):
            raise ProviderError(f"{provider_name} answered something unreadable.", field="provider")
        found[link["reference"]] = link["link_reference"]
    if set(found) != set(chosen) or len(set(found.values())) != len(found):
        raise ProviderError(
            f"{provider_name} confirmed other accounts than you chose; nothing was linked.",
            field="provider",
        )
    return found


def check_public_jwk(jwk) -> dict:
    """A provider's public key: an Ed25519 JWK with no private part."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ServiceError(
            "An Ed25519 public key as a JWK (kty OKP, crv Ed25519).", field="public_jwk"
        )
    if "d" in jwk:
        raise ServiceError("This is a private key: send only the public half.", field="public_jwk")
    try:
        OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": jwk.get("x")})
    except (JoseError, ValueError, TypeError):
        raise ServiceError("This is not a valid Ed25519 public key.", field="public_jwk") from None
    return {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"]}


def verify_signed(body: bytes, signature: str, jwk: dict) -> dict:
    """The JSON body a provider signed (a detached compact JWS over the exact bytes), checked:
    signature, a JSON object, and a `timestamp` within CLOCK_SKEW of now."""
    header, dot1, rest = (signature or "").partition(".")
    empty, dot2, sig = rest.partition(".")
    if not (header and dot1 and dot2 and sig) or empty:
        raise Unauthenticated(
            "X-Suchi-Signature must be a detached compact JWS.", field="signature"
        )
    encoded = base64.urlsafe_b64encode(body).rstrip(b"=").decode("ascii")
    try:
        key = OKPKey.import_key(jwk)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joserfc flags the EdDSA name (RFC 9864)
            joserfc_jws.deserialize_compact(
                f"{header}.{encoded}.{sig}", key, algorithms=["EdDSA", "Ed25519"]
            )
    except (JoseError, ValueError, TypeError):
        raise Unauthenticated("The signature does not verify.", field="signature") from None
    payload = _json_object(body)
    if payload is None:
        raise ServiceError("The body is not a JSON object.", field="body")
    try:
        at = datetime.fromisoformat(str(payload.get("timestamp", "")).replace("Z", "+00:00"))
        if at.tzinfo is None:
            raise ValueError
    except ValueError:
        raise ServiceError("An ISO 8601 instant with a time zone.", field="timestamp") from None
    if abs(datetime.now(UTC) - at) > CLOCK_SKEW:
        raise ServiceError("Too far from now; check the clock.", field="timestamp")
    return payload


def _json_object(raw: bytes) -> dict | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def short_text(value, limit: int = 128) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= limit
        and bool(_PRINTABLE.match(value))
        and not any(unicodedata.category(ch) in _INVISIBLE for ch in value)
    )


def plain(text) -> str:
    """A provider's words as plain text of one short line: no control, format (bidi,
    zero-width) or line-separator characters."""
    text = "".join(ch for ch in str(text or "") if unicodedata.category(ch) not in _INVISIBLE)
    return " ".join(text.split())[:200]
