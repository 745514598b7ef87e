"""The CKAN Action API, so that CKAN clients and harvesters work unchanged.

Each action is a function `(params) -> result`; the view wraps results in CKAN's envelope
`{help, success, result}` and errors in `{__type, message}` with CKAN's status codes. The dicts
themselves are catalog/standards/ckan.py.
"""

import json
import re
import uuid

from django.conf import settings
from django.db.models import Count, Q

from registry import vocabularies
from registry.models import Dataset, Institution
from registry.selectors import datasets_published

from .query_params import parse_moment
from .search import (
    DatasetQuery,
    SearchError,
    backend,
    for_paging,
    has_words,
    search_datasets,
    summarize,
)
from .standards.ckan import (
    CKAN_VERSION,
    NAME_SEPARATOR,
    group_dict,
    organization_dict,
    package_dict,
)

MAX_ROWS = 1000


class NotFound(Exception):
    """CKAN's Not Found Error (404)."""


class CkanValidationError(Exception):
    def __init__(self, errors: dict):
        super().__init__(str(errors))
        self.errors = errors


class SearchQueryError(Exception):
    """CKAN's Search Query Error (400)."""


# --- parameters ---------------------------------------------------------------------------------


# Solr's integers are 32-bit; a larger start, rows or limit would overflow the database's
# OFFSET/LIMIT (SQLite and PostgreSQL take 64 bits) and fail as a 500 instead of a 409.
MAX_INT = 2**31 - 1


def _int(params: dict, name: str, default: int, *, minimum: int = 0) -> int:
    value = params.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise CkanValidationError({name: ["Invalid integer"]}) from None
    if number < minimum:
        raise CkanValidationError({name: [f"Must be at least {minimum}"]})
    if number > MAX_INT:
        raise CkanValidationError({name: [f"Must be at most {MAX_INT}"]})
    return number


def _list(value, name: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value)
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise SearchQueryError(f"Could not parse {name} {text!r} as a JSON list") from None
        return [str(v) for v in parsed]
    return [text]


_FQ_TERM = re.compile(r'([+-]?)([a-z_]+):(?:"([^"]*)"|(\S+))')
_FQ_FIELDS = {
    "organization": "institution",
    "owner_org": "institution",
    "tags": "keyword",
    "res_format": "format",
    "license_id": "license",
    "groups": "theme",
}
_IGNORED_FQ = {"dataset_type", "capacity", "state"}


# A Solr range on the modification time: what ckanext-harvest's CKANHarvester sends for an
# incremental run (`metadata_modified:[2026-11-01T00:00:00.000000Z TO *]`).
_FQ_RANGE = re.compile(r"([+]?)metadata_modified:\[(\S+) TO (\*|NOW)\]")


def _apply_fq(query: DatasetQuery, fq: str) -> None:
    for _, since, _ in _FQ_RANGE.findall(fq):
        moment = parse_moment(since, dates=True)
        if moment is None:
            raise SearchQueryError(f"metadata_modified: {since[:60]!r} is not an ISO 8601 time")
        if query.modified_since is None or moment > query.modified_since:
            query.modified_since = moment
    fq = _FQ_RANGE.sub("", fq)
    rest = _FQ_TERM.sub("", fq).strip()
    if rest:
        raise SearchQueryError(f"Unsupported fq syntax: {rest[:100]!r}")
    for sign, key, quoted, bare in _FQ_TERM.findall(fq):
        value = quoted if quoted else bare
        if sign == "-":
            raise SearchQueryError("Negated fq terms are not supported")
        if key in _IGNORED_FQ:
            continue
        if key not in _FQ_FIELDS:
            raise SearchQueryError(f"Unknown fq field {key!r}")
        if key == "groups":
            value = value.upper()
        getattr(query, _FQ_FIELDS[key]).append(value)


def _split_q(q: str) -> tuple[str, str]:
    """CKAN hands `q` to Solr, so clients put field queries in it (frictionless reads an
    organisation with `q=organization:<name>`). Terms on the fields `fq` knows become filters;
    the rest stays full text."""
    fields: list[str] = []

    def take(match: re.Match) -> str:
        if match.group(2) in _FQ_FIELDS or match.group(2) in _IGNORED_FQ:
            fields.append(match.group(0))
            return " "
        return match.group(0)

    text = _FQ_TERM.sub(take, q)
    return " ".join(text.split()), " ".join(fields)


# CKAN sort → (our search's sort, the row order). `metadata_created asc` is what harvesters
# page with: datasets added meanwhile land on later pages instead of shifting earlier ones.
_SORTS = {
    "score desc": ("relevance", None),
    "score desc, metadata_modified desc": ("relevance", None),
    "metadata_modified desc": ("-modified", None),
    "metadata_created asc": ("-modified", ("created_at", "id")),
    "metadata_created desc": ("-modified", ("-created_at", "id")),
    "title_string asc": ("title", None),
    "name asc": ("title", None),
    # CKANHarvester pages the whole site with `id asc`: a stable order, whatever is modified.
    "id asc": ("-modified", ("id",)),
    "id desc": ("-modified", ("-id",)),
}


# --- actions ------------------------------------------------------------------------------------


# Long: CKAN's package_search parameters, read one by one in CKAN's own order.
def package_search(params: dict) -> dict:
    q, q_fields = _split_q(str(params.get("q", "") or ""))
    # Punctuation alone (Solr's `*:*` among it) is no text search: the whole catalogue, newest
    # first, as the REST API answers it.
    words = has_words(q)
    sort_param = str(
        params.get("sort")
        or ("score desc, metadata_modified desc" if words else "metadata_modified desc")
    )
    if sort_param not in _SORTS:
        raise SearchQueryError(f"Unsupported sort {sort_param!r}; use one of {', '.join(_SORTS)}")
    sort, row_order = _SORTS[sort_param]
    if sort == "relevance" and not words:
        sort = "-modified"
    query = DatasetQuery(q=q, sort=sort)
    _apply_fq(query, str(params.get("fq", "") or ""))
    _apply_fq(query, q_fields)
    rows = min(_int(params, "rows", 10), MAX_ROWS)
    start = _int(params, "start", 0)
    try:
        qs = search_datasets(query)
    except SearchError as exc:
        raise SearchQueryError(str(exc)) from None
    ordering = (
        row_order
        or {
            "relevance": ("-rank", "id"),
            "-modified": ("-modified_at", "id"),
            "title": ("title", "id"),
        }[sort]
    )
    results = [
        package_dict(d) for d in for_paging(qs, query).order_by(*ordering)[start : start + rows]
    ]
    requested = _list(params.get("facet.field"), "facet.field")
    facet_limit = _int(params, "facet.limit", 50, minimum=-1)
    mincount = _int(params, "facet.mincount", 1)
    search_facets, plain = {}, {}
    if requested:
        # CKAN's envelope cannot say a count is estimated, so these are always counted.
        summary = summarize(qs, query, limit=facet_limit if facet_limit > 0 else 1000)
        total, computed = summary.count, summary.facets
        ours = {
            "organization": "institution",
            "tags": "keyword",
            "res_format": "format",
            "license_id": "license",
            "groups": "theme",
        }
        for field in requested:
            if field not in ours:
                raise SearchQueryError(f"Unknown facet.field {field!r}")
            items = [
                {
                    "name": item["value"].lower() if field == "groups" else item["value"],
                    "display_name": item["label"],
                    "count": item["count"],
                }
                for item in computed[ours[field]]
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


def _find_dataset(identifier: str) -> Dataset:
    qs = datasets_published()
    if NAME_SEPARATOR in identifier:
        institution, _, slug = identifier.partition(NAME_SEPARATOR)
        found = qs.filter(institution__slug=institution, slug=slug).first()
    else:
        try:
            found = qs.filter(pk=uuid.UUID(identifier)).first()
        except ValueError:  # neither a package name nor an id
            found = None
    if found is None:
        raise NotFound("Dataset not found")
    return found


def package_show(params: dict) -> dict:
    identifier = str(params.get("id") or params.get("name_or_id") or "")
    if not identifier:
        raise CkanValidationError({"id": ["Missing value"]})
    return package_dict(_find_dataset(identifier))


def package_list(params: dict) -> list[str]:
    limit = _int(params, "limit", 100_000)
    offset = _int(params, "offset", 0)
    qs = datasets_published().order_by("institution__slug", "slug")
    return [
        f"{i}{NAME_SEPARATOR}{s}"
        for i, s in qs.values_list("institution__slug", "slug")[offset : offset + limit]
    ]


def _institutions():
    published = Q(datasets__status=Dataset.Status.PUBLISHED)
    return (
        Institution.objects.filter(is_provider=True)
        .exclude(verification_status="suspended")
        .annotate(package_count=Count("datasets", filter=published))
        .order_by("slug")
    )


def organization_list(params: dict) -> list:
    orgs = _institutions()
    if str(params.get("all_fields", "")).lower() in {"true", "1"}:
        return [organization_dict(o, o.package_count) for o in orgs]
    return [o.slug for o in orgs]


def organization_show(params: dict) -> dict:
    identifier = str(params.get("id", ""))
    org = _institutions().filter(slug=identifier).first()
    if org is None:
        raise NotFound("Organization not found")
    data = organization_dict(org, org.package_count)
    if str(params.get("include_datasets", "")).lower() in {"true", "1"}:
        data["packages"] = [
            package_dict(d) for d in datasets_published().filter(institution=org)[:1000]
        ]
    return data


def group_list(params: dict) -> list:
    themes = vocabularies.themes()
    if str(params.get("all_fields", "")).lower() in {"true", "1"}:
        return [group_dict(code, theme) for code, theme in themes.items()]
    return [code.lower() for code in themes]


def tag_list(params: dict) -> list[str]:
    # The database lists each keyword once (reading every dataset's keywords into Python took
    # seconds at a million datasets); matching stays here, so casefolding is Python's.
    needle = str(params.get("query", "") or "").casefold()
    return sorted(k for k in backend().published_keywords() if needle in k.casefold())


def license_list(params: dict) -> list[dict]:
    return [
        {
            "id": lic.id,
            "title": lic.name,
            "url": lic.url,
            "od_conformance": "approved" if lic.is_open else "not reviewed",
            "osd_conformance": "approved" if lic.osi_approved else "not reviewed",
            "status": "active",
        }
        for lic in sorted(vocabularies.licences().values(), key=lambda lic: lic.id)
        if not lic.deprecated
    ]


def status_show(params: dict) -> dict:
    return {
        "site_title": "Suchi",
        "site_description": "Federated data registry, open catalogue and consent manager",
        "site_url": settings.SUCHI_SITE_URL,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "en",
        "extensions": ["suchi"],
    }


def help_show(params: dict) -> str:
    name = str(params.get("name", ""))
    if name not in ACTIONS:
        raise NotFound(f"Action {name!r} not found")
    return (ACTIONS[name].__doc__ or f"{name}: see the CKAN Action API documentation.").strip()


ACTIONS = {
    fn.__name__: fn
    for fn in (
        package_search,
        package_show,
        package_list,
        organization_list,
        organization_show,
        group_list,
        tag_list,
        license_list,
        status_show,
        help_show,
    )
}
