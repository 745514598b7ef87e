"""API tokens: issue (secret shown once), authenticate (constant-time), revoke."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.errors import ServiceError

from ..models import ApiToken, Institution
from ..rawsql import column_loader, model_from_row
from ..scopes import SCOPES

TOKEN_PREFIX = "suchi"
# last_used_at is a hint for operators, not an audit log: write it at most this often.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole bearer value; shown once, never stored


def _hash_secret(salt: str, secret: str) -> str:
    # Secrets are 256 random bits, so a keyed SHA-256 is enough; a slow password hash would
    # cost every API request tens of milliseconds for no gain.
    return hmac.new(salt.encode(), secret.encode(), hashlib.sha256).hexdigest()


def token_issue(
    *,
    institution: Institution,
    name: str,
    scopes: list[str],
    expires_in: timedelta | None = None,
    created_by=None,
) -> IssuedToken:
    """Create a token for an institution and return it with its one-time clear value."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ServiceError(f"Unknown scope(s): {', '.join(unknown)}", field="scopes")
    if not scopes:
        raise ServiceError("A token needs at least one scope.", field="scopes")
    if not name.strip():
        raise ServiceError("A token needs a name.", field="name")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    token = ApiToken.objects.create(
        institution=institution,
        name=name.strip(),
        prefix=prefix,
        salt=salt,
        secret_hash=_hash_secret(salt, secret),
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + expires_in if expires_in else None,
        created_by=created_by,
    )
    return IssuedToken(token=token, secret=f"{TOKEN_PREFIX}_{prefix}_{secret}")


class TokenInvalid(Exception):
    """The bearer value is not a usable token; the message says why, without echoing it."""


@lru_cache(maxsize=4)
def _token_sql(vendor: str) -> tuple[str, int]:
    """The token lookup's statement and where the institution's columns start."""
    token_fields = ApiToken._meta.concrete_fields
    institution_fields = Institution._meta.concrete_fields
    columns = ", ".join(
        [f't."{f.column}"' for f in token_fields] + [f'i."{f.column}"' for f in institution_fields]
    )
    # Table and column names come from the models; the prefix is a query parameter.
    sql = (
        f"SELECT {columns} FROM {ApiToken._meta.db_table} t "  # noqa: S608
        f"JOIN {Institution._meta.db_table} i ON i.id = t.institution_id WHERE t.prefix = %s"
    )
    return sql, len(token_fields)


def _token_with_institution(prefix: str) -> ApiToken | None:
    """The token with this prefix and its institution, in one statement.

    This runs on every authenticated request, so it is written out as SQL: the equivalent ORM
    query spends more time being compiled than PostgreSQL spends answering it.
    """
    sql, split = _token_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    token = model_from_row(ApiToken, row[:split])
    token.institution = model_from_row(Institution, row[split:])
    return token


def _refusal(revoked_at, expires_at, verification_status: str, now: datetime) -> str | None:
    """Why a token whose secret matched may not be used now, or None: its one set of rules,
    for the full check and the status check's one statement alike."""
    if revoked_at is not None:
        return "Token has been revoked."
    if expires_at is not None and expires_at <= now:
        return "Token has expired."
    if verification_status == Institution.Verification.SUSPENDED:
        return "The token's institution is suspended."
    return None


def _last_use_due(last_used_at, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at > LAST_USED_RESOLUTION


def token_authenticate(bearer: str, *, now: datetime | None = None) -> ApiToken:
    """Return the live token a bearer value stands for, or raise TokenInvalid."""
    parts = bearer.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        raise TokenInvalid(
            "Malformed token: this endpoint takes an institution API token "
            f"({TOKEN_PREFIX}_<prefix>_<secret>)."
        )
    _, prefix, secret = parts
    token = _token_with_institution(prefix)
    # Hash and compare even when the prefix is unknown so timing does not reveal which
    # prefixes exist.
    expected = token.secret_hash if token else "0" * 64
    actual = _hash_secret(token.salt if token else "x", secret)
    if not hmac.compare_digest(expected, actual) or token is None:
        raise TokenInvalid("Invalid token.")
    now = now or timezone.now()
    refusal = _refusal(
        token.revoked_at, token.expires_at, token.institution.verification_status, now
    )
    if refusal:
        raise TokenInvalid(refusal)
    if _last_use_due(token.last_used_at, now):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@lru_cache(maxsize=16)
def _party_row_sql(model, columns: tuple[str, ...], vendor: str) -> str:
    picked = ", ".join(f'r."{model._meta.get_field(name).column}"' for name in columns)
    # Table and column names come from the models; the prefix and the id are parameters.
    return (
        "SELECT t.salt, t.secret_hash, t.scopes, t.revoked_at, t.expires_at, t.last_used_at, "  # noqa: S608
        f"i.verification_status, r.id IS NOT NULL, {picked} "
        f"FROM {ApiToken._meta.db_table} t "
        f"JOIN {Institution._meta.db_table} i ON i.id = t.institution_id "
        f"LEFT JOIN {model._meta.db_table} r ON r.id = %s "
        "AND (r.provider_id = i.id OR r.consumer_id = i.id) WHERE t.prefix = %s"
    )


def token_and_party_row(
    bearer: str, *, scopes: frozenset[str], model, columns: tuple[str, ...], pk
) -> dict | None:
    """The check before every release, in one statement: a live token holding one of `scopes`
    and `columns` of the `model` row `pk` that the token's institution is provider or consumer
    of. None whenever the answer is anything else (a malformed, unknown, revoked or expired
    token, a suspended institution, a missing scope, no such row) or the token's last use is due
    to be written: the caller then takes the full path, which gives the precise answer."""
    parts = bearer.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    try:
        row_id = model._meta.pk.get_db_prep_value(model._meta.pk.to_python(pk), connection)
    except (ValidationError, ValueError, TypeError):  # the full path says what is wrong
        return None
    with connection.cursor() as cursor:
        cursor.execute(_party_row_sql(model, columns, connection.vendor), [row_id, parts[1]])
        row = cursor.fetchone()
    expected = row[1] if row else "0" * 64
    actual = _hash_secret(row[0] if row else "x", parts[2])
    if not hmac.compare_digest(expected, actual) or row is None:
        return None
    held = column_loader(ApiToken, "scopes")(row[2])
    revoked_at, expires_at, last_used_at = (
        column_loader(ApiToken, name)(value)
        for name, value in zip(("revoked_at", "expires_at", "last_used_at"), row[3:6], strict=True)
    )
    now = timezone.now()
    if (
        _refusal(revoked_at, expires_at, row[6], now)
        or scopes.isdisjoint(held)
        or not row[7]
        or _last_use_due(last_used_at, now)
    ):
        return None
    return {
        name: column_loader(model, name)(value)
        for name, value in zip(columns, row[8:], strict=True)
    }


def token_revoke(*, token: ApiToken) -> bool:
    """Revoke a token; True if this call revoked it, False if it already was."""
    with transaction.atomic():
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    token.refresh_from_db(fields=["revoked_at"])
    return changed == 1
