"""The catalogue for machines: DCAT-AP (/catalog, /catalog.ttl|.jsonld|.rdf, /datasets/<id> and
its .ttl|.jsonld|.rdf), DCAT-US 1.1 (/data.json, streamed), and the other resources whose IRIs
the DCAT output mints (/distributions/<id>, /places/IN-<state>). Every IRI answers a browser
with a page and an RDF client, by content negotiation, with Turtle, JSON-LD or RDF/XML. A dataset
is also offered in MLCommons Croissant 1.1 (/datasets/<id>/croissant.jsonld, or an Accept naming
the Croissant profile).

Every view answers HEAD as well as GET: ckanext-dcat's harvester sends a HEAD first.
"""

import json
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from core.batches import in_batches
from core.replicas import replica_reads
from registry import vocabularies
from registry.models import Dataset, Distribution
from registry.selectors import datasets_published, datasets_visible_to

from . import iris, pages
from .query_params import parse_moment
from .search import DatasetQuery, search_datasets
from .selectors import institutions_listed
from .standards import croissant, dcat
from .standards.datajson import datajson_catalog_chunks, with_source_said

PAGE_SIZE = 100
MEDIA_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json; charset=utf-8",
    "rdf": "application/rdf+xml; charset=utf-8",
}
RDF_OFFERS = {"text/turtle": "ttl", "application/ld+json": "jsonld", "application/rdf+xml": "rdf"}
# What a resource's IRI offers, the first being the answer to */* or no Accept at all: a page
# for a dataset, a distribution or a place; RDF/XML for the catalogue, since ckanext-dcat's
# harvester sends no Accept header and reads RDF/XML unless told otherwise.
NEGOTIATED = {"text/html": "html", **RDF_OFFERS, "application/json": "json"}
# A dataset's IRI also offers Croissant, to an Accept naming its profile. It comes after plain
# JSON-LD: Django matches an Accept of plain application/ld+json to both, and the first wins.
DATASET_OFFERS = {**NEGOTIATED, croissant.MEDIA_TYPE: "croissant"}
CATALOG_OFFERS = {"application/rdf+xml": "rdf", **RDF_OFFERS, "text/html": "html"}
# Datasets read per query while data.json is written: memory holds this many, not the catalogue.
DATAJSON_CHUNK = 500
STREAM_BUFFER = 64 * 1024


def _base() -> str:
    return settings.SUCHI_SITE_URL


def _chosen(request, offers: dict[str, str]) -> str:
    """What to answer: the offer the Accept header prefers; the first offer without one; ""
    when nothing offered is acceptable."""
    if not request.META.get("HTTP_ACCEPT"):
        return next(iter(offers.values()))
    return offers.get(request.get_preferred_type(list(offers)) or "", "")


def _not_acceptable(offers) -> HttpResponse:
    return HttpResponse(
        "Not acceptable: this resource is offered as " + ", ".join(offers) + ".\n",
        status=406,
        content_type="text/plain; charset=utf-8",
    )


def rdf_response(graph, fmt: str) -> HttpResponse:
    return HttpResponse(dcat.serialize(graph, fmt), content_type=MEDIA_TYPES[fmt])


def negotiated(offers: dict[str, str]):
    """A view answering by content negotiation; it gets the chosen format as `fmt`."""

    def decorate(view):
        @require_safe
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            fmt = _chosen(request, offers)
            response = view(request, *args, fmt=fmt, **kwargs) if fmt else _not_acceptable(offers)
            patch_vary_headers(response, ["Accept"])
            return response

        return wrapped

    return decorate


# --- the catalogue -----------------------------------------------------------------------------
@replica_reads
@require_safe
def catalog(request, fmt: str, route: str = ""):
    """One page of the catalogue (100 datasets) with hydra paging links, which name the same
    route: the pages of /catalog.rdf are /catalog.rdf?page=n, those of /catalog /catalog?page=n."""
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
    path = reverse(route or f"catalog-{fmt}")

    def page_url(n: int) -> str:
        params = request.GET.copy()
        params["page"] = str(n)
        return f"{_base()}{path}?{params.urlencode()}"

    graph = dcat.catalog_graph(
        _base(), datasets, page=page, page_size=PAGE_SIZE, total=total, page_url=page_url
    )
    return rdf_response(graph, fmt)


@replica_reads
@negotiated(CATALOG_OFFERS)
def catalog_negotiated(request, fmt: str):
    """/catalog, the catalogue's IRI: RDF for machines; a browser is sent to the home page."""
    if fmt == "html":
        return redirect("home")
    return catalog(request, fmt=fmt, route="catalog")


@replica_reads
@require_safe
def data_json(request):
    """The public catalogue as DCAT-US 1.1, written as it is read: one query for the datasets
    (by keyset, a chunk at a time) and one for the distributions of every chunk."""
    content_type = "application/json; charset=utf-8"
    if request.method == "HEAD":  # some servers iterate a body they then drop: read nothing
        return HttpResponse(content_type=content_type)
    qs = with_source_said(
        datasets_published()
        .select_related(None)
        .select_related("institution")
        .defer("quality", "provenance")
    )
    # Newest first, by keyset: no server-side cursor (a pooler cannot keep one; core/batches.py).
    rows = in_batches(qs, order=("-created_at", "-pk"), size=DATAJSON_CHUNK)
    chunks = datajson_catalog_chunks(_base(), rows, self_url=iris.data_json(_base()))
    return StreamingHttpResponse(_buffered(chunks), content_type=content_type)


def _buffered(chunks):
    """Text pieces as UTF-8 blocks of about STREAM_BUFFER bytes (fewer, larger writes)."""
    buffer, size = [], 0
    for chunk in chunks:
        data = chunk.encode()
        buffer.append(data)
        size += len(data)
        if size >= STREAM_BUFFER:
            yield b"".join(buffer)
            buffer, size = [], 0
    yield b"".join(buffer)


# --- datasets ----------------------------------------------------------------------------------
@replica_reads
@require_safe
def dataset(request, pk, fmt: str | None = None):
    if fmt is None:
        return _negotiated_dataset(request, pk)
    return _dataset_rdf(pk, fmt)


@negotiated(DATASET_OFFERS)
def _negotiated_dataset(request, pk, fmt: str):
    if fmt == "html":
        return pages.public_page(pages.dataset_page)(request, pk)
    if fmt == "json":
        return redirect("dataset-detail", pk=pk)
    if fmt == "croissant":
        return croissant_response(pk)
    return _dataset_rdf(pk, fmt)


def _dataset_rdf(pk, fmt: str):
    obj = get_object_or_404(datasets_visible_to(institution=None), pk=pk)
    if obj.status != "published":
        return JsonResponse({"detail": "This dataset was withdrawn."}, status=410)
    graph = dcat.new_graph()
    dcat.add_dataset(graph, _base(), obj)
    response = rdf_response(graph, fmt)
    response["Last-Modified"] = http_date(obj.modified_at.timestamp())
    return response


@replica_reads
@require_safe
def dataset_croissant(request, pk):
    """/datasets/<id>/croissant.jsonld: the dataset in MLCommons Croissant 1.1."""
    return croissant_response(pk)


def croissant_response(pk) -> HttpResponse:
    """A public dataset's Croissant JSON-LD; 410 once withdrawn, 404 if it never was public.
    `<`, `>` and `&` are written as JSON escapes, so that the document stays inert even when
    embedded in a page; a JSON parser reads the same text."""
    obj = get_object_or_404(datasets_visible_to(institution=None), pk=pk)
    if obj.status != Dataset.Status.PUBLISHED:
        return JsonResponse({"detail": "This dataset was withdrawn."}, status=410)
    body = json.dumps(croissant.dataset_document(_base(), obj), ensure_ascii=False)
    body = body.translate(_JSON_ESCAPES)
    response = HttpResponse(body, content_type=croissant.MEDIA_TYPE + "; charset=utf-8")
    response["Last-Modified"] = http_date(obj.modified_at.timestamp())
    return response


_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


# --- distributions -----------------------------------------------------------------------------
def _distribution(pk) -> Distribution:
    """A distribution of a dataset anyone may see (published, or withdrawn after being public)."""
    visible = datasets_visible_to(institution=None).values("pk")
    return get_object_or_404(
        Distribution.objects.select_related("dataset__institution").filter(dataset__in=visible),
        pk=pk,
    )


@replica_reads
@negotiated({k: v for k, v in NEGOTIATED.items() if v != "json"})
def distribution(request, pk, fmt: str):
    """/distributions/<id>: where the data is, which dataset it belongs to."""
    dist = _distribution(pk)
    dataset = dist.dataset
    if dataset.status != Dataset.Status.PUBLISHED:
        if fmt == "html":
            return render(request, "catalog/dataset_gone.html", {"dataset": dataset}, status=410)
        return JsonResponse({"detail": "This dataset was withdrawn."}, status=410)
    if fmt != "html":
        return rdf_response(dcat.distribution_graph(_base(), dist), fmt)
    context = {"distribution": dist, "dataset": dataset}
    return _page(request, "catalog/distribution_detail.html", context)


@replica_reads
@require_safe
def distribution_schema(request, pk):
    """A distribution's Table Schema (the data dictionary data.json's describedBy names)."""
    dist = _distribution(pk)
    if dist.dataset.status != Dataset.Status.PUBLISHED or not dist.schema:
        raise Http404("This distribution has no schema.")
    return JsonResponse(dist.schema, json_dumps_params={"ensure_ascii": False})


# --- places ------------------------------------------------------------------------------------
PLACE_PAGE_SIZE = 20


@replica_reads
@negotiated({k: v for k, v in NEGOTIATED.items() if v != "json"})
def place(request, code: str, fmt: str):
    """/places/IN-<code>: a state or union territory, and the datasets that cover it."""
    state = vocabularies.states().get(code)
    if state is None:
        raise Http404("No such state or union territory.")
    if fmt != "html":
        return rdf_response(dcat.place_graph(_base(), code), fmt)
    qs = search_datasets(DatasetQuery(state=[code]))
    context = {
        "code": code,
        "state": state,
        "name": vocabularies.display_name(state),
        "datasets": list(qs[:PLACE_PAGE_SIZE]),
        "count": qs.count(),
    }
    return _page(request, "catalog/place_detail.html", context)


# --- institutions (the publishers' IRIs) ---------------------------------------------------------
@replica_reads
@negotiated({k: v for k, v in NEGOTIATED.items() if v != "json"})
def institution(request, slug: str, fmt: str):
    """/institutions/<slug>: the publisher's page, or its foaf:Agent in RDF."""
    if fmt == "html":
        return pages.institution_detail(request, slug)
    found = get_object_or_404(institutions_listed(), slug=slug)
    graph = dcat.new_graph()
    dcat.add_agent(graph, _base(), found)
    return rdf_response(graph, fmt)


def _page(request, template: str, context: dict) -> HttpResponse:
    """A public HTML page, under the catalogue pages' Content-Security-Policy."""
    response = render(request, template, context)
    response.setdefault("Content-Security-Policy", pages.CSP)
    return response
