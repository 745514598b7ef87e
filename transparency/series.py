"""The public statistics, each a named series: what it counts, its columns, and how it is
computed from the database. Read-only; every number is a count or a median of stored rows, so a
test can recount it.

Three kinds: `monthly` (one row a month of the period, zeros included), `categories` (one row
per value, largest first) and `table` (rows as they are). The catalogue's breakdowns come from
the search's own counts (catalog.search.summarize: maintained counters on PostgreSQL), so they
agree with the search page's facets and stay cheap at a million datasets.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from catalog import labels
from catalog.search import DatasetQuery, search_datasets, summarize
from registry import vocabularies
from registry.models import Dataset

from . import activity
from .periods import Period

TOP = 20  # categories shown before the rest are summed as "others"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    unit: str = "count"  # or "hours", "days", "text", "month", "date"


@dataclass(frozen=True)
class Spec:
    name: str
    title: str
    description: str
    kind: str  # monthly | categories | table
    columns: tuple[Column, ...]
    compute: Callable[[Period], list[dict]]
    group: str
    uses_period: bool = True
    notes: tuple[str, ...] = field(default=())
    # For a series over a period not shown month by month: its monthly rows made into the
    # rows shown (compute gives one row a month, so that months can be kept one by one).
    finish: Callable[[list[dict]], list[dict]] | None = None


def month_key(value) -> str:
    return value.strftime("%Y-%m")


def monthly_rows(period: Period, counted: dict[str, dict], names: tuple[str, ...]) -> list[dict]:
    """One row a month of the period, each name's value or 0 (None for a median)."""
    return [
        {"month": month_key(m), **{n: counted.get(month_key(m), {}).get(n, 0) for n in names}}
        for m in period.months()
    ]


def _published(period: Period) -> list[dict]:
    """Datasets in the catalogue by the month they were first published, and the running total."""
    public = Dataset.objects.filter(status=Dataset.Status.PUBLISHED)
    before = public.filter(published_at__lt=period.start()).count()
    counted = {
        month_key(row["month"]): {"published": row["n"]}
        for row in public.filter(published_at__gte=period.start(), published_at__lt=period.end())
        .annotate(month=TruncMonth("published_at", tzinfo=UTC))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = monthly_rows(period, counted, ("published",))
    for row in rows:
        before += row["published"]
        row["total"] = before
    return rows


def _catalogue_counts() -> tuple[int, dict[str, list[dict]]]:
    query = DatasetQuery()
    summary = summarize(search_datasets(query), query, limit=TOP)
    return summary.count, summary.facets


def _label(facet: str, value: str, label: str) -> str:
    if facet == "theme":
        return vocabularies.display_name(vocabularies.themes().get(value), value)
    if facet == "access":
        return str(labels.ACCESS.get(value, value))
    return label


def _breakdown(facet: str, *, single_valued: bool) -> Callable[[Period], list[dict]]:
    def compute(period: Period) -> list[dict]:
        total, facets = _catalogue_counts()
        rows = [
            {"value": item["value"], "label": _label(facet, item["value"], item["label"]),
             "datasets": item["count"]}
            for item in facets[facet]
        ]  # fmt: skip
        rest = total - sum(row["datasets"] for row in rows)
        if single_valued and rest > 0:
            rows.append({"value": "", "label": str(_("Others or none")), "datasets": rest})
        return rows

    return compute


def _link_checks(period: Period) -> list[dict]:
    """Published datasets by the outcome of their last link check."""
    names = {"ok": _("Last check passed"), "failing": _("Last check failing"),
             "unknown": _("Not checked yet")}  # fmt: skip
    counted = dict(
        Dataset.objects.filter(status=Dataset.Status.PUBLISHED)
        .values_list("check_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {"value": code, "label": str(label), "datasets": counted.get(code, 0)}
        for code, label in names.items()
    ]


_MONTH = Column("month", _("Month"), "month")
_CATEGORY = (Column("value", _("Code"), "text"), Column("label", _("Name"), "text"))
_DATASETS = Column("datasets", _("Datasets"))
CATALOGUE, VALIDATION, HARVEST, CONSENT, EXCHANGE, RIGHTS = (
    "catalogue", "validation", "harvest", "consent", "exchange", "rights",
)  # fmt: skip
GROUPS = {
    CATALOGUE: _("The catalogue"),
    VALIDATION: _("Validation health"),
    HARVEST: _("Harvest sources"),
    CONSENT: _("Consent"),
    EXCHANGE: _("Data-use agreements"),
    RIGHTS: _("Grievances and data rights"),
}


def _categories(name, title, description, facet, *, single_valued=True) -> Spec:
    return Spec(
        name, title, description, "categories", (*_CATEGORY, _DATASETS),
        _breakdown(facet, single_valued=single_valued), CATALOGUE, uses_period=False,
        notes=() if single_valued else (_("A dataset may count under several."),),
    )  # fmt: skip


SPECS = (
    Spec(
        "datasets-published",
        _("Datasets published"),
        _(
            "Datasets in the catalogue now, by the month they were first published, with the "
            "running total (a withdrawn dataset is no longer counted)."
        ),
        "monthly",
        (
            _MONTH,
            Column("published", _("Published that month")),
            Column("total", _("In the catalogue by then")),
        ),
        _published,
        CATALOGUE,
    ),
    _categories(
        "datasets-by-institution",
        _("Datasets by institution"),
        _("Published datasets of the 20 largest publishers."),
        "institution",
    ),
    _categories(
        "datasets-by-theme",
        _("Datasets by theme"),
        _("Published datasets by sector."),
        "theme",
        single_valued=False,
    ),
    _categories(
        "datasets-by-licence",
        _("Datasets by licence"),
        _("Published datasets by the licence they are offered under."),
        "license",
    ),
    _categories(
        "datasets-by-format",
        _("Datasets by file format"),
        _("Published datasets offering each format."),
        "format",
        single_valued=False,
    ),
    _categories(
        "datasets-by-access",
        _("Datasets by access"),
        _("Open to all, restricted to agreements, or per citizen under consent."),
        "access",
    ),
    Spec(
        "link-checks",
        _("Checks of published datasets"),
        _(
            "Published datasets by the outcome of their last check: their sources are fetched "
            "again on a schedule, and a source that stops answering fails it."
        ),
        "categories",
        (*_CATEGORY, _DATASETS),
        _link_checks,
        VALIDATION,
        uses_period=False,
    ),
    Spec(
        "rejections",
        _("Submissions rejected, by reason"),
        _("Submissions whose validation failed in the period, by the check that failed them."),
        "categories",
        (*_CATEGORY, Column("runs", _("Runs rejected"))),
        activity.rejections,
        VALIDATION,
        finish=activity.rejections_by_check,
    ),
    Spec(
        "harvest-sources",
        _("Harvest sources and their last runs"),
        _("The catalogues institutions import from, and how their last run went."),
        "table",
        (
            Column("source", _("Source"), "text"),
            Column("institution", _("Institution"), "text"),
            Column("kind", _("Kind"), "text"),
            Column("frequency", _("Runs"), "text"),
            Column("last_run", _("Last run"), "date"),
            Column("status", _("Outcome"), "text"),
            Column("added", _("Added")),
            Column("updated", _("Updated")),
            Column("withdrawn", _("Withdrawn")),
            Column("failed", _("Failed")),
        ),
        activity.harvest_sources,
        HARVEST,
        uses_period=False,
    ),
    Spec(
        "consent-by-month",
        _("Consent requests and responses"),
        _(
            "Requests, grants, denials, revocations and expiries each month, and the median "
            "time citizens took to respond."
        ),
        "monthly",
        (
            _MONTH,
            Column("requests", _("Requests")),
            Column("grants", _("Grants")),
            Column("denials", _("Denials")),
            Column("revocations", _("Revocations")),
            Column("expiries", _("Expiries")),
            Column("median_response_hours", _("Median time to respond (hours)"), "hours"),
        ),
        activity.consent,
        CONSENT,
    ),
    Spec(
        "agreements-by-month",
        _("Access requests and data-use agreements"),
        _("Requests for restricted datasets and what became of them, each month."),
        "monthly",
        (
            _MONTH,
            Column("requests", _("Requests")),
            Column("approvals", _("Approved")),
            Column("rejections", _("Rejected")),
            Column("suspensions", _("Suspended")),
            Column("revocations", _("Revoked")),
            Column("expiries", _("Expired")),
        ),
        activity.agreements,
        EXCHANGE,
    ),
    Spec(
        "grievances-by-month",
        _("Grievances and data-rights requests"),
        _("Filed and resolved each month, and the median days from filing to the first answer."),
        "monthly",
        (
            _MONTH,
            Column("filed", _("Filed")),
            Column("resolved", _("Resolved")),
            Column("median_answer_days", _("Median days to answer"), "days"),
        ),
        activity.grievances,
        RIGHTS,
    ),
)
BY_NAME = {spec.name: spec for spec in SPECS}
