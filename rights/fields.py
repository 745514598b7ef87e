"""What the rights services share: reference numbers people can read aloud, and required
text checked field by field."""

import secrets
from datetime import datetime

from core.errors import ServiceError

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on a helpline


def reference_number(prefix: str, now: datetime) -> str:
    """`<prefix>-<year>-` and eight characters of _ALPHABET (about 40 bits)."""
    return f"{prefix}-{now:%Y}-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def required_text(value, field: str, limit: int) -> str:
    """The text, stripped; a 400 naming `field` if it is blank, not text, or too long."""
    if not isinstance(value, str) or not value.strip():
        raise ServiceError("This field may not be blank.", field=field)
    if len(value) > limit:
        raise ServiceError(f"At most {limit} characters.", field=field)
    return value.strip()
