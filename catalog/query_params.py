"""Reading a catalogue search from query parameters, shared by the REST API and the HTML pages
so that both accept exactly the same filters and refuse the same bad input."""

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from registry import vocabularies

from .search import DatasetQuery, SearchError

# Filters that take one value or several (repeated, or comma-separated).
LIST_PARAMS = (
    "institution",
    "theme",
    "license",
    "format",
    "access",
    "keyword",
    "state",
    "ml_ready",
)
# How each sort orders rows for cursor pagination (ties broken by id).
ORDERINGS = {
    "relevance": ("-rank", "id"),
    "-modified": ("-modified_at", "id"),
    "title": ("title", "id"),
}


def refuse_nul(params) -> None:
    """PostgreSQL text cannot hold NUL: refuse it in any parameter, naming the parameter."""
    for name, values in params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise SearchError("Contains a NUL character.", param=name.replace("\x00", ""))


def boolean(params, name: str) -> bool | None:
    """`true`/`false` (or 1/0) as OpenAPI's boolean query parameters send them; None if absent."""
    raw = params.get(name)
    if raw is None:
        return None
    value = {"true": True, "1": True, "false": False, "0": False}.get(raw.strip().lower())
    if value is None:
        raise SearchError("Use true or false.", param=name)
    return value


def list_values(params, name: str) -> list[str]:
    return [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]


def parse_moment(text: str, *, dates: bool = True) -> datetime | None:
    """An ISO 8601 date-time (with `dates`, also a date: its midnight) as an aware datetime in
    UTC, a naive one read as UTC. None when the text is no such thing, or names a moment the
    database cannot store: it stores UTC, and 9999-12-31T23:00-05:00 is in the year 10000 there."""
    try:
        moment = parse_datetime(text) or (
            dates and parse_date(text) and parse_datetime(f"{text}T00:00:00")
        )
        if not moment:
            return None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # 2026-02-30, an offset of +99:00, the year 10000
        return None


def dataset_query_from(params) -> DatasetQuery:
    """A DatasetQuery from a QueryDict. Raises SearchError naming the offending parameter."""
    refuse_nul(params)
    query = DatasetQuery(q=params.get("q", "").strip(), sort=params.get("sort", ""))
    if "sort" in params and not query.sort:  # `sort=` names no order; leave it out for the default
        raise SearchError(f"Use one of {', '.join(ORDERINGS)}.", param="sort")
    for name in LIST_PARAMS:
        setattr(query, name, list_values(params, name))
    # Codes as Suchi spells them, however a client does (the CKAN API says `heal`, SPDX
    # `cc-by-4.0` in its lists): a filter in another case found nothing, and said nothing.
    query.theme = [value.upper() for value in query.theme]
    query.state = [value.upper() for value in query.state]
    query.license = [vocabularies.licence_canonical_id(v) or v for v in query.license]
    query.access = [value.lower() for value in query.access]
    query.ml_ready = [value.lower() for value in query.ml_ready]
    if set(query.ml_ready) - {"true", "false"}:
        raise SearchError("Use true or false.", param="ml_ready")
    if since := params.get("modified_since"):
        query.modified_since = parse_moment(since)
        if not query.modified_since:
            raise SearchError("Use an ISO 8601 date or date-time.", param="modified_since")
    return query
