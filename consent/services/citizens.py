"""Citizens: accounts with a handle, and the short-lived bearer tokens their apps use."""

import hashlib
import re

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.errors import Conflict, ServiceError, TooManyAttempts
from core.lockout import signin_begin, signin_failed, signin_succeeded

from ..models import CitizenProfile

HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,40}@[a-z0-9][a-z0-9.-]{0,20}$")
LANGUAGES = {"en", "hi"}
CITIZEN_TOKEN_PREFIX = "cit_"
_TOKEN_SALT = "suchi.citizen-token"


def citizen_create(
    *, handle: str, password: str, language: str = "en", name: str = "", check_password=True
) -> CitizenProfile:
    """Create a citizen account. The handle is the citizen's only identifier in Suchi."""
    handle = handle.strip().lower()
    if not HANDLE_RE.match(handle):
        raise ServiceError(
            "A handle looks like `name@suchi`: lower-case letters, digits, `.`, `_` or `-`.",
            field="handle",
        )
    if language not in LANGUAGES:
        raise ServiceError(
            f"Unknown language {language!r}; use one of {', '.join(sorted(LANGUAGES))}.",
            field="language",
        )
    User = get_user_model()
    if check_password:
        try:
            validate_password(password, User(username=handle))
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), field="password") from None
    first, _, last = name.strip().partition(" ")
    try:
        with transaction.atomic():
            user = User(username=handle, first_name=first[:150], last_name=last[:150])
            user.set_password(password)
            user.save()
            return CitizenProfile.objects.create(user=user, handle=handle, language=language)
    except IntegrityError:
        raise Conflict(f"The handle {handle!r} is taken.", field="handle") from None


def citizen_set_language(*, citizen: CitizenProfile, language: str) -> None:
    if language not in LANGUAGES:
        raise ServiceError(f"Unknown language {language!r}.", field="language")
    CitizenProfile.objects.filter(pk=citizen.pk).update(language=language)
    citizen.language = language


def _password_fingerprint(user) -> str:
    # Tokens die with a password change: they carry a digest of the stored password hash.
    return hashlib.sha256(user.password.encode()).hexdigest()[:16]


def citizen_token_issue(*, handle: str, password: str, request) -> tuple[str, int]:
    """Exchange a handle and password for a short-lived bearer token: (token, lifetime s).

    Under the same wrong-password policy as every other sign-in (core.lockout)."""
    handle = handle.strip().lower()
    wait = signin_begin(request, handle)
    if wait:
        raise TooManyAttempts(
            f"Too many wrong passwords. Try again in {wait} seconds.", retry_after=wait
        )
    user = authenticate(request, username=handle, password=password)
    if user is None or not hasattr(user, "citizen"):
        signin_failed(request, handle)
        raise ServiceError("Unknown handle or wrong password.", field="password")
    signin_succeeded(request, handle)
    return citizen_token_for(user)


def citizen_token_for(user) -> tuple[str, int]:
    """A short-lived bearer token for a citizen who has just proved who they are (a password,
    or a one-time code sent to a verified address): (token, lifetime s)."""
    value = signing.dumps(
        {"u": user.pk, "p": _password_fingerprint(user)}, salt=_TOKEN_SALT, compress=False
    )
    return CITIZEN_TOKEN_PREFIX + value, settings.SUCHI_CITIZEN_TOKEN_TTL


def citizen_token_authenticate(value: str):
    """The user a citizen token stands for, or None if it is invalid, expired or stale."""
    if not value.startswith(CITIZEN_TOKEN_PREFIX):
        return None
    try:
        claims = signing.loads(
            value.removeprefix(CITIZEN_TOKEN_PREFIX),
            salt=_TOKEN_SALT,
            max_age=settings.SUCHI_CITIZEN_TOKEN_TTL,
        )
    except signing.BadSignature:
        return None
    User = get_user_model()
    user = User.objects.select_related("citizen").filter(pk=claims.get("u")).first()
    if user is None or not user.is_active or not hasattr(user, "citizen"):
        return None
    if claims.get("p") != _password_fingerprint(user):
        return None
    return user
