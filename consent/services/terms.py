"""The terms of a consent request (access mode, data range, fetch type and frequency, data
life, expiry), checked field by field before anything is written."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from core.errors import ServiceError

from ..models import UNITS, ConsentRequest

MAX_CONSENT_YEARS = 5


@dataclass(frozen=True)
class Period:
    unit: str
    value: int

    def as_dict(self) -> dict:
        return {"unit": self.unit, "value": self.value}


def period_after(start: datetime, unit: str, value: int) -> datetime:
    """`start` plus `value` `unit`s; months and years by the calendar (31 January plus a month
    is the last day of February)."""
    if unit in ("hour", "day", "week"):
        return start + timedelta(**{f"{unit}s": value})
    months = value * (12 if unit == "year" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def period_checked(value: Period | None, field: str, *, required: bool) -> Period | None:
    if value is None:
        if required:
            raise ServiceError("This field is required.", field=field)
        return None
    if value.unit not in UNITS:
        raise ServiceError(
            f"Unknown unit {value.unit!r}; use one of {', '.join(UNITS)}.", field=f"{field}.unit"
        )
    if not 1 <= value.value <= 1000:
        raise ServiceError("Must be between 1 and 1000.", field=f"{field}.value")
    return value


def check_terms(
    *,
    access_mode: str,
    data_from: date,
    data_to: date,
    fetch_type: str,
    frequency: Period | None,
    data_life: Period,
    expires_at: datetime,
    now: datetime,
) -> tuple[Period | None, Period]:
    """The request's terms, checked field by field; returns (frequency, data life) cleaned."""
    if access_mode not in ConsentRequest.AccessMode.values:
        raise ServiceError(
            f"Unknown access mode {access_mode!r}; use one of "
            f"{', '.join(ConsentRequest.AccessMode.values)}.",
            field="access_mode",
        )
    if data_from > data_to:
        raise ServiceError("`from` must not be after `to`.", field="data_range.from")
    if fetch_type not in ConsentRequest.FetchType.values:
        raise ServiceError(
            f"Unknown fetch type {fetch_type!r}; use onetime or periodic.", field="fetch_type"
        )
    frequency = period_checked(frequency, "frequency", required=fetch_type == "periodic")
    if fetch_type == "onetime" and frequency is not None:
        raise ServiceError("A one-time fetch has no frequency.", field="frequency")
    data_life = period_checked(data_life, "data_life", required=True)
    if expires_at <= now:
        raise ServiceError(_("Must be in the future."), field="expires_at")
    if expires_at > now + timedelta(days=365 * MAX_CONSENT_YEARS):
        raise ServiceError(
            f"Consent may last at most {MAX_CONSENT_YEARS} years.", field="expires_at"
        )
    return frequency, data_life
