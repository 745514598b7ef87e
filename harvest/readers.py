"""Readers turn a source into remote records in Suchi's dataset payload shape (what
POST /api/v1/datasets takes). One reader per kind; each pages through its source and stops
with HarvestError when the source misbehaves (a page repeated, malformed content).
"""

import functools
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings

from catalog.standards import ckan, croissant, datajson, dcat
from catalog.standards.common import UNREADABLE, RemoteRecord, bounded_fields, text
from catalog.standards.dates import source_date
from catalog.standards.dcat import HYDRA, RDF_TYPES, rdf_format_of
from core.jsontext import strict_loads
from core.links import http_url
from core.rdf import DocumentInvalid, DocumentRefused, parse_rdf

from .encoding import utf8_stream
from .fetch import HarvestError, open_url, read_whole

logger = logging.getLogger(__name__)


@dataclass
class Progress:
    """What a reader reports as it goes (pages read)."""

    pages: int = 0
    on_page: Callable[[int], None] = field(default=lambda pages: None)

    def page(self) -> None:
        self.pages += 1
        self.on_page(self.pages)
        if self.pages > settings.SUCHI_HARVEST_MAX_PAGES:
            raise HarvestError(f"more than {settings.SUCHI_HARVEST_MAX_PAGES} pages; stopping")


def parsed(parse, *args, guid) -> RemoteRecord:
    """`parse(*args)`, or, if the parser fails on the record (a bug met on odd input), a record
    the import counts as failed with the reason: one bad record never fails the whole job."""
    try:
        return parse(*args)
    except Exception as exc:
        logger.exception("a record could not be read", extra={"guid": str(guid)[:200]})
        reason = f"the record could not be read ({type(exc).__name__}); the operators' log has it"
        return RemoteRecord(text(str(guid or ""), 500), {UNREADABLE: reason})


# --- DCAT-US data.json ------------------------------------------------------------------------
def read_datajson(url: str, progress: Progress) -> Iterator[RemoteRecord]:
    """A DCAT-US catalogue, parsed as a stream (ijson): memory stays bounded however big. An
    object's `dataset` array (DCAT-US 1.1, 3.0), or the array the document is (Project Open Data
    1.0, 2013). A document that is neither fails the job: read as an empty catalogue, it would
    withdraw every dataset the source had."""
    import ijson

    with open_url(url, accept="application/json") as response:
        progress.page()
        try:
            body = utf8_stream(response.body, content_type=response.content_type_header, url=url)
            events = ijson.parse(body, use_float=True)
            _, first, _ = next(events, ("", None, None))
            shape = {"start_map": "dataset.item", "start_array": "item"}.get(first)
            if shape is None:
                raise HarvestError(f"{url}: not a data.json catalogue (an object or an array)")
            seen = {"dataset": shape == "item"}

            def watched():
                yield "", first, None
                for prefix, event, value in events:
                    if prefix == "dataset" and event == "start_array":
                        seen["dataset"] = True
                    yield prefix, event, value

            yield from _datajson_items(ijson.items(watched(), shape), url)
        except ijson.JSONError as exc:
            raise HarvestError(f"data.json is not valid JSON ({exc})") from None
    if not seen["dataset"]:
        raise HarvestError(f"{url}: not a data.json catalogue: it has no `dataset` array")


def _datajson_items(items, url: str) -> Iterator[RemoteRecord]:
    for position, item in enumerate(items):
        if not isinstance(item, dict):  # counted failed; the other records go on
            reason = f"`dataset` entry {position + 1} is {type(item).__name__}, not an object"
            yield RemoteRecord(f"(entry {position + 1})", {UNREADABLE: reason})
            continue
        yield parsed(datajson.datajson_record, item, url, guid=item.get("identifier"))


def get_json(url: str, *, max_bytes: int | None = None):
    """A whole (bounded) JSON document, decoded as its Content-Type says (UTF-8 by default)."""
    raw = read_whole(
        url,
        lambda r: utf8_stream(r.body, content_type=r.content_type_header, url=url).read(),
        accept="application/json",
        max_bytes=max_bytes,
    )
    try:
        return strict_loads(raw)
    except ValueError as exc:
        raise HarvestError(f"{url}: not valid JSON ({exc})") from None


# --- CKAN --------------------------------------------------------------------------------------
def _with_query(url: str, params) -> str:
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


_CKAN_API = re.compile(r"(?P<site>.*?)/api(?:/\d+)?/action(?:/package_search)?")
_CKAN_PAGING = {"start", "rows", "sort", "offset", "limit", "page", "callback"}
# A search page's facets, as CKAN's own page turns them into package_search's fq.
_CKAN_FACETS = {"organization", "groups", "tags", "res_format", "license_id"}


def ckan_search(url: str) -> tuple[str, str, list[tuple[str, str]]]:
    """(the site, its package_search, the search) a CKAN source's URL names: the site itself;
    its API with a search (…/api/3/action/package_search?fq=organization:x); or a search page
    (…/dataset?q=water&organization=x), whose facets become fq. Paging is Suchi's own."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    path = parts.path.rstrip("/")
    if api := _CKAN_API.fullmatch(path):
        path, search = api["site"], [(k, v) for k, v in query if k not in _CKAN_PAGING]
    elif path.endswith("/dataset"):
        path = path.removesuffix("/dataset")
        terms = [f'{k}:"{_quoted(v)}"' for k, v in query if k in _CKAN_FACETS and v]
        search = [(k, v) for k, v in query if k == "q" and v][:1]
        search += [("fq", " AND ".join(terms))] if terms else []
    else:
        search = []
    site = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return site, f"{site}/api/3/action/package_search", search


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def read_ckan(url: str, progress: Progress) -> Iterator[RemoteRecord]:
    """A CKAN site (or a search of it: ckan_search), through package_search paged with
    start/rows, oldest first."""
    base, endpoint, search = ckan_search(url)
    rows, start, seen_pages = 100, 0, set()
    while True:
        paging = {"rows": rows, "start": start, "sort": "metadata_created asc"}
        body = get_json(_with_query(endpoint, [*search, *paging.items()]))
        progress.page()
        if (
            not isinstance(body, dict)
            or not body.get("success")
            or not isinstance(body.get("result"), dict)
        ):
            raise HarvestError(f"{endpoint}: not a CKAN package_search answer")
        results = body["result"].get("results")
        if not isinstance(results, list):
            raise HarvestError(f"{endpoint}: `result.results` is not a list")
        if not results:
            return
        signature = tuple(str(p.get("id")) for p in results if isinstance(p, dict))
        if signature in seen_pages:
            raise HarvestError(f"{endpoint}: the source repeated a page (start={start}); stopping")
        seen_pages.add(signature)
        for package in results:
            if isinstance(package, dict):
                yield parsed(ckan.ckan_record, package, base, guid=package.get("id"))
        start += len(results)
        count = body["result"].get("count")
        if isinstance(count, int) and start >= count:
            return


# --- another Suchi node ------------------------------------------------------------------------
def read_suchi(url: str, progress: Progress) -> Iterator[RemoteRecord]:
    """A Suchi node, through its REST API: lossless (the output is valid input), cursor paged."""
    base = url.rstrip("/")
    next_url = f"{base}/api/v1/datasets?page_size=100&sort=-modified"
    visited = set()
    while next_url:
        if next_url in visited:
            raise HarvestError(f"{next_url}: the source repeated a page; stopping")
        visited.add(next_url)
        body = get_json(next_url)
        progress.page()
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise HarvestError(f"{next_url}: not a Suchi dataset list")
        for item in body["results"]:
            if not isinstance(item, dict):
                continue
            payload = {k: v for k, v in item.items() if k not in _SUCHI_OUTPUT_ONLY}
            payload["slug"] = ""
            for dist in payload.get("distributions") or []:
                if isinstance(dist, dict):
                    dist.pop("id", None)
            institution = (
                item.get("institution") if isinstance(item.get("institution"), dict) else {}
            )
            links = item.get("links") if isinstance(item.get("links"), dict) else {}
            # A record the other Suchi harvested keeps its own source's dates, what that source
            # said beyond Suchi's fields, and where it came from.
            origin = item.get("provenance") if isinstance(item.get("provenance"), dict) else {}
            said = origin.get("source_fields")
            yield RemoteRecord(
                str(item.get("id")),
                payload,
                http_url(links.get("self")),
                text(origin.get("publisher"), 300) or text(institution.get("name"), 300),
                source_fields=bounded_fields(said) if isinstance(said, dict) else {},
                issued=source_date(origin.get("issued")) or source_date(item.get("published_at")),
                modified=source_date(origin.get("modified"))
                or source_date(item.get("modified_at")),
                origin=_first_hop(origin),
            )
        next_url = body.get("next") or None
        if next_url:
            next_url = urljoin(base + "/", next_url)


def _first_hop(provenance: dict) -> dict:
    """Where another Suchi harvested a record from (its provenance), as the record's origin: the
    first hop's, however many Suchis it passed through since."""
    if isinstance(provenance.get("origin"), dict):
        provenance = {"source": provenance["origin"], **provenance["origin"]}
    source = provenance.get("source") if isinstance(provenance.get("source"), dict) else {}
    kind = text(source.get("kind"), 20)
    if kind not in READERS:  # a kind of source this catalogue knows, or no origin at all
        return {}
    return {
        "kind": kind,
        "name": text(source.get("name"), 200),
        "url": http_url(source.get("url")),
        "remote_id": text(provenance.get("remote_id"), 500),
        "remote_url": http_url(provenance.get("remote_url")),
    }


_SUCHI_OUTPUT_ONLY = {
    "id", "status", "institution", "created_at", "modified_at", "published_at", "withdrawn_at",
    "revision", "pending_revision", "latest_validation", "links", "quality", "health",
    "provenance", "submitted_revision",
}  # fmt: skip


# --- DCAT (RDF) --------------------------------------------------------------------------------
def read_dcat(url: str, progress: Progress) -> Iterator[RemoteRecord]:
    """A DCAT catalogue in Turtle, RDF/XML or JSON-LD, following hydra `next` pages."""
    from rdflib.namespace import DCAT, RDF

    next_url, visited = url, set()
    while next_url:
        if next_url in visited:
            raise HarvestError(f"{next_url}: the source repeated a page; stopping")
        visited.add(next_url)
        fmt, raw = read_whole(
            next_url,
            functools.partial(_rdf_page, asked=next_url),
            accept="text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8",
            max_bytes=settings.SUCHI_HARVEST_MAX_PAGE_BYTES,
        )
        progress.page()
        try:
            graph = parse_rdf(raw, fmt, base=next_url)
        except (DocumentRefused, DocumentInvalid) as exc:
            raise HarvestError(f"{next_url}: {exc}") from None
        for node in sorted(graph.subjects(RDF.type, DCAT.Dataset), key=str):
            yield parsed(dcat.dataset_record, graph, node, guid=str(node))
        next_url = _next_page(graph, next_url)


def _rdf_page(response, *, asked: str) -> tuple[str, bytes]:
    """An RDF page's format (its Content-Type, else the asked address's ending) and its bytes:
    UTF-8, but for XML, which names its own encoding in its declaration."""
    fmt = RDF_TYPES.get(response.content_type) or rdf_format_of(asked)
    if fmt == "xml":
        return fmt, response.body.read_all()
    body = utf8_stream(response.body, content_type=response.content_type_header, url=asked)
    return fmt, body.read()


def _next_page(graph, page_url: str) -> str | None:
    """The next page a DCAT page names, in either of Hydra's forms: a PartialCollectionView's
    `hydra:next` (Hydra today, Suchi's own), or a PagedCollection's `hydra:nextPage` (the older
    vocabulary, as ckanext-dcat writes it, often a literal), relative to the page or not."""
    for predicate in (HYDRA.next, HYDRA.nextPage):
        for target in sorted(map(str, graph.objects(None, predicate))):
            if target.strip():
                return urljoin(page_url, target.strip())
    return None


# --- Croissant ---------------------------------------------------------------------------------
def read_croissant(url: str, progress: Progress) -> Iterator[RemoteRecord]:
    """Croissant JSON-LD: one dataset (as Hugging Face, Kaggle and Zenodo serve each dataset's),
    a JSON list of them, or a schema.org DataCatalog listing them in `dataset`."""
    data = get_json(url, max_bytes=settings.SUCHI_HARVEST_MAX_PAGE_BYTES)
    progress.page()
    documents = croissant.documents_in(data)
    if not documents:
        raise HarvestError(f"{url}: not a Croissant dataset, list or DataCatalog")
    # A list may give several datasets one landing page and no @id (the Croissant repository's
    # examples all say https://mlcommons.org): those are told apart by their names too.
    shared = Counter(croissant.landing_page(d) for d in documents if not d.get("@id"))
    for document in documents:
        guid = document.get("@id") or document.get("url") or document.get("name")
        by_name = not document.get("@id") and shared[croissant.landing_page(document)] > 1
        yield parsed(croissant.croissant_record, document, url, by_name, guid=guid)


READERS = {
    "datajson": read_datajson,
    "ckan": read_ckan,
    "suchi": read_suchi,
    "dcat": read_dcat,
    "croissant": read_croissant,
}

# What each kind of source calls the payload's fields, for a record's failure to name what the
# source wrote (or left out): "title: This field may not be blank" said nothing of dct:title.
SOURCE_NAMES = {
    "datajson": {
        "title": "title", "description": "description", "license": "license",
        "contact_point": "contactPoint", "contact_point.email": "contactPoint.hasEmail",
        "distributions": "distribution", "distributions.access_url": "distribution.accessURL",
        "distributions.download_url": "distribution.downloadURL",
        "distributions.media_type": "distribution.mediaType", "landing_page": "landingPage",
        "keywords": "keyword", "themes": "theme",
    },
    "dcat": {
        "title": "dct:title", "description": "dct:description", "license": "dct:license",
        "contact_point": "dcat:contactPoint",
        "contact_point.email": "dcat:contactPoint/vcard:hasEmail",
        "distributions": "dcat:distribution",
        "distributions.access_url": "dcat:distribution/dcat:accessURL",
        "distributions.download_url": "dcat:distribution/dcat:downloadURL",
        "distributions.media_type": "dcat:distribution/dcat:mediaType",
        "landing_page": "dcat:landingPage", "keywords": "dcat:keyword", "themes": "dcat:theme",
    },
    "ckan": {
        "title": "title (or name)", "description": "notes", "license": "license_id",
        "contact_point": "maintainer / contact", "contact_point.email": "maintainer_email",
        "distributions": "resources", "distributions.access_url": "resources.url",
        "distributions.download_url": "resources.download_url",
        "distributions.media_type": "resources.mimetype", "landing_page": "url",
        "keywords": "tags", "themes": "groups",
    },
    "croissant": {
        "title": "name", "description": "description", "license": "license",
        "distributions": "distribution", "distributions.access_url": "distribution.contentUrl",
        "keywords": "keywords", "landing_page": "url",
    },
}  # fmt: skip


def source_name(kind: str, field: str) -> str:
    """The source's own name for a payload field (`distributions[0].access_url` of a DCAT
    source: `dcat:distribution/dcat:accessURL`); "" where it has none of its own."""
    return SOURCE_NAMES.get(kind, {}).get(re.sub(r"\[\d+\]", "", field), "")
