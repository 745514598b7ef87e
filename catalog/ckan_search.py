"""CKAN's search actions: package_search (Lucene `q` and `fq`, catalog/ckan_query.py) and
resource_search (`field:term` pairs)."""

import re
import uuid

from django.db.models import Q

from registry.models import Distribution
from registry.selectors import datasets_published

from .ckan_params import (
    MAX_LIST,
    MAX_TEXT,
    CkanValidationError,
    SearchQueryError,
    flag,
    integer,
    text,
    text_list,
)
from .ckan_query import read_fq, read_q
from .search import (
    DatasetQuery,
    SearchError,
    for_paging,
    has_words,
    search_datasets,
    summarize,
)
from .standards.ckan import package_dict, resource_dict

MAX_ROWS = 1000

# A CKAN (Solr) sort field → the columns it orders by. `metadata_created asc` is what harvesters
# page with (datasets added meanwhile land on later pages instead of shifting earlier ones);
# CKANHarvester pages the whole site with `id asc`. Suchi counts no page views: `views_recent`
# and `views_total` (CKAN's "Popular") leave the order to the fields after them, or the default.
SORT_FIELDS = {
    "score": ("rank",),
    "metadata_modified": ("modified_at",),
    "metadata_created": ("created_at",),
    "title_string": ("title",),
    "title": ("title",),
    "name": ("institution__slug", "slug"),
    "id": ("id",),
    "views_recent": (),
    "views_total": (),
}


def sort_columns(value: str, *, has_text: bool) -> tuple[str, tuple[str, ...]]:
    """Our search's sort and the row order for a CKAN sort, `field [asc|desc]` comma-separated
    as Solr reads it (`score desc, metadata_modified desc`). `score` orders only a text search."""
    order: list[str] = []
    for part in value.split(","):
        words = part.split()
        if not words:
            continue
        field, direction = words[0], (words[1].lower() if len(words) > 1 else "asc")
        if field not in SORT_FIELDS or direction not in ("asc", "desc") or len(words) > 2:
            raise SearchQueryError(
                f"Unsupported sort {part.strip()!r}: use fields of {', '.join(SORT_FIELDS)}, "
                "each asc or desc, separated by commas"
            )
        if field == "score" and not has_text:
            continue
        sign = "-" if direction == "desc" else ""
        order += [f"{sign}{column}" for column in SORT_FIELDS[field] if column.lstrip("-") not in
                  {c.lstrip("-") for c in order}]  # fmt: skip
    order = order or ["-modified_at"]
    if not any(column.lstrip("-") == "id" for column in order):
        order.append("id")  # a total order, for stable pages
    first = order[0].lstrip("-")
    sort = "relevance" if "rank" in {c.lstrip("-") for c in order} else "-modified"
    return ("title" if first == "title" and sort != "relevance" else sort), tuple(order)


# CKAN facet field → the catalogue's facet.
FACETS = {
    "organization": "institution",
    "tags": "keyword",
    "res_format": "format",
    "license_id": "license",
    "groups": "theme",
}


def _conditions(params: dict) -> tuple[str, list[Q]]:
    """The text to search for and the conditions that `q`, `fq` and `fq_list` add."""
    q = read_q(text(params, "q"))
    conditions = [q.condition] if q.condition is not None else []
    filters = [("fq", text(params, "fq"))]
    filters += [("fq_list", fq) for fq in text_list(params.get("fq_list"), "fq_list")]
    for name, fq in filters:
        condition = read_fq(fq, name)
        if condition is not None:
            conditions.append(condition)
    return q.text, conditions


def _fields(params: dict) -> list[str]:
    """`fl`: the package keys to return, comma- or space-separated (a list in a JSON body)."""
    value = params.get("fl")
    names = value if isinstance(value, list) else re.split(r"[\s,]+", str(value or ""))
    return [str(name) for name in names if name]


def _only(package: dict, fields: list[str]) -> dict:
    # CKAN answers an `fl` with the indexed fields, extras among them at the top level.
    flat = {e["key"]: e["value"] for e in package.get("extras", [])} | package
    return {name: flat[name] for name in fields if name in flat}


# Long: CKAN's package_search parameters, read one by one in CKAN's own order.
def package_search(params: dict) -> dict:
    """Search datasets: q and fq in Lucene syntax, sort, rows, start, fl, facet.field."""
    words, conditions = _conditions(params)
    # Punctuation alone (Solr's `*:*` among it) is no text search: the whole catalogue, newest
    # first, as the REST API answers it.
    has_text = has_words(words)
    sort_param = str(
        params.get("sort")
        or ("score desc, metadata_modified desc" if has_text else "metadata_modified desc")
    )
    sort, row_order = sort_columns(sort_param, has_text=has_text)
    query = DatasetQuery(q=words, sort=sort)
    rows = min(integer(params, "rows", 10), MAX_ROWS)
    start = integer(params, "start", 0)
    try:
        qs = search_datasets(query)
    except SearchError as exc:
        raise SearchQueryError(str(exc)) from None
    for condition in conditions:
        qs = qs.filter(condition)
    page = for_paging(qs, query).order_by(*row_order)
    results = [package_dict(d) for d in page[start : start + rows]]
    if fields := _fields(params):
        results = [_only(package, fields) for package in results]
    requested = text_list(params.get("facet.field"), "facet.field")
    facet_limit = integer(params, "facet.limit", 50, minimum=-1)
    mincount = integer(params, "facet.mincount", 1)
    search_facets, plain = {}, {}
    if requested and flag(params, "facet", default=True):  # facet=false: none, as on CKAN
        for field in requested:
            if field not in FACETS:
                raise SearchQueryError(f"Unknown facet.field {field!r}")
        # CKAN's envelope cannot say a count is estimated, so these are always counted. The
        # query goes along only when it says everything there is to filter (the catalogue's
        # counters answer an unfiltered one).
        summary = summarize(
            qs,
            None if conditions else query,
            limit=facet_limit if facet_limit > 0 else 1000,
        )
        total = summary.count
        for field in requested:
            items = [
                {
                    "name": item["value"].lower() if field == "groups" else item["value"],
                    "display_name": item["label"],
                    "count": item["count"],
                }
                for item in summary.facets[FACETS[field]]
                if item["count"] >= mincount
            ]
            search_facets[field] = {"title": field, "items": items}
            plain[field] = {item["name"]: item["count"] for item in items}
    else:
        total = qs.count()
    return {
        "count": total,
        "sort": sort_param,
        "results": results,
        "facets": plain,
        "search_facets": search_facets,
    }


# CKAN resource field → ours. Terms match anywhere in the value, ignoring case (CKAN's ilike);
# a hash matches from its start.
RESOURCE_FIELDS = {
    "name": ("title",),
    "description": ("description",),
    "format": ("format",),
    "url": ("download_url", "access_url"),
    "mimetype": ("media_type",),
    "hash": ("checksum_sha256",),
    "package_id": ("dataset_id",),
}
RESOURCE_ORDERS = {"name": "title", "format": "format", "url": "access_url", "position": "position"}


def _resource_condition(field: str, term: str) -> Q:
    if field not in RESOURCE_FIELDS:
        raise CkanValidationError(
            {"query": [f'Field "{field}" not recognised in resource_search.']}
        )
    if field == "package_id":
        try:
            return Q(dataset_id=uuid.UUID(term))
        except ValueError:
            return Q(pk__in=[])
    lookup = "istartswith" if field == "hash" else "icontains"
    condition = Q()
    for column in RESOURCE_FIELDS[field]:
        condition |= Q(**{f"{column}__{lookup}": term})
    return condition


def resource_search(params: dict) -> dict:
    """Resources of published datasets matching every `query` pair `<field>:<term>`."""
    pairs = params.get("query")
    if pairs is None or pairs == "" or pairs == []:
        raise CkanValidationError({"query": ["Missing value"]})
    qs = Distribution.objects.filter(dataset__in=datasets_published().order_by().values("pk"))
    pairs = pairs if isinstance(pairs, list) else [pairs]
    if len(pairs) > MAX_LIST or any(len(str(p)) > MAX_TEXT for p in pairs):
        raise CkanValidationError(
            {"query": [f"At most {MAX_LIST} pairs of at most {MAX_TEXT} characters"]}
        )
    for pair in pairs:
        field, colon, term = str(pair).partition(":")
        if not colon:
            raise CkanValidationError({"query": ["Must be <field>:<value> pair(s)"]})
        qs = qs.filter(_resource_condition(field.strip(), term))
    order = text(params, "order_by")
    qs = qs.order_by(RESOURCE_ORDERS.get(order, "id"), "id")
    offset = integer(params, "offset", 0)
    limit = min(integer(params, "limit", MAX_ROWS), MAX_ROWS)
    page = qs.select_related("dataset")[offset : offset + limit]
    return {"count": qs.count(), "results": [resource_dict(r, r.dataset) for r in page]}
