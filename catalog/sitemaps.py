"""For search engines: /robots.txt and the sitemaps (sitemaps.org protocol 0.9).

/sitemap.xml is a sitemap index naming /sitemaps/pages.xml (the home page, the listings, the
institutions' pages) and /sitemaps/datasets-<n>.xml, each listing the pages of at most
SITEMAP_PAGE_SIZE published datasets (the protocol allows 50,000), in id order. Files are cut by
keyset, not OFFSET: the index reads the first id of every file in one query (a row number over
the ids) and keeps these boundaries in the cache for BOUNDARIES_TTL seconds; file n is then the
ids from its boundary up to the next, however deep n is. A dataset file is read as it is written,
two columns at a time, so memory stays bounded however large the catalogue.

The routes are declared here (config/urls.py includes this module), beside their views.
"""

from xml.sax.saxutils import escape

from django.conf import settings
from django.core.cache import cache
from django.db.models import CharField, F, Func, Max, Value, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from core.replicas import replica_reads
from registry.models import Dataset

from . import iris
from .selectors import institutions_listed

SITEMAP_PAGE_SIZE = 50_000  # URLs per dataset file; the protocol's limit (tests lower it)
CHUNK = 2000  # rows read per query while a file is written
BOUNDARIES_TTL = 300  # seconds the files' first ids are kept; the index always refreshes them
MAX_PAGE = 10**6  # past any catalogue there can be: not found, with no query
XML_TYPE = "application/xml; charset=utf-8"
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _base() -> str:
    return settings.SUCHI_SITE_URL


def _published():
    """Published datasets, and nothing else: no joins, no default ordering."""
    return Dataset.objects.filter(status=Dataset.Status.PUBLISHED).order_by()


def _boundaries_key() -> str:
    return f"sitemap:boundaries:{SITEMAP_PAGE_SIZE}"


def file_boundaries(*, refresh: bool = False) -> list:
    """The id of the first published dataset of every dataset file, in order: one query over the
    published ids (a row number each, keeping rows 1, 1 + SITEMAP_PAGE_SIZE, …), then cached.
    An empty list for an empty catalogue (whose one file is empty)."""
    key = _boundaries_key()
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    boundaries = list(first_ids())
    cache.set(key, boundaries, BOUNDARIES_TTL)
    return boundaries


def first_ids():
    """The query behind file_boundaries(): rows numbered by id, keeping 1, 1 + the page size, …
    (a filter on a window expression: Django wraps the numbering in a subquery)."""
    numbered = _published().annotate(row=Window(RowNumber(), order_by=F("pk").asc()))
    first_rows = numbered.annotate(slot=F("row") % SITEMAP_PAGE_SIZE).filter(
        slot=1 % SITEMAP_PAGE_SIZE
    )
    return first_rows.order_by("pk").values_list("pk", flat=True)


def forget_boundaries() -> None:
    """Drop the cached boundaries (the next file or index request reads them afresh)."""
    cache.delete(_boundaries_key())


def _lastmod(moment) -> str:
    """W3C Datetime to the second; text already formatted by the database passes through."""
    if isinstance(moment, str):
        return moment
    return moment.isoformat(timespec="seconds") if moment else ""


class W3CSeconds(Func):
    """A timestamp as the text _lastmod() writes for it (UTC, to the second, "+00:00"), formatted
    by the database: loading 50,000 datetimes through the driver was half of a file's time.
    Elsewhere than PostgreSQL and SQLite, the timestamp itself (_lastmod formats it)."""

    arity = 1
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra):
        moment, pattern = self.source_expressions[0], Value('YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
        sql, params = compiler.compile(moment)
        pattern_sql, pattern_params = compiler.compile(pattern)
        return f"to_char({sql} AT TIME ZONE 'UTC', {pattern_sql})", [*params, *pattern_params]

    def as_sqlite(self, compiler, connection, **extra):  # stored as UTC text
        pattern = Value("%Y-%m-%dT%H:%M:%S+00:00")
        return Func(pattern, self.source_expressions[0], function="strftime").as_sql(
            compiler, connection
        )


def _entry(tag: str, loc: str, lastmod: str = "") -> str:
    modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    return f"<{tag}><loc>{escape(loc)}</loc>{modified}</{tag}>\n"


def _xml(pieces, root: str):
    """A streamed XML answer: the pieces of text between the root's open and close tags."""

    def document():
        yield f'{XML_HEAD}<{root} xmlns="{XMLNS}">\n'
        buffer = []
        for piece in pieces:
            buffer.append(piece)
            if len(buffer) >= 500:
                yield "".join(buffer)
                buffer = []
        yield "".join(buffer) + f"</{root}>\n"

    return StreamingHttpResponse((text.encode() for text in document()), content_type=XML_TYPE)


@replica_reads
@require_safe
def sitemap_index(request):
    """The sitemap index: the pages' file, then one file per SITEMAP_PAGE_SIZE datasets. Two
    queries, whatever the size of the catalogue: the files' boundaries (refreshed in the cache
    for the files that follow) and the latest change."""
    if request.method == "HEAD":  # some servers iterate a body they then drop: read nothing
        return HttpResponse(content_type=XML_TYPE)
    files = max(1, len(file_boundaries(refresh=True)))
    latest = _published().aggregate(latest=Max("modified_at"))["latest"]
    # A dataset file's own lastmod would cost a scan of its rows: it is left out.
    entries = [_entry("sitemap", _base() + reverse("sitemap-pages"), _lastmod(latest))]
    entries += [
        _entry("sitemap", _base() + reverse("sitemap-datasets", kwargs={"page": n}))
        for n in range(1, files + 1)
    ]
    return _xml(entries, "sitemapindex")


@replica_reads
@require_safe
def sitemap_datasets(request, page: int):
    """The pages of the n-th SITEMAP_PAGE_SIZE published datasets (by id), with their last
    change: the ids from the file's boundary up to the next one's (so files never overlap, even
    when the catalogue changed since the boundaries were read). 404 past the last file."""
    if page < 1 or page > MAX_PAGE:
        raise Http404("No such sitemap.")
    boundaries = file_boundaries()
    if page > max(1, len(boundaries)):
        raise Http404("No such sitemap.")
    if request.method == "HEAD":
        return HttpResponse(content_type=XML_TYPE)
    rows = _published()
    # The first file starts at the start: no lower bound (nor one stale in the cache).
    if page > 1:
        rows = rows.filter(pk__gte=boundaries[page - 1])
    if page < len(boundaries):
        rows = rows.filter(pk__lt=boundaries[page])
    rows = (
        rows.order_by("pk")
        .values_list("pk", W3CSeconds("modified_at"))[:SITEMAP_PAGE_SIZE]
        .iterator(chunk_size=CHUNK)
    )
    entries = (_entry("url", loc, _lastmod(modified)) for loc, modified in _dataset_locs(rows))
    return _xml(entries, "urlset")


def _dataset_locs(rows):
    """(iris.dataset(base, pk), modified) for each (pk, modified): the route is reversed once
    and the ids set in its place (reverse() per URL was two thirds of a file's time)."""
    marker = "00000000-0000-0000-0000-000000000000"
    head, _, tail = iris.dataset(_base(), marker).rpartition(marker)
    return ((f"{head}{pk}{tail}", modified) for pk, modified in rows)


@replica_reads
@require_safe
def sitemap_pages(request):
    """The catalogue's other public pages: home, the two listings, every listed institution."""
    if request.method == "HEAD":
        return HttpResponse(content_type=XML_TYPE)
    base = _base()
    latest = _lastmod(_published().aggregate(latest=Max("modified_at"))["latest"])
    slugs = institutions_listed().values_list("slug", flat=True).iterator(chunk_size=CHUNK)

    def entries():
        yield _entry("url", iris.home(base), latest)
        yield _entry("url", base + reverse("dataset-list-page"), latest)
        yield _entry("url", base + reverse("institution-list-page"))
        for slug in slugs:
            yield _entry("url", iris.institution(base, slug))

    return _xml(entries(), "urlset")


def _prefix(route: str) -> str:
    """The first path segment of a named route, as a robots.txt prefix ("/api/")."""
    return "/" + reverse(route).strip("/").split("/")[0] + "/"


@replica_reads
@require_safe
def robots_txt(request):
    """Everything public may be crawled; the private areas, the machine APIs and search result
    pages (endless combinations of filters) may not. Names the sitemap index."""
    disallowed = [
        reverse("console"),
        reverse("portal"),
        reverse("admin:index"),
        _prefix("api-schema"),
        reverse("dataset-list-page") + "?",
        reverse("language"),
        reverse("metrics"),
    ]
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in disallowed), "Allow: /", ""]
    lines.append(f"Sitemap: {_base()}{reverse('sitemap-index')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap_index, name="sitemap-index"),
    path("sitemaps/pages.xml", sitemap_pages, name="sitemap-pages"),
    path("sitemaps/datasets-<int:page>.xml", sitemap_datasets, name="sitemap-datasets"),
]
