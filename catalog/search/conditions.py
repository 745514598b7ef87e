"""Search conditions as Q objects over published datasets, for queries that combine them with
AND, OR and NOT (the CKAN API's Lucene syntax, catalog/ckan_query.py). What differs between
PostgreSQL and SQLite (the text index, JSON arrays) is settled here, like in the package's
backends; each condition is a self-contained `id IN (…)` statement, compiled on its own so
that the raw SQL names its own table."""

from django.db import connection
from django.db.models import Q, UUIDField
from django.db.models.expressions import RawSQL

from registry.selectors import datasets_published

from . import backend
from .sqlite import fts5_string, has_token

# The column of our text index behind each CKAN text field (PostgreSQL: the weight that
# search_vector gives it, registry migration 0003; SQLite: the FTS5 column).
TEXT_COLUMNS = {"title": ("title", "a"), "tags": ("keywords", "b"), "notes": ("description", "c")}

NOTHING = Q(pk__in=[])
EVERYTHING = Q(pk__isnull=False)


def _ids(sql: str, params: list) -> Q:
    return Q(pk__in=RawSQL(f"SELECT id FROM registry_dataset WHERE {sql}", params, UUIDField()))


def text_matches(text: str, *, column: str = "", phrase: bool = False, prefix: bool = False) -> Q:
    """Datasets whose text (or one of TEXT_COLUMNS' columns) has the word, all the words of
    the phrase in that order, or (`prefix`) a word starting with `text`. Words are stemmed as
    the index stems them, so `hospital` finds `hospitals` as the full-text search does."""
    if not has_token(text):
        return NOTHING
    if connection.vendor == "postgresql":
        if prefix:
            # Only called with \w+ (ckan_query.py), which to_tsquery reads as one word.
            tsquery, params = "to_tsquery('suchi', %s)", [f"{text}:*"]
        else:
            tsquery = "phraseto_tsquery('suchi', %s)" if phrase else "plainto_tsquery('suchi', %s)"
            params = [text]
        sql = f"registry_dataset.search_vector @@ {tsquery}"
        if column:
            # The GIN index finds the candidates; ts_filter keeps the field's words only.
            weight = TEXT_COLUMNS[column][1]
            sql += f" AND ts_filter(registry_dataset.search_vector, '{{{weight}}}') @@ {tsquery}"
            params = params * 2
        return _ids(sql, params)
    expression = fts5_string(text) + (" *" if prefix else "")
    if column:
        expression = f"{TEXT_COLUMNS[column][0]} : {expression}"
    return _ids(
        "rowid IN (SELECT rowid FROM registry_dataset_fts WHERE registry_dataset_fts MATCH %s)",
        [expression],
    )


def websearch_matches(q: str) -> Q:
    """Datasets that the full-text search finds for `q` (what a person types, as search_datasets
    reads it), as a condition to combine with others."""
    matched = backend().match(datasets_published().order_by(), q).values("id")
    sql, params = matched.query.sql_with_params()
    return Q(pk__in=RawSQL(f"SELECT id FROM ({sql}) AS matched", params, UUIDField()))


def json_array_has(column: str, value: str) -> Q:
    """Datasets whose JSON array `column` (keywords, themes) holds `value` exactly."""
    if connection.vendor == "postgresql":
        return Q(**{f"{column}__contains": [value]})
    return _ids(
        f"EXISTS (SELECT 1 FROM json_each(registry_dataset.{column}) j WHERE j.value = %s)",
        [value],
    )


def json_array_matches(column: str, pattern: str) -> Q:
    """Datasets whose JSON array `column` holds a value matching the regular expression (in
    the syntax that Python and PostgreSQL share: escapes, `.`, `.*`, `^`, `$`)."""
    if connection.vendor == "postgresql":
        return _ids(
            f"EXISTS (SELECT 1 FROM jsonb_array_elements_text(registry_dataset.{column}) v "
            "WHERE v ~ %s)",
            [pattern],
        )
    return _ids(
        f"EXISTS (SELECT 1 FROM json_each(registry_dataset.{column}) j WHERE j.value REGEXP %s)",
        [pattern],
    )


def count_between(what: str, low: int, high: int) -> Q:
    """Datasets with from `low` to `high` distributions (`what` "distributions") or entries in
    a JSON array column (keywords)."""
    if what == "distributions":
        count = "(SELECT COUNT(*) FROM registry_distribution AS d WHERE d.dataset_id = registry_dataset.id)"  # noqa: E501
    elif connection.vendor == "postgresql":
        count = f"jsonb_array_length(registry_dataset.{what})"
    else:
        count = f"json_array_length(registry_dataset.{what})"
    return _ids(f"{count} BETWEEN %s AND %s", [low, high])


def json_array_filled(column: str) -> Q:
    """Datasets whose JSON array `column` is not empty."""
    return ~Q(**{column: []})
