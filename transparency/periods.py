"""The period a statistic covers: whole months, from `from` to `to` (YYYY-MM), both included.

Bounded so that a request cannot ask for nonsense or for a statement over centuries: nothing
before MIN_MONTH, nothing more than a year ahead, at most MAX_MONTHS months.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils import timezone

MIN_MONTH = date(2000, 1, 1)
MAX_MONTHS = 120
DEFAULT_MONTHS = 12
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """The period asked for is not one we answer; the message names the parameter."""

    def __init__(self, message: str, *, param: str):
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Period:
    first: date  # the first day of the first month
    last: date  # the first day of the last month

    def months(self) -> list[date]:
        """Every month of the period, as its first day."""
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = _next(month)
        return out

    def start(self) -> datetime:
        return datetime(self.first.year, self.first.month, 1, tzinfo=UTC)

    def end(self) -> datetime:
        """The instant the period ends (exclusive): the start of the month after the last."""
        after = _next(self.last)
        return datetime(after.year, after.month, 1, tzinfo=UTC)

    def as_params(self) -> dict:
        return {"from": self.first.strftime("%Y-%m"), "to": self.last.strftime("%Y-%m")}


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _months_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def _parse(value: str, param: str) -> date:
    match = _MONTH.match(value.strip())
    if not match:
        raise PeriodError(f"{param} must be a month written YYYY-MM, e.g. 2026-04", param=param)
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise PeriodError(f"{param} names no month: {value.strip()}", param=param)
    if year < MIN_MONTH.year:
        raise PeriodError(
            f"{param} is before {MIN_MONTH:%Y-%m}: nothing was kept then", param=param
        )
    return date(year, month, 1)


def period_from(params, *, now: datetime | None = None) -> Period:
    """The period `params` (a query dict) ask for; the last DEFAULT_MONTHS months by default."""
    today = (now or timezone.now()).date()
    this_month = date(today.year, today.month, 1)
    # A parameter given is a parameter to read, even blank (the pages drop blank ones).
    last = _parse(params["to"], "to") if "to" in params else this_month
    first = (
        _parse(params["from"], "from")
        if "from" in params
        else _months_back(last, DEFAULT_MONTHS - 1)
    )
    if first > last:
        raise PeriodError("from is after to: the period is inverted", param="from")
    if first < MIN_MONTH:
        raise PeriodError(f"from is before {MIN_MONTH:%Y-%m}: nothing was kept then", param="from")
    if last > _months_back(this_month, -12):
        raise PeriodError("to is more than a year ahead", param="to")
    if len(Period(first, last).months()) > MAX_MONTHS:
        raise PeriodError(f"the period is longer than {MAX_MONTHS} months", param="from")
    return Period(first, last)
