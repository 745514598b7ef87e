"""CKAN's organizations (Suchi's provider institutions), groups (the catalogue's themes) and
tags (datasets' keywords): the list and show actions."""

from django.db.models import Count, Q

from registry import vocabularies
from registry.models import Dataset, Institution
from registry.selectors import datasets_published

from .ckan_params import NotFound, flag, integer, sort_order, text, text_list
from .search import DatasetQuery, search_datasets, summarize
from .search.conditions import json_array_has
from .standards.ckan import group_dict, organization_dict, package_dict

MAX_LIST = 1000  # CKAN's ckan.group_and_organization_list_max
MAX_PACKAGES = 1000  # datasets in a *_show with include_datasets, as CKAN caps them
LIST_SORTS = ("name", "title", "package_count")


def institutions():
    """The organizations: provider institutions that are not suspended, with their number of
    published datasets."""
    published = Q(datasets__status=Dataset.Status.PUBLISHED)
    return (
        Institution.objects.filter(is_provider=True)
        .exclude(verification_status="suspended")
        .annotate(package_count=Count("datasets", filter=published))
        .order_by("slug")
    )


def _page(items: list, params: dict) -> list:
    offset = integer(params, "offset", 0)
    limit = min(integer(params, "limit", MAX_LIST), MAX_LIST)
    return items[offset : offset + limit]


def _sorted(records: list[dict], params: dict) -> list[dict]:
    """CKAN's `sort` (`name`, `title` or `package_count`, then `asc` or `desc`), ties by name."""
    field, descending = sort_order(params, LIST_SORTS, "name asc")
    records = sorted(records, key=lambda r: r["name"])
    key = (lambda r: r["title"].casefold()) if field == "title" else (lambda r: r[field])
    return sorted(records, key=key, reverse=descending)


def _listed(records: list[dict], params: dict, names_param: str) -> list:
    wanted = text_list(params.get(names_param), names_param)
    if wanted:
        records = [r for r in records if r["name"] in wanted]
    records = _page(_sorted(records, params), params)
    if flag(params, "all_fields"):
        return records
    return [r["name"] for r in records]


def organization_list(params: dict) -> list:
    """Organization names, or with all_fields their dicts; sort, limit, offset."""
    records = [organization_dict(o, o.package_count) for o in institutions()]
    return _listed(records, params, "organizations")


def organization_show(params: dict) -> dict:
    """An organization by name, with its package_count (include_datasets: its datasets)."""
    org = institutions().filter(slug=text(params, "id")).first()
    if org is None:
        raise NotFound("Organization not found")
    data = organization_dict(org, org.package_count)
    if flag(params, "include_datasets"):
        data["packages"] = [
            package_dict(d) for d in datasets_published().filter(institution=org)[:MAX_PACKAGES]
        ]
    return data


def theme_counts() -> dict[str, int]:
    """Published datasets by theme code (the catalogue's counters on PostgreSQL)."""
    query = DatasetQuery()
    summary = summarize(search_datasets(query), query, limit=MAX_LIST)
    return {item["value"]: item["count"] for item in summary.facets["theme"]}


def group_list(params: dict) -> list:
    """Group names (the themes, lowercase), or with all_fields their dicts; sort, limit,
    offset."""
    counts = theme_counts()
    records = [
        group_dict(code, theme, counts.get(code, 0))
        for code, theme in vocabularies.themes().items()
    ]
    return _listed(records, params, "groups")


def group_show(params: dict) -> dict:
    """A group (theme) by name, with its package_count (include_datasets: its datasets)."""
    code = text(params, "id").strip().upper()
    theme = vocabularies.themes().get(code)
    if theme is None:
        raise NotFound("Group not found")
    datasets = datasets_published().filter(json_array_has("themes", code))
    data = group_dict(code, theme, datasets.count())
    data.update({"extras": [], "tags": [], "groups": [], "users": [], "num_followers": 0})
    if flag(params, "include_datasets"):
        data["packages"] = [package_dict(d) for d in datasets[:MAX_PACKAGES]]
    return data


def tag_show(params: dict) -> dict:
    """A tag (a keyword of a published dataset) by name (include_datasets: its datasets)."""
    name = text(params, "id")
    datasets = datasets_published().filter(json_array_has("keywords", name))
    if not name or not datasets.exists():
        raise NotFound("Tag not found")
    data = {"id": name, "name": name, "display_name": name, "vocabulary_id": None}
    if flag(params, "include_datasets"):
        data["packages"] = [package_dict(d) for d in datasets[:MAX_PACKAGES]]
    return data
