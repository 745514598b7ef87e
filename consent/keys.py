"""Suchi's signing keys: Ed25519, private half in a PEM file, public halves in the database.

Artefacts and webhook bodies are signed as JWS with `alg: EdDSA` and the key's RFC 7638
thumbprint as `kid`. The private key is read from SUCHI_SIGNING_KEY_FILE (generated there on
first use only when DEBUG is on). `rotate_signing_key` writes a new key to that file and retires
the old public key, which stays in the JWKS for a grace period and while artefacts signed with
it are still live, so nothing already issued stops verifying.

Note: RFC 9864 (2025) deprecates the polymorphic `EdDSA` name in favour of `Ed25519`. Suchi
signs with `EdDSA`, which every JOSE library verifies today; the verifier accepts both.
"""

import base64
import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import ConsentArtefact, SigningKey

ALG = "EdDSA"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(private_key: Ed25519PrivateKey) -> dict:
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


def thumbprint(jwk: dict) -> str:
    """RFC 7638: sha256 over the required members, sorted, no whitespace."""
    required = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True).encode()
    return b64url(hashlib.sha256(canonical).digest())


@dataclass(frozen=True)
class LoadedKey:
    kid: str
    private_key: Ed25519PrivateKey
    jwk: dict
    mtime_ns: int


_lock = threading.Lock()
_cache: dict[str, LoadedKey] = {}


def key_file() -> Path:
    return Path(settings.SUCHI_SIGNING_KEY_FILE)


def _write_new_key(path: Path) -> None:
    """Write a fresh private key to `path` atomically, readable by the owner only."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def current_key() -> LoadedKey:
    """The key to sign with now. Re-read when the file changes (after a rotation)."""
    path = key_file()
    try:
        mtime_ns = path.stat().st_mtime_ns
    except FileNotFoundError:
        if not settings.DEBUG:
            raise ImproperlyConfigured(
                f"SUCHI_SIGNING_KEY_FILE ({path}) does not exist. Create one with "
                "`manage.py rotate_signing_key` (production keys are never generated implicitly)."
            ) from None
        with _lock:
            if not path.exists():
                _write_new_key(path)
        mtime_ns = path.stat().st_mtime_ns
    cached = _cache.get(str(path))
    if cached and cached.mtime_ns == mtime_ns:
        return cached
    with _lock:
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"{path} does not hold an Ed25519 private key.")
        jwk = public_jwk(private_key)
        loaded = LoadedKey(kid=thumbprint(jwk), private_key=private_key, jwk=jwk, mtime_ns=mtime_ns)
        _register(loaded)
        _cache[str(path)] = loaded
        return loaded


def key_publish(kid: str) -> None:
    """Make sure the key that just signed an artefact is in the JWKS (one cheap query; called
    when an artefact is issued, so a key is never used without being published)."""
    loaded = current_key()
    if loaded.kid == kid:
        _register(loaded)


def _register(loaded: LoadedKey) -> None:
    """Publish the key's public half (idempotent). A key seen for the first time replaces the
    active one: whoever put a new key in the file (rotate_signing_key, or an operator) meant it
    to be the signing key from now on."""
    published = {**loaded.jwk, "kid": loaded.kid, "alg": ALG, "use": "sig"}
    with transaction.atomic():
        _, created = SigningKey.objects.get_or_create(
            kid=loaded.kid, defaults={"public_jwk": published}
        )
        if created:
            SigningKey.objects.filter(retired_at__isnull=True).exclude(kid=loaded.kid).update(
                retired_at=timezone.now()
            )


def sign_compact(payload: bytes, *, typ: str) -> tuple[str, str]:
    """Sign `payload` as a compact JWS. Returns (jws, kid)."""
    key = current_key()
    header = json.dumps(
        {"alg": ALG, "kid": key.kid, "typ": typ}, separators=(",", ":"), sort_keys=True
    )
    signing_input = f"{b64url(header.encode())}.{b64url(payload)}"
    signature = key.private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}", key.kid


def sign_detached(payload: bytes, *, typ: str) -> str:
    """A detached compact JWS (RFC 7515 appendix F): `header..signature`."""
    token, _ = sign_compact(payload, typ=typ)
    header, _, signature = token.split(".")
    return f"{header}..{signature}"


def jwks() -> dict:
    """Active keys, and retired ones still needed: within the grace period, or while an
    artefact signed with them is live."""
    _register(current_key())  # cheap, and survives a database restored without the row
    grace = timezone.now() - timedelta(days=settings.SUCHI_SIGNING_KEY_GRACE_DAYS)
    live_kids = ConsentArtefact.objects.filter(status__in=ConsentArtefact.LIVE).values("kid")
    keys = SigningKey.objects.filter(
        Q(retired_at__isnull=True) | Q(retired_at__gte=grace) | Q(kid__in=live_kids)
    ).order_by("-created_at")
    return {"keys": [key.public_jwk for key in keys]}


def signing_key_rotate() -> tuple[str | None, str]:
    """Write a new private key to the key file and retire the old public key.

    Returns (old kid or None, new kid). The old key stays published (see `jwks`).
    """
    path = key_file()
    old_kid = None
    if path.exists():
        old_kid = current_key().kid
    _write_new_key(path)
    _cache.pop(str(path), None)
    return old_kid, current_key().kid
