"""Declared dates of birth (DPDP Act 2023 s.9: a child is under 18)."""

from datetime import date, datetime

from django.utils import timezone

from core.errors import ServiceError


def birth_date_checked(value, field: str = "birth_date") -> date:
    """A declared date of birth: a real date, not in the future, at most 130 years ago."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ServiceError("Give your date of birth as YYYY-MM-DD.", field=field)
    today = timezone.localdate()
    if value > today or value.year < today.year - 130:
        raise ServiceError("This is not a possible date of birth.", field=field)
    return value
