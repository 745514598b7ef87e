"""DCAT-AP endpoints: /catalog.ttl, /catalog.jsonld, /datasets/<id>.ttl|.jsonld and content
negotiation on /datasets/<id> (HTML page, Turtle, JSON-LD, or the API's JSON)."""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from registry.selectors import datasets_published, datasets_visible_to

from . import pages
from .query_params import parse_moment
from .standards import dcat

PAGE_SIZE = 100
MEDIA_TYPES = {"ttl": "text/turtle; charset=utf-8", "jsonld": "application/ld+json; charset=utf-8"}
# What /datasets/<id> offers, the first being the answer to */* or no Accept at all.
NEGOTIATED = {
    "text/html": "html",
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/json": "json",
}


def _base() -> str:
    return settings.SUCHI_SITE_URL


@require_GET
def catalog(request, fmt: str):
    qs = datasets_published().order_by("-modified_at", "id")
    since = request.GET.get("modified_since")
    if since:
        moment = parse_moment(since, dates=False)
        if moment is None:
            return JsonResponse(
                {"detail": "modified_since: use an ISO 8601 date-time."}, status=400
            )
        qs = qs.filter(modified_at__gte=moment)
    raw = request.GET.get("page", "1")
    # Checked before any SQL: a 20-digit page would overflow the database's 64-bit OFFSET.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or int(raw) < 1:
        return JsonResponse(
            {
                "detail": "page: a whole number from 1.",
                "errors": {"page": ["A whole number from 1."]},
            },
            status=400,
        )
    page = int(raw)
    total = qs.count()
    if page > 1 and (page - 1) * PAGE_SIZE >= total:
        raise Http404("No such page.")
    datasets = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])

    def page_url(n: int) -> str:
        params = request.GET.copy()
        params["page"] = str(n)
        return f"{_base()}/catalog.{fmt}?{params.urlencode()}"

    graph = dcat.catalog_graph(
        _base(), datasets, page=page, page_size=PAGE_SIZE, total=total, page_url=page_url
    )
    return HttpResponse(dcat.serialize(graph, fmt), content_type=MEDIA_TYPES[fmt])


@require_GET
def dataset(request, pk, fmt: str | None = None):
    if fmt is None:
        response = _negotiated_dataset(request, pk)
        patch_vary_headers(response, ["Accept"])
        return response
    return _dataset_rdf(pk, fmt)


def _negotiated_dataset(request, pk):
    if "HTTP_ACCEPT" not in request.META:
        chosen = "html"
    else:
        chosen = NEGOTIATED.get(request.get_preferred_type(list(NEGOTIATED)) or "", "")
    if chosen == "html":
        return pages.public_page(pages.dataset_page)(request, pk)
    if chosen == "json":
        return redirect("dataset-detail", pk=pk)
    if chosen in MEDIA_TYPES:
        return _dataset_rdf(pk, chosen)
    return HttpResponse(
        "Not acceptable: this dataset is offered as " + ", ".join(NEGOTIATED) + ".\n",
        status=406,
        content_type="text/plain; charset=utf-8",
    )


def _dataset_rdf(pk, fmt: str):
    obj = get_object_or_404(datasets_visible_to(institution=None), pk=pk)
    if obj.status != "published":
        return JsonResponse({"detail": "This dataset was withdrawn."}, status=410)
    graph = dcat.new_graph()
    dcat.add_dataset(graph, _base(), obj)
    response = HttpResponse(dcat.serialize(graph, fmt), content_type=MEDIA_TYPES[fmt])
    response["Last-Modified"] = http_date(obj.modified_at.timestamp())
    return response
