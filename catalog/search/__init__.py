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

from django.db import connection
from django.db.models import Count, Exists, FloatField, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from registry import vocabularies
from registry.models import Dataset, Distribution
from registry.selectors import datasets_published

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
    modified_since: object = None
    sort: str = ""

    def effective_sort(self) -> str:
        return self.sort or ("relevance" if self.q else "-modified")


class _Backend(Protocol):
    """What differs between the two databases: the text match and JSON array membership."""

    def match(self, qs: QuerySet, q: str) -> QuerySet: ...

    def json_contains(self, qs: QuerySet, column: str, value: str, path: str = "") -> QuerySet: ...

    def json_facet(
        self, ids_sql: str, params, column: str, limit: int
    ) -> list[tuple[str, int]]: ...


class _Postgres:
    def match(self, qs, q):
        tsquery = "websearch_to_tsquery('suchi', %s)"
        return qs.extra(
            where=[f"registry_dataset.search_vector @@ {tsquery}"], params=[q]
        ).annotate(rank=RawSQL(f"ts_rank_cd(registry_dataset.search_vector, {tsquery})", (q,)))

    def json_contains(self, qs, column, value, path=""):
        target = f"registry_dataset.{column}" + (f" -> '{path}'" if path else "")
        return qs.extra(where=[f"{target} @> %s::jsonb"], params=[json.dumps([value])])

    def json_facet(self, ids_sql, params, column, limit):
        sql = (
            f"SELECT v, count(*) FROM registry_dataset d "
            f"CROSS JOIN LATERAL jsonb_array_elements_text(d.{column}) v "
            f"WHERE d.id IN ({ids_sql}) GROUP BY v ORDER BY 2 DESC, 1 LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return cursor.fetchall()


_FTS_TOKEN = re.compile(r'"([^"]*)"|(-?)([\w\u0900-\u0DFF\u0300-\u036f]+)', re.UNICODE)


def fts5_query(q: str) -> str:
    """Turn what a person types into a safe FTS5 expression, websearch style: words are ANDed,
    "quoted phrases" kept, -word excluded, `or` between words. Every term is quoted, so FTS5
    operators and punctuation in the input have no effect."""
    positive: list[str] = []
    negative: list[str] = []
    pending_or = False
    for match in _FTS_TOKEN.finditer(q):
        phrase, minus, word = match.groups()
        text = phrase if phrase is not None else word
        words = re.findall(r"[\w\u0900-\u0DFF]+", text or "", re.UNICODE)
        if not words:
            continue
        term = '"' + " ".join(w.replace('"', "") for w in words) + '"'
        if word and word.lower() == "or" and not minus and positive:
            pending_or = True
            continue
        if minus:
            negative.append(term)
        elif pending_or:
            positive[-1] = f"({positive[-1]} OR {term})"
            pending_or = False
        else:
            positive.append(term)
    if not positive:
        return ""
    expression = " AND ".join(positive)
    for term in negative:
        expression += f" NOT {term}"
    return expression


class _SQLite:
    def match(self, qs, q):
        expression = fts5_query(q)
        if not expression:  # only stopwords like "or": nothing can match
            return qs.extra(where=["1 = 0"]).annotate(rank=RawSQL("0", (), FloatField()))
        matched = (
            "registry_dataset.rowid IN (SELECT rowid FROM registry_dataset_fts "
            "WHERE registry_dataset_fts MATCH %s)"
        )
        # bm25 is lower for better matches; negate so that higher is better on both backends.
        rank = (
            "(SELECT -bm25(registry_dataset_fts, 10.0, 5.0, 1.0) FROM registry_dataset_fts "
            "WHERE registry_dataset_fts MATCH %s AND rowid = registry_dataset.rowid)"
        )
        return qs.extra(where=[matched], params=[expression]).annotate(
            rank=RawSQL(rank, (expression,), FloatField())
        )

    def json_contains(self, qs, column, value, path=""):
        source = f"registry_dataset.{column}" + (f", '$.{path}'" if path else "")
        return qs.extra(
            where=[f"EXISTS (SELECT 1 FROM json_each({source}) WHERE json_each.value = %s)"],
            params=[value],
        )

    def json_facet(self, ids_sql, params, column, limit):
        sql = (
            f"SELECT j.value, count(*) FROM registry_dataset d, json_each(d.{column}) j "
            f"WHERE d.id IN ({ids_sql}) GROUP BY j.value ORDER BY 2 DESC, 1 LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return cursor.fetchall()


def backend() -> _Backend:
    return _Postgres() if connection.vendor == "postgresql" else _SQLite()


def search_datasets(query: DatasetQuery) -> QuerySet[Dataset]:
    """Published datasets matching the query, ordered as asked (ties broken by id)."""
    if len(query.q) > MAX_QUERY_LENGTH:
        raise SearchError(f"q is longer than {MAX_QUERY_LENGTH} characters.", param="q")
    if "\x00" in query.q:
        raise SearchError("q contains a NUL character.", param="q")
    if not _WORD.search(query.q):
        query.q = ""  # punctuation alone is not a search: ignore it on both backends
    sort = query.effective_sort()
    if sort not in SORTS:
        raise SearchError(f"Unknown sort {sort!r}; use one of {', '.join(SORTS)}.", param="sort")
    if sort == "relevance" and not query.q.strip():
        raise SearchError("sort=relevance needs a search term in q.", param="sort")

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
    if query.modified_since:
        qs = qs.filter(modified_at__gte=query.modified_since)
    return qs


def facets(qs: QuerySet[Dataset], *, limit: int = 20) -> dict[str, list[dict]]:
    """Counts of the matching datasets by institution, theme, licence, format, access, keyword."""
    engine = backend()
    ids = qs.order_by().values("id")
    ids_sql, params = ids.query.sql_with_params()
    themes = vocabularies.themes()
    licences = vocabularies.licences()
    result: dict[str, list[dict]] = {}

    rows = (
        qs.order_by()
        .values("institution__slug", "institution__name")
        .annotate(n=Count("id"))
        .order_by("-n", "institution__slug")[:limit]
    )
    result["institution"] = [
        {"value": r["institution__slug"], "label": r["institution__name"], "count": r["n"]}
        for r in rows
    ]
    result["theme"] = [
        {"value": v, "label": themes.get(v, {}).get("label", v), "count": n}
        for v, n in engine.json_facet(ids_sql, params, "themes", limit)
    ]
    rows = qs.order_by().exclude(license="").values("license").annotate(n=Count("id"))
    result["license"] = [
        {
            "value": r["license"],
            "label": licences[r["license"]].name if r["license"] in licences else r["license"],
            "count": r["n"],
        }
        for r in rows.order_by("-n", "license")[:limit]
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT upper(format), count(DISTINCT dataset_id) FROM registry_distribution "
            f"WHERE dataset_id IN ({ids_sql}) AND format <> '' "
            "GROUP BY upper(format) ORDER BY 2 DESC, 1 LIMIT %s",
            [*params, limit],
        )
        result["format"] = [{"value": v, "label": v, "count": n} for v, n in cursor.fetchall()]
    labels = dict(Dataset.Access.choices)
    rows = qs.order_by().values("access_rights").annotate(n=Count("id")).order_by("-n")
    result["access"] = [
        {"value": r["access_rights"], "label": str(labels[r["access_rights"]]), "count": r["n"]}
        for r in rows
    ]
    result["keyword"] = [
        {"value": v, "label": v, "count": n}
        for v, n in engine.json_facet(ids_sql, params, "keywords", limit)
    ]
    return result
