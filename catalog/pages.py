"""The public catalogue pages: server-rendered HTML, no JavaScript.

They read through the same search, pagination and selectors as the REST API, so that a page
and an API answer for the same query always agree.
"""

import json
import math
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from core.replicas import replica_reads
from registry import datacard, vocabularies
from registry.models import Dataset, Institution, ValidationFinding
from registry.selectors import (
    dataset_revisions,
    dataset_validation_runs,
    datasets_published,
    datasets_visible_to,
)

from . import labels
from .api.pagination import SearchCursorPagination
from .query_params import LIST_PARAMS, ORDERINGS, dataset_query_from, list_values
from .search import SearchError, facets, for_paging, search_datasets, summarize
from .selectors import institutions_listed
from .standards import schemaorg

PAGE_SIZE = 20
# No script, no inline style, nothing from elsewhere: the pages need none of it.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
FACET_TITLES = {
    "institution": _("Institution"),
    "theme": _("Theme"),
    "license": _("Licence"),
    "format": _("Format"),
    "access": _("Access"),
    "keyword": _("Keyword"),
    "ml_ready": _("For machine learning"),
}
FILTER_TITLES = {**FACET_TITLES, "state": _("State"), "modified_since": _("Changed since")}
CHECK_TITLES = {
    "metadata_completeness": _("Metadata completeness"),
    "licence": _("Licence"),
    "source_url_safety": _("Safety of the source addresses"),
    "reachability": _("Source reachable"),
    "sample_conformance": _("Sample of the data"),
    "personal_data": _("Personal data in open data"),
}
SEVERITY_TITLES = {
    ValidationFinding.Severity.ERROR: _("Problem"),
    ValidationFinding.Severity.WARNING: _("Warning"),
    ValidationFinding.Severity.INFO: _("Note"),
}
SORT_TITLES = {
    "relevance": _("Best match"),
    "-modified": _("Recently changed"),
    "title": _("Title"),
}


def public_page(view):
    """A public HTML page: GET/HEAD only, with a strict Content-Security-Policy."""

    @require_safe
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.setdefault("Content-Security-Policy", CSP)
        return response

    return wrapped


def _error(request, status: int, title, message, *, param: str = "") -> HttpResponse:
    context = {"title": title, "message": message, "param": param}
    return render(request, "catalog/error.html", context, status=status)


def _path_and_query(url: str | None) -> str | None:
    """A link of the paginator (absolute) as a path and query, as pages link."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _query_string(params, **changes) -> str:
    """The current query with some parameters replaced (None drops one). Paging is always
    dropped: a changed search starts again on its first page."""
    params = params.copy()
    for name in ("cursor", "page", *changes):
        params.pop(name, None)
    for name, values in changes.items():
        if values:
            params.setlist(name, values if isinstance(values, list) else [values])
    return f"?{params.urlencode()}" if params else "?"


def _words_for(name: str, value: str) -> str | None:
    """A filter value that is one of our codes (theme, state, access), in the page's language;
    None for the others (institutions, licences, keywords, formats are names already)."""
    if name == "theme":
        return vocabularies.display_name(vocabularies.themes().get(value), value)
    if name == "state":
        return vocabularies.display_name(vocabularies.states().get(value), value)
    if name == "access":
        return str(labels.ACCESS.get(value, value))
    if name == "ml_ready":
        return str(labels.ML_READY.get(value, value))
    return None


def _in_language(counts: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The facet counts with our codes' labels in the page's language (the search gives the
    API's English ones)."""
    return {
        name: [
            {**item, "label": _words_for(name, item["value"]) or item["label"]} for item in items
        ]
        for name, items in counts.items()
    }


def _facet_groups(params, counts: dict[str, list[dict]]) -> list[dict]:
    groups = []
    for name, values in counts.items():
        active = list_values(params, name)
        items = []
        for item in values:
            selected = item["value"] in active
            changed = (
                [v for v in active if v != item["value"]] if selected else [*active, item["value"]]
            )
            items.append(
                {**item, "selected": selected, "href": _query_string(params, **{name: changed})}
            )
        if items:
            groups.append({"name": name, "title": FACET_TITLES.get(name, name), "items": items})
    return groups


def _active_filters(params, counts: dict[str, list[dict]]) -> list[dict]:
    shown = {
        (name, item["value"]): item["label"] for name, items in counts.items() for item in items
    }
    active = []
    for name in LIST_PARAMS:
        values = list_values(params, name)
        for value in values:
            # Also for values the facets do not list (no hits, or past a facet's top 20).
            label = _words_for(name, value) or shown.get((name, value)) or value
            rest = [v for v in values if v != value]
            active.append(
                {
                    "name": name,
                    "title": FILTER_TITLES[name],
                    "label": label,
                    "href": _query_string(params, **{name: rest}),
                }
            )
    if since := params.get("modified_since"):
        active.append(
            {
                "name": "modified_since",
                "title": FILTER_TITLES["modified_since"],
                "label": since,
                "href": _query_string(params, modified_since=None),
            }
        )
    return active


def _pages(params, paginator, count: int) -> dict:
    """Page numbers for the shallow pages, plus next/previous (numbers while shallow, cursors
    beyond)."""
    last = min(math.ceil(count / paginator.page_size), paginator.max_page_number())
    current = paginator.page_number or (1 if "cursor" not in params else None)
    numbers = []
    if last > 1:
        shown = {1, last} | (
            set(range(max(1, current - 2), min(last, current + 2) + 1)) if current else set()
        )
        previous_n = 0
        for n in sorted(shown):
            if n - previous_n > 1:
                numbers.append({"gap": True})
            numbers.append(
                {"number": n, "href": _query_string(params, page=str(n)), "current": n == current}
            )
            previous_n = n
    next_href = _path_and_query(paginator.get_next_link())
    previous_href = _path_and_query(paginator.get_previous_link())
    if current and current < last:
        next_href = _query_string(params, page=str(current + 1))
    if current and current > 1:
        previous_href = (
            _query_string(params, page=str(current - 1)) if current > 2 else _query_string(params)
        )
    return {"numbers": numbers, "next": next_href, "previous": previous_href, "current": current}


@replica_reads
@public_page
def home(request):
    context = {
        "dataset_count": datasets_published().count(),
        "institution_count": institutions_listed().count(),
    }
    return render(request, "catalog/home.html", context)


@replica_reads
@public_page
def dataset_list(request):
    params = request.GET.copy()
    if params.get("sort") == "relevance" and not params.get("q", "").strip():
        # The form offers "best match" whatever the box holds; without words it means nothing.
        params.pop("sort")
    try:
        query = dataset_query_from(params)
        qs = search_datasets(query)
    except SearchError as exc:
        return _error(request, 400, _("This search cannot be run"), str(exc), param=exc.param)
    request.GET = params
    drf_request = Request(request)
    paginator = SearchCursorPagination(ORDERINGS[query.effective_sort()])
    paginator.page_size = PAGE_SIZE
    try:
        datasets = paginator.paginate_queryset(for_paging(qs, query), drf_request)
    except ValidationError as exc:
        param, messages = next(iter(exc.detail.items()))
        return _error(request, 400, _("This page cannot be shown"), str(messages[0]), param=param)
    summary = summarize(qs, query, allow_estimate=True)
    count, counts = summary.count, _in_language(summary.facets)
    if not datasets and (paginator.page_number or 1) > 1:
        # Past the last page: say so, rather than "nothing matches" beside a count.
        return _error(
            request,
            404,
            _("No such page"),
            _("This search has fewer pages. Go back to its first page."),
            param="page",
        )
    context = {
        "datasets": datasets,
        "count": count,
        "count_is_estimate": summary.estimated,
        "q": query.q,
        "sort": query.effective_sort(),
        "sorts": [
            (value, title)
            for value, title in SORT_TITLES.items()
            if value != "relevance" or query.q
        ],
        "hidden": [(name, value) for name in LIST_PARAMS for value in list_values(params, name)],
        "modified_since": params.get("modified_since", ""),
        "facet_groups": _facet_groups(params, counts),
        "active_filters": _active_filters(params, counts),
        "pages": _pages(params, paginator, count),
        "api_href": "/api/v1/datasets" + _query_string(params).rstrip("?"),
    }
    return render(request, "catalog/dataset_list.html", context)


def source_fields_shown(provenance: dict | None) -> list[tuple[str, str]]:
    """What a harvested record's source said beyond Suchi's model, as (name, text) pairs; a
    list or an object is written out as JSON (autoescaped in the page)."""
    fields = (provenance or {}).get("source_fields") or {}
    if not isinstance(fields, dict):
        return []
    return [
        (str(name), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for name, value in sorted(fields.items())
    ]


def card_shown(stored: dict) -> dict | None:
    """The data card as the page shows it, in the active language; None if nothing is said."""
    card = datacard.card_of(stored)
    if datacard.is_empty(card):
        return None
    return {
        "texts": [(label, card[key]) for key, label in datacard.TEXTS.items() if card[key]],
        "subjects": labels.DATA_SUBJECTS.get(card["data_subjects"], ""),
        "sensitive": [
            {**item, "category": labels.SENSITIVE_CATEGORY.get(item["category"], "")}
            for item in card["sensitive_fields"]
        ],
        "start": card["collection_start"],
        "end": card["collection_end"],
        "authors": card["authors"],
        "complete": not datacard.missing(card),
    }


def dataset_page(request, pk) -> HttpResponse:
    """One dataset as HTML (the HTML branch of /datasets/<id>'s content negotiation)."""
    dataset = get_object_or_404(datasets_visible_to(institution=None), pk=pk)
    if dataset.status != Dataset.Status.PUBLISHED:
        return render(request, "catalog/dataset_gone.html", {"dataset": dataset}, status=410)
    latest_run = dataset_validation_runs(dataset=dataset, owner=False).first()
    findings = list(latest_run.findings.all()) if latest_run else []
    licence = vocabularies.licences().get(dataset.license)
    themes = vocabularies.themes()
    states = vocabularies.states()
    frequency = vocabularies.frequencies().get(dataset.update_frequency)
    languages = vocabularies.languages()
    context = {
        "dataset": dataset,
        "distributions": list(dataset.distributions.all()),
        "licence": licence,
        "themes": [
            {"code": c, "label": vocabularies.display_name(themes[c])}
            for c in dataset.themes
            if c in themes
        ],
        "states": [
            vocabularies.display_name(states.get(code), code)
            for code in dataset.spatial.get("states", [])
        ],
        "districts": dataset.spatial.get("districts", []),
        "bbox": dataset.spatial.get("bbox"),
        "source_fields": source_fields_shown(dataset.provenance),
        # Consent-access records are released per person under a consent artefact, not a licence.
        "ai_training": ""
        if dataset.access_rights == Dataset.Access.CONSENT
        else vocabularies.display_name(vocabularies.ai_training(dataset.license)),
        "frequency": vocabularies.display_name(frequency),
        "languages": [
            vocabularies.display_name(languages.get(code), code) for code in dataset.languages
        ],
        "card": card_shown(dataset.data_card),
        "quality": dataset.quality or None,
        "latest_run": latest_run,
        "findings": [
            {
                "severity": f.severity,
                "severity_title": SEVERITY_TITLES.get(f.severity, f.severity),
                "check_title": CHECK_TITLES.get(f.check_name, f.check_name),
                "message": f.message,
                "field": f.field,
            }
            for f in findings
        ],
        "source_unreachable": dataset.source_failures >= settings.SUCHI_SOURCE_FLAG_AFTER,
        "revisions": list(dataset_revisions(dataset=dataset, owner=False)[:10]),
        # For search engines (Google Dataset Search): escaped to be safe inside <script>.
        "schema_org": schemaorg.script_json(
            schemaorg.dataset_jsonld(settings.SUCHI_SITE_URL, dataset)
        ),
    }
    response = render(request, "catalog/dataset_detail.html", context)
    response["Last-Modified"] = http_date(dataset.modified_at.timestamp())
    return response


@replica_reads
@public_page
def institution_list(request):
    published = Q(datasets__status=Dataset.Status.PUBLISHED)
    institutions = institutions_listed().annotate(dataset_count=Count("datasets", filter=published))
    return render(request, "catalog/institution_list.html", {"institutions": institutions})


@public_page
def institution_detail(request, slug):
    institution: Institution = get_object_or_404(institutions_listed(), slug=slug)
    qs = datasets_published().filter(institution=institution)
    context = {
        "institution": institution,
        "datasets": list(qs[:PAGE_SIZE]),
        "count": qs.count(),
        "themes": _in_language({"theme": facets(qs)["theme"]})["theme"],
        "state": vocabularies.display_name(vocabularies.states().get(institution.state_code)),
    }
    return render(request, "catalog/institution_detail.html", context)
