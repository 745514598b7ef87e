"""The CKAN Action API, so that CKAN clients and harvesters work unchanged.

Each action is a function `(params) -> result`; the view wraps results in CKAN's envelope
`{help, success, result}` and errors in `{__type, message}` with CKAN's status codes. The dicts
themselves are catalog/standards/ckan.py; the search actions are catalog/ckan_search.py, the
organization, group and tag actions catalog/ckan_groups.py.
"""

import uuid
from collections.abc import Iterator
from itertools import islice

from django.conf import settings
from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Concat, Lower

from registry import vocabularies
from registry.models import Dataset, Distribution
from registry.selectors import datasets_published

from .ckan_groups import (
    group_list,
    group_show,
    organization_list,
    organization_show,
    tag_show,
)
from .ckan_params import (  # the view answers these errors
    MAX_INT,
    CkanValidationError,
    NotFound,
    SearchQueryError,
    flag,
    integer,
    text,
)
from .ckan_search import package_search, resource_search
from .search import backend
from .standards.ckan import (
    CKAN_VERSION,
    NAME_SEPARATOR,
    package_dict,
    package_name,
    resource_dict,
)

__all__ = ["ACTIONS", "CkanValidationError", "NotFound", "SearchQueryError"]

MAX_PAGE = 1000  # datasets in one answer, as package_search's rows


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
    """A dataset by package name or id."""
    identifier = str(params.get("id") or params.get("name_or_id") or "")
    if not identifier:
        raise CkanValidationError({"id": ["Missing value"]})
    return package_dict(_find_dataset(identifier))


def package_list(params: dict) -> list[str] | Iterator[str]:
    """Every package name, as CKAN gives them all when no limit is asked; limit, offset. A page
    of at most MAX_PAGE is a list; anything longer streams, read a batch at a time (an outside
    probe held a gigabyte with eight requests for 300,000 names at once)."""
    limit = integer(params, "limit", MAX_INT)
    offset = integer(params, "offset", 0)
    published = datasets_published()
    if limit <= MAX_PAGE:
        page = published.order_by("institution__slug", "slug")
        names = page.values_list("institution__slug", "slug")[offset : offset + limit]
        return [f"{i}{NAME_SEPARATOR}{s}" for i, s in names]
    return islice(_every_name(published, offset), limit)


def _every_name(published, offset: int = 0) -> Iterator[str]:
    """Every published dataset's name in CKAN's order, from `offset`: institution by
    institution (those wholly before the offset skipped by their counts), each one's slugs read
    by keyset a batch at a time along its (institution, slug) index."""
    institutions = (
        published.order_by("institution__slug")
        .values_list("institution_id", "institution__slug")
        .annotate(count=Count("id"))
    )
    for institution_id, org, count in list(institutions):
        if offset >= count:
            offset -= count
            continue
        own = published.filter(institution_id=institution_id).order_by("slug")
        batch = list(own.values_list("slug", flat=True)[offset : offset + NAMES_BATCH])
        offset = 0
        while batch:
            yield from (f"{org}{NAME_SEPARATOR}{slug}" for slug in batch)
            if len(batch) < NAMES_BATCH:
                break
            batch = list(
                own.filter(slug__gt=batch[-1]).values_list("slug", flat=True)[:NAMES_BATCH]
            )


NAMES_BATCH = 5000


def current_package_list_with_resources(params: dict) -> list[dict]:
    """Datasets with their resources, most recently modified first; limit (at most 1000),
    offset, or CKAN's older page."""
    limit = min(integer(params, "limit", MAX_PAGE, minimum=1), MAX_PAGE)
    offset = integer(params, "offset", 0)
    if params.get("page") not in (None, ""):
        offset = (integer(params, "page", 1, minimum=1) - 1) * limit
    qs = datasets_published().order_by("-modified_at", "id")
    return [package_dict(d) for d in qs[offset : offset + limit]]


def resource_show(params: dict) -> dict:
    """A resource (a distribution of a published dataset) by id."""
    identifier = text(params, "id")
    if not identifier:
        raise CkanValidationError({"id": ["Missing value"]})
    try:
        key = uuid.UUID(identifier)
    except ValueError:
        key = None
    published = datasets_published().order_by().values("pk")
    dist = (
        Distribution.objects.filter(pk=key, dataset__in=published).select_related("dataset").first()
        if key
        else None
    )
    if dist is None:
        raise NotFound("Resource was not found.")
    return resource_dict(dist, dist.dataset)


def _needle(params: dict) -> str:
    """The `q` of an autocomplete action."""
    q = text(params, "q")
    if not q:
        raise CkanValidationError({"q": ["Missing value"]})
    return q


def package_autocomplete(params: dict) -> list[dict]:
    """Datasets whose package name or title starts with q (ignoring case); limit (10)."""
    q = _needle(params)
    limit = min(integer(params, "limit", 10), MAX_PAGE)
    qs = (
        datasets_published()
        .annotate(
            package=Concat(
                "institution__slug", Value(NAME_SEPARATOR), "slug", output_field=CharField()
            )
        )
        .filter(Q(package__istartswith=q) | Q(title__istartswith=q))
        .order_by("package")
    )
    results = []
    for dataset in qs[:limit]:
        name = package_name(dataset)
        by_name = name.startswith(q.lower())
        results.append(
            {
                "name": name,
                "title": dataset.title,
                "match_field": "name" if by_name else "title",
                "match_displayed": name if by_name else f"{dataset.title} ({name})",
            }
        )
    return results


def format_autocomplete(params: dict) -> list[str]:
    """Resource formats containing q (ignoring case), lowercase, most used first; limit (5)."""
    q = _needle(params)
    limit = min(integer(params, "limit", 5), MAX_PAGE)
    published = datasets_published().order_by().values("pk")
    formats = (
        Distribution.objects.filter(dataset__in=published, format__icontains=q)
        .annotate(name=Lower("format"))
        .values("name")
        .annotate(total=Count("id"))
        .order_by("-total", "name")
    )
    return [row["name"] for row in formats[:limit]]


def tag_list(params: dict) -> list[str] | list[dict]:
    """Every keyword of a published dataset, once; query: those containing it; all_fields:
    each as CKAN's tag dict."""
    # The database lists each keyword once (reading every dataset's keywords into Python took
    # seconds at a million datasets); matching stays here, so casefolding is Python's.
    needle = str(params.get("query", "") or "").casefold()
    names = sorted(k for k in backend().published_keywords() if needle in k.casefold())
    if flag(params, "all_fields"):
        return [{"id": name, "name": name, "vocabulary_id": None} for name in names]
    return names


# CKAN's own entry for a package without a licence (package_dict's license_id then).
NOT_SPECIFIED = {
    "id": "notspecified",
    "title": "License not specified",
    "url": "",
    "od_conformance": "not reviewed",
    "osd_conformance": "not reviewed",
    "status": "active",
}


def license_list(params: dict) -> list[dict]:
    """The licences datasets may carry (SPDX ids), and CKAN's `notspecified`."""
    return [
        NOT_SPECIFIED,
        *(
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
        ),
    ]


def status_show(params: dict) -> dict:
    """The site and the CKAN API version it follows."""
    return {
        "site_title": "Suchi",
        "site_description": "Federated data registry, open catalogue and consent manager",
        "site_url": settings.SUCHI_SITE_URL,
        "ckan_version": CKAN_VERSION,
        "error_emails_to": None,
        "locale_default": "en",
        "extensions": ["suchi"],
    }


def site_read(params: dict) -> bool:
    """Whether the site can be read: always (ckanapi and harvesters probe with it)."""
    return True


def vocabulary_list(params: dict) -> list:
    """Tag vocabularies: none (keywords are free tags; themes are groups)."""
    return []


def help_show(params: dict) -> str:
    """What an action does (its docstring)."""
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
        group_show,
        tag_list,
        tag_show,
        resource_show,
        resource_search,
        current_package_list_with_resources,
        package_autocomplete,
        format_autocomplete,
        license_list,
        status_show,
        site_read,
        vocabulary_list,
        help_show,
    )
}
