"""What the API and the pages ask for: a series (or the quality figures) for a period, from the
cache when it is there."""

from . import cache, quality
from .periods import Period
from .series import BY_NAME, Spec


class UnknownSeries(LookupError):
    """No statistic has this name (the API answers 404)."""


def spec_of(name: str) -> Spec:
    try:
        return BY_NAME[name]
    except KeyError:
        raise UnknownSeries(name) from None


def series_answer(spec: Spec, period: Period, *, fresh: bool = False) -> dict:
    """The series as the API gives it: what it counts, its columns, the period, its rows and
    when they were counted. A series over a period is counted (and kept) month by month."""
    used = period if spec.uses_period else None
    if used is None:
        rows, computed_at, _kept = cache.remembered(
            ("series", spec.name), lambda: spec.compute(period), fresh=fresh
        )
    else:
        rows, computed_at = cache.months_remembered(
            spec.name,
            [month.strftime("%Y-%m") for month in period.months()],
            lambda first, last: spec.compute(Period(first, last)),
            fresh=fresh,
        )
        if spec.finish is not None:
            rows = spec.finish(rows)
    return {
        "name": spec.name,
        "title": str(spec.title),
        "description": str(spec.description),
        "kind": spec.kind,
        "group": spec.group,
        "notes": [str(note) for note in spec.notes],
        "columns": [{"name": c.name, "label": str(c.label), "unit": c.unit} for c in spec.columns],
        "period": used.as_params() if used else None,
        "computed_at": computed_at.isoformat(),
        "rows": rows,
    }


def catalogue_quality(*, fresh: bool = False) -> dict:
    value, computed_at, _kept = cache.remembered(
        ("quality",), quality.catalogue_quality, fresh=fresh
    )
    return {**value, "computed_at": computed_at.isoformat()}


def publisher_quality(slug: str) -> dict:
    value, computed_at, _kept = cache.remembered(
        ("quality", slug), lambda: quality.publisher_quality(slug)
    )
    return {**value, "computed_at": computed_at.isoformat()}
