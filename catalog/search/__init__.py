"""Dataset search: one interface, two backends chosen by database vendor.

PostgreSQL: the generated, weighted `search_vector` column (GIN index), `websearch_to_tsquery`
and `ts_rank_cd`. SQLite: an FTS5 table kept by triggers, queried with a safely built MATCH
expression and ranked by bm25. Filters and facets work the same on both; the few statements that
differ (JSON array membership, text match) live in the backend classes.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, router
from django.db.models import Exists, FloatField, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from registry import vocabularies
from registry.models import Dataset, Distribution
from registry.selectors import datasets_published

from . import postgres
from .facets import FACETS
from .sqlite import fts5_query

MAX_QUERY_LENGTH = 500
_WORD = re.compile(r"\w", re.UNICODE)
SORTS = ("relevance", "-modified", "title")


class SearchError(ValueError):
    """The search request cannot be run; the message names the parameter."""

    def __init__(self, message: str, *, param: str):
        super().__init__(message)
        self.param = param


@dataclass
class DatasetQuery:
    q: str = ""
    institution: list[str] = field(default_factory=list)
    theme: list[str] = field(default_factory=list)
    license: list[str] = field(default_factory=list)
    format: list[str] = field(default_factory=list)
    access: list[str] = field(default_factory=list)
    keyword: list[str] = field(default_factory=list)
    state: list[str] = field(default_factory=list)
    ml_ready: list[str] = field(default_factory=list)  # "true" and/or "false"
    modified_since: object = None
    sort: str = ""

    def effective_sort(self) -> str:
        """Relevance when there are words; without words it orders nothing, so newest first."""
        if self.q.strip():
            return self.sort or "relevance"
        return "-modified" if self.sort in ("", "relevance") else self.sort

    def is_unfiltered(self) -> bool:
        """The whole published catalogue: no words, no filters."""
        lists = (
            self.institution,
            self.theme,
            self.license,
            self.format,
            self.access,
            self.ml_ready,
        )
        return not (
            self.q.strip() or any(lists) or self.keyword or self.state or self.modified_since
        )


class _Backend(Protocol):
    """What differs between the two databases: the text match and JSON array membership."""

    def match(self, qs: QuerySet, q: str) -> QuerySet: ...

    def json_contains(self, qs: QuerySet, column: str, value: str, path: str = "") -> QuerySet: ...

    def json_values_grouped(self, facet: str, column: str) -> str: ...

    def published_keywords(self) -> list[str]: ...


class _Postgres:
    def match(self, qs, q):
        tsquery = "websearch_to_tsquery('suchi', %s)"
        return qs.extra(
            where=[f"registry_dataset.search_vector @@ {tsquery}"], params=[q]
        ).annotate(rank=RawSQL(f"ts_rank_cd(registry_dataset.search_vector, {tsquery})", (q,)))

    def json_contains(self, qs, column, value, path=""):
        target = f"registry_dataset.{column}" + (f" -> '{path}'" if path else "")
        return qs.extra(where=[f"{target} @> %s::jsonb"], params=[json.dumps([value])])

    def json_values_grouped(self, facet, column):
        return (
            f"SELECT '{facet}', v, NULL, count(*) FROM matched "
            f"CROSS JOIN LATERAL jsonb_array_elements_text(matched.{column}) v GROUP BY v"
        )

    def published_keywords(self):
        return _distinct_values(
            "SELECT DISTINCT k FROM registry_dataset d "
            "CROSS JOIN LATERAL jsonb_array_elements_text(d.keywords) k WHERE d.status = %s"
        )


class _SQLite:
    def match(self, qs, q):
        query = fts5_query(q)
        rows = "SELECT rowid FROM registry_dataset_fts WHERE registry_dataset_fts MATCH %s"
        conditions, params = [], []
        if query.expression:
            conditions.append(f"registry_dataset.rowid IN ({rows})")
            params.append(query.expression)
        for excluded in query.excluded:
            conditions.append(f"registry_dataset.rowid NOT IN ({rows})")
            params.append(excluded)
        if not conditions:  # only `or`s, dashes or punctuation: nothing to find
            conditions = ["1 = 0"]
        rank = RawSQL("0", (), FloatField())
        if query.expression:
            # bm25 is lower (negative) for better matches; negate so that higher is better on
            # both backends. Rows found only by lacking a -word rank last.
            rank = RawSQL(
                "coalesce((SELECT -bm25(registry_dataset_fts, 10.0, 5.0, 1.0) "
                "FROM registry_dataset_fts WHERE registry_dataset_fts MATCH %s "
                "AND rowid = registry_dataset.rowid), 0)",
                (query.expression,),
                FloatField(),
            )
        return qs.extra(where=[" OR ".join(conditions)], params=params).annotate(rank=rank)

    def json_contains(self, qs, column, value, path=""):
        source = f"registry_dataset.{column}" + (f", '$.{path}'" if path else "")
        return qs.extra(
            where=[f"EXISTS (SELECT 1 FROM json_each({source}) WHERE json_each.value = %s)"],
            params=[value],
        )

    def json_values_grouped(self, facet, column):
        return (
            f"SELECT '{facet}', j.value, NULL, count(*) FROM matched, "
            f"json_each(matched.{column}) j GROUP BY j.value"
        )

    def published_keywords(self):
        return _distinct_values(
            "SELECT DISTINCT j.value FROM registry_dataset d, json_each(d.keywords) j "
            "WHERE d.status = %s"
        )


def _distinct_values(sql: str) -> list[str]:
    with connections[router.db_for_read(Dataset)].cursor() as cursor:
        cursor.execute(sql, [Dataset.Status.PUBLISHED.value])
        return [row[0] for row in cursor.fetchall()]


def backend() -> _Backend:
    return _Postgres() if connection.vendor == "postgresql" else _SQLite()


def has_words(q: str) -> bool:
    """Whether `q` is a text search at all: punctuation alone is ignored."""
    return bool(_WORD.search(q))


def search_datasets(query: DatasetQuery) -> QuerySet[Dataset]:
    """Published datasets matching the query, ordered as asked (ties broken by id)."""
    if len(query.q) > MAX_QUERY_LENGTH:
        raise SearchError(f"q is longer than {MAX_QUERY_LENGTH} characters.", param="q")
    if "\x00" in query.q:
        raise SearchError("q contains a NUL character.", param="q")
    if not has_words(query.q):
        query.q = ""  # punctuation alone is not a search: ignore it on both backends
    sort = query.effective_sort()
    if sort not in SORTS:
        raise SearchError(f"Unknown sort {sort!r}; use one of {', '.join(SORTS)}.", param="sort")

    engine = backend()
    qs = datasets_published()
    if query.q.strip():
        qs = engine.match(qs, query.q)
    if query.institution:
        qs = qs.filter(institution__slug__in=query.institution)
    if query.license:
        qs = qs.filter(license__in=query.license)
    if query.access:
        qs = qs.filter(access_rights__in=query.access)
    for value in query.theme:
        qs = engine.json_contains(qs, "themes", value)
    for value in query.keyword:
        qs = engine.json_contains(qs, "keywords", value)
    for value in query.state:
        qs = engine.json_contains(qs, "spatial", value, path="states")
    for value in query.format:
        qs = qs.filter(
            Exists(Distribution.objects.filter(dataset=OuterRef("pk"), format__iexact=value))
        )
    if query.ml_ready:
        qs = qs.filter(ml_ready__in=[value == "true" for value in query.ml_ready])
    if query.modified_since:
        qs = qs.filter(modified_at__gte=query.modified_since)
    return qs


def for_paging(qs: QuerySet[Dataset], query: DatasetQuery) -> QuerySet[Dataset]:
    """The search results to page through (count and facet `qs` itself, not this).

    Ranking reads every match's tsvector; for a word in a quarter of a million datasets that
    alone takes a second. So relevance orders the SUCHI_SEARCH_RELEVANCE_WINDOW most recently
    modified matches: exact when fewer match, and reported as approximate when more do."""
    if query.effective_sort() != "relevance":
        return qs
    # Compiled on its own, not as a Django subquery: the backends' raw `registry_dataset.…`
    # conditions must name the inner table, which a subquery would alias.
    try:
        sql, params = (
            qs.order_by("-modified_at", "-id")
            .values("id")[: settings.SUCHI_SEARCH_RELEVANCE_WINDOW]
            .query.sql_with_params()
        )
    except EmptyResultSet:  # a condition known to match nothing (a field no dataset has)
        return qs.none()
    return qs.extra(
        where=[f"registry_dataset.id IN (SELECT id FROM ({sql}) AS window_)"], params=params
    )


def relevance_is_approximate(query: DatasetQuery, count: int) -> bool:
    """Whether the relevance order covered only the most recent matches (see search_datasets)."""
    return query.effective_sort() == "relevance" and count > settings.SUCHI_SEARCH_RELEVANCE_WINDOW


FACETS_ORDER = ("access", "institution", "license", "theme", "keyword", "format", "ml_ready")


@dataclass
class Summary:
    """How many datasets match and their facet counts. `estimated` says both were estimated from
    the catalogue's sample (PostgreSQL, large result sets) rather than counted."""

    count: int
    facets: dict[str, list[dict]]
    estimated: bool = False


def _exact_parts(qs: QuerySet[Dataset], limit: int) -> tuple[str, str, list, list]:
    """The exact count-and-facets statement, in parts: `matched AS MATERIALIZED (...)`, the six
    grouped branches over it, and the parameters of each."""
    engine = backend()
    matched_sql, params = (
        qs.order_by()
        .values(
            "id", "institution_id", "license", "access_rights", "themes", "keywords", "ml_ready"
        )
        .query.sql_with_params()
    )
    top = "SELECT * FROM ({}) AS grouped ORDER BY 4 DESC, 2 LIMIT %s"
    branches = [
        "SELECT 'access', access_rights, NULL, count(*) FROM matched GROUP BY access_rights",
        top.format(
            "SELECT 'institution', i.slug, i.name, c.n FROM (SELECT institution_id, count(*) AS n "
            "FROM matched GROUP BY institution_id) AS c "
            "JOIN registry_institution i ON i.id = c.institution_id"
        ),
        top.format(
            "SELECT 'license', license, NULL, count(*) FROM matched WHERE license <> '' "
            "GROUP BY license"
        ),
        top.format(engine.json_values_grouped("theme", "themes")),
        top.format(engine.json_values_grouped("keyword", "keywords")),
        top.format(
            "SELECT 'format', upper(f.format), NULL, count(DISTINCT f.dataset_id) "
            "FROM registry_distribution f JOIN matched ON matched.id = f.dataset_id "
            "WHERE f.format <> '' GROUP BY upper(f.format)"
        ),
        # Only the ready ones: "ML-ready" is a filter to turn on, not a choice of two.
        "SELECT 'ml_ready', 'true', NULL, count(*) FROM matched WHERE matched.ml_ready "
        "HAVING count(*) > 0",
    ]
    body = " UNION ALL ".join(
        f"SELECT * FROM ({branch}) AS {facet}"
        for branch, facet in zip(branches, FACETS_ORDER, strict=True)
    )
    return f"matched AS MATERIALIZED ({matched_sql})", body, list(params), [limit] * 5


def summarize(
    qs: QuerySet[Dataset],
    query: DatasetQuery | None = None,
    *,
    limit: int = 20,
    allow_estimate: bool = False,
) -> Summary:
    """Count and facet the datasets of `qs` (the result of search_datasets(query)) in one
    statement. On PostgreSQL, given the query: the unfiltered catalogue is read from counters
    (exact), and with `allow_estimate` a large result set is estimated from the sample."""
    ctes, body, cte_params, body_params = _exact_parts(qs, limit)
    sql, params = f"WITH {ctes} {body}", [*cte_params, *body_params]
    if connection.vendor == "postgresql" and query is not None:
        if query.is_unfiltered():
            sql, params = postgres.catalogue_statement(limit)
        elif allow_estimate:
            sql, params = postgres.estimated_or_exact_statement(
                query, (ctes, body, cte_params, body_params), limit
            )
    with connections[qs.db].cursor() as cursor:  # a replica's, for a catalogue read
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    estimated = any(row[4] for row in rows if len(row) > 4)
    grouped: dict[str, list[tuple[str, str | None, int]]] = {name: [] for name in FACETS_ORDER}
    for facet, value, label, n, *_ in rows:
        grouped[facet].append((value, label, int(n)))
    themes = vocabularies.themes()
    licences = vocabularies.licences()
    access_labels = dict(Dataset.Access.choices)
    labels = {
        "institution": lambda v, label: label,
        "theme": lambda v, label: themes.get(v, {}).get("label", v),
        "license": lambda v, label: licences[v].name if v in licences else v,
        "access": lambda v, label: str(access_labels[v]),
        "ml_ready": lambda v, label: "ML-ready",
    }
    result = {
        facet: [
            {"value": v, "label": labels.get(facet, lambda v, label: v)(v, label), "count": n}
            for v, label, n in grouped[facet]
        ]
        for facet in FACETS
    }
    result["access"].sort(key=lambda item: (-item["count"], item["value"]))
    # Every dataset has exactly one access right, so the access counts add up to the total.
    total = sum(item["count"] for item in result["access"])
    return Summary(total, result, estimated)


def count_and_facets(
    qs: QuerySet[Dataset], *, limit: int = 20
) -> tuple[int, dict[str, list[dict]]]:
    """How many datasets match, and their counts by institution, theme, licence, format, access
    and keyword, counted exactly: one statement, which finds the matching datasets once (a
    materialised CTE) and groups them six ways."""
    summary = summarize(qs, limit=limit)
    return summary.count, summary.facets


def facets(qs: QuerySet[Dataset], *, limit: int = 20) -> dict[str, list[dict]]:
    """Counts of the matching datasets by institution, theme, licence, format, access, keyword."""
    return count_and_facets(qs, limit=limit)[1]
