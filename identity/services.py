"""Signing in with a one-time code: ask for a code for an e-mail address or an Indian mobile
number, then verify it. The answer to asking never says whether an account exists; the first
verified code creates the account, whose handle stays bound to the identifier.

Limits (OWASP's advice for one-time codes): 6 digits, valid OTP_TTL seconds, stored as a
keyed hash, OTP_MAX_TRIES wrong tries, one use; a new code for the same identifier only
after OTP_RESEND_SECONDS, at most OTP_PER_IDENTIFIER an hour, and at most
OTP_PER_CLIENT an hour from one client address."""

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from consent.services import citizen_create, citizen_token_for
from core.errors import ServiceError, TooManyAttempts
from core.http import client_ip

from . import models as limits
from .delivery import send_code
from .models import IdentifierKind, OneTimeCode, VerifiedIdentifier

MOBILE = re.compile(r"^(?:\+91|0091|91)?([6-9][0-9]{9})$")  # ASCII digits only
_SEPARATORS = re.compile(r"[\s().-]")
_HANDLE_PART = re.compile(r"[^a-z0-9._-]")


def naming_identifiers_of(citizen) -> Q:
    """Rows (with `identifier_kind` and `identifier_value`: a guardianship, a nomination)
    naming one of the identifiers the citizen verified."""
    named = Q(pk__in=[])
    for kind, value in VerifiedIdentifier.objects.filter(citizen=citizen).values_list(
        "kind", "value"
    ):
        named |= Q(identifier_kind=kind, identifier_value=value)
    return named


def identifier_of(text: str) -> tuple[str, str]:
    """(kind, normalised value) for an e-mail address or an Indian mobile number; a 400 naming
    `identifier` for anything else."""
    if not isinstance(text, str) or not text.strip() or len(text) > 254:
        raise ServiceError(_("Give an e-mail address or a +91 mobile number."), field="identifier")
    text = text.strip()
    if "@" in text:
        return IdentifierKind.EMAIL.value, _email(text)
    match = MOBILE.match(_SEPARATORS.sub("", text))
    if not match:
        raise ServiceError(
            _("A mobile number is 10 digits starting with 6, 7, 8 or 9, with or without +91."),
            field="identifier",
        )
    return IdentifierKind.MOBILE.value, "+91" + match.group(1)


def _email(text: str) -> str:
    """An address as the mail will go to it: NFKC, no invisible characters, the domain as
    IDNA (what Django sends to), lower case. Variants of one mailbox are one identifier."""
    text = unicodedata.normalize("NFKC", text)
    if any(unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp") for ch in text):
        raise ServiceError("This address holds invisible characters.", field="identifier")
    local, _, domain = text.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ServiceError("This is not an e-mail address.", field="identifier") from None
    address = f"{local}@{domain}".lower()
    try:
        EmailValidator()(address)
    except ValidationError:
        raise ServiceError("This is not an e-mail address.", field="identifier") from None
    return address


def _keyed(*parts: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def _lock(identifier_hash: str) -> None:
    """Serialise the changes to one identifier's codes for the transaction (PostgreSQL; SQLite
    has one writer at a time already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [identifier_hash])


def _wait(seconds: float, message: str) -> TooManyAttempts:
    seconds = max(1, int(seconds) + 1)
    return TooManyAttempts(f"{message} Try again in {seconds} seconds.", retry_after=seconds)


def _check_limits(identifier_hash: str, client_hash: str, now) -> None:
    hour = now - timedelta(hours=1)
    latest = OneTimeCode.objects.filter(identifier_hash=identifier_hash).first()
    if latest and (now - latest.created_at).total_seconds() < limits.OTP_RESEND_SECONDS:
        left = limits.OTP_RESEND_SECONDS - (now - latest.created_at).total_seconds()
        raise _wait(left, "A code was just sent.")
    recent = OneTimeCode.objects.filter(identifier_hash=identifier_hash, created_at__gte=hour)
    if recent.count() >= limits.OTP_PER_IDENTIFIER:
        oldest = recent.order_by("created_at").first().created_at
        raise _wait((oldest + timedelta(hours=1) - now).total_seconds(), "Too many codes.")
    from_client = OneTimeCode.objects.filter(client_hash=client_hash, created_at__gte=hour)
    if from_client.count() >= limits.OTP_PER_CLIENT:
        oldest = from_client.order_by("created_at").first().created_at
        raise _wait((oldest + timedelta(hours=1) - now).total_seconds(), "Too many codes.")


def otp_issue(*, identifier: str, request, language: str = "en") -> None:
    """Send a new code to the identifier (the same answer whether an account exists or not).
    Raises TooManyAttempts (429) without sending, or DeliveryFailed (503)."""
    kind, value = identifier_of(identifier)
    identifier_hash = _keyed("identifier", kind, value)
    client_hash = _keyed("client", client_ip(request))
    now = timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        _lock(identifier_hash)  # two asks at once must not both pass the limits
        _check_limits(identifier_hash, client_hash, now)
        OneTimeCode.objects.filter(identifier_hash=identifier_hash, used_at=None).update(
            superseded=True
        )
        row = OneTimeCode.objects.create(
            identifier_hash=identifier_hash,
            code_hash=_keyed("code", identifier_hash, code),
            client_hash=client_hash,
            created_at=now,
            expires_at=now + timedelta(seconds=limits.OTP_TTL),
        )
    known = VerifiedIdentifier.objects.filter(kind=kind, value=value).select_related("citizen")
    found = known.first()
    try:
        send_code(kind, value, code, language=found.citizen.language if found else language)
    except ServiceError:
        row.delete()  # not sent: it counts against no one
        raise


def _new_handle(kind: str, value: str) -> str:
    base = value.split("@")[0] if kind == IdentifierKind.EMAIL else "citizen"
    base = _HANDLE_PART.sub("", base.lower()).strip("._-")[:30] or "citizen"
    if len(base) < 2:
        base = f"{base}0"
    return (
        f"{base}-{secrets.token_hex(3)}@suchi" if kind == IdentifierKind.MOBILE else f"{base}@suchi"
    )


def _citizen_for(kind: str, value: str, language: str):
    """The citizen the identifier belongs to, created (with a fresh handle) on first use."""
    found = VerifiedIdentifier.objects.filter(kind=kind, value=value).select_related("citizen")
    if found.exists():
        return found.get().citizen, False
    for attempt in range(5):
        handle = _new_handle(kind, value)
        if attempt:
            handle = handle.replace("@suchi", f"-{secrets.token_hex(2)}@suchi")
        try:
            with transaction.atomic():
                citizen = citizen_create(
                    handle=handle, password=None, language=language, check_password=False
                )
                VerifiedIdentifier.objects.create(
                    citizen=citizen, kind=kind, value=value, verified_at=timezone.now()
                )
                return citizen, True
        except ServiceError as exc:  # the handle is taken: another
            if exc.field != "handle":
                raise
        except IntegrityError:  # the identifier was verified at the same moment
            return _citizen_for(kind, value, language)
    raise ServiceError("No free handle could be made; try again.", field="identifier")


def otp_verify(*, identifier: str, code: str, language: str = "en", new_account=None) -> dict:
    """otp_check, answered as the API's token: {access_token, token_type, expires_in, handle,
    created}."""
    citizen, created = otp_check(
        identifier=identifier, code=code, language=language, new_account=new_account
    )
    token, lifetime = citizen_token_for(citizen.user)
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "handle": citizen.handle,
        "created": created,
    }


def otp_check(*, identifier: str, code: str, language: str = "en", new_account=None):
    """Check the latest code sent to the identifier: (citizen, created). A wrong, used,
    expired or superseded code, or one sent to another identifier, is refused; the
    OTP_MAX_TRIES-th wrong try locks the code. The first good code creates the account, and
    `new_account(citizen)` then records what is declared at sign-up (identity.guardians); if
    it refuses, nothing is created and the code stays valid."""
    kind, value = identifier_of(identifier)
    if not isinstance(code, str) or not re.fullmatch(r"\d{6}", code.strip()):
        raise ServiceError("The code is 6 digits.", field="code")
    identifier_hash = _keyed("identifier", kind, value)
    now = timezone.now()
    refused = ""
    with transaction.atomic():  # a wrong try is counted even though the answer is an error
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(identifier_hash=identifier_hash, used_at=None, superseded=False)
            .first()
        )
        if row is None or row.expires_at <= now:
            refused = "No valid code for this identifier: ask for a new one."
        elif row.tries >= limits.OTP_MAX_TRIES:
            refused = "Too many wrong tries: ask for a new code."
        elif not constant_time_compare(
            row.code_hash, _keyed("code", identifier_hash, code.strip())
        ):
            row.tries += 1
            row.save(update_fields=["tries"])
            left = limits.OTP_MAX_TRIES - row.tries
            refused = (
                f"Wrong code; {left} tries left." if left else "Wrong code: ask for a new one."
            )
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            OneTimeCode.objects.filter(identifier_hash=identifier_hash, used_at=None).update(
                superseded=True
            )
            citizen, created = _citizen_for(kind, value, language)
            if created and new_account is not None:
                new_account(citizen)
    if refused:
        raise ServiceError(refused, field="code")
    return citizen, created
