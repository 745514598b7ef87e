"""For search engines: /robots.txt and the sitemaps (sitemaps.org protocol 0.9).

/sitemap.xml is a sitemap index naming /sitemaps/pages.xml (the home page, the listings, the
institutions' pages) and /sitemaps/datasets-<n>.xml, each listing the pages of at most
SITEMAP_PAGE_SIZE published datasets (the protocol allows 50,000). The index costs one count;
a dataset file is read as it is written, two columns at a time, so memory stays bounded however
large the catalogue.

The routes are declared here (config/urls.py includes this module), beside their views.
"""

from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Count, Max
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import path, reverse
from django.views.decorators.http import require_safe

from registry.models import Dataset

from . import iris
from .selectors import institutions_listed

SITEMAP_PAGE_SIZE = 50_000  # URLs per dataset file; the protocol's limit (tests lower it)
CHUNK = 2000  # rows read per query while a file is written
XML_TYPE = "application/xml; charset=utf-8"
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _base() -> str:
    return settings.SUCHI_SITE_URL


def _published():
    """Published datasets, and nothing else: no joins, no default ordering."""
    return Dataset.objects.filter(status=Dataset.Status.PUBLISHED).order_by()


def _file_count(datasets: int) -> int:
    return max(1, -(-datasets // SITEMAP_PAGE_SIZE))


def _lastmod(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


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


@require_safe
def sitemap_index(request):
    """The sitemap index: the pages' file, then one file per SITEMAP_PAGE_SIZE datasets. One
    query (a count and the latest change), whatever the size of the catalogue."""
    if request.method == "HEAD":  # some servers iterate a body they then drop: read nothing
        return HttpResponse(content_type=XML_TYPE)
    stats = _published().aggregate(count=Count("pk"), latest=Max("modified_at"))
    # A dataset file's own lastmod would cost a scan of its rows: it is left out.
    entries = [_entry("sitemap", _base() + reverse("sitemap-pages"), _lastmod(stats["latest"]))]
    entries += [
        _entry("sitemap", _base() + reverse("sitemap-datasets", kwargs={"page": n}))
        for n in range(1, _file_count(stats["count"]) + 1)
    ]
    return _xml(entries, "sitemapindex")


@require_safe
def sitemap_datasets(request, page: int):
    """The pages of the n-th SITEMAP_PAGE_SIZE published datasets (by id), with their last
    change. 404 past the last file."""
    # Past any catalogue there can be (and past what OFFSET takes): not found, with no query.
    if page < 1 or page > 10**6:
        raise Http404("No such sitemap.")
    published = _published()
    start = (page - 1) * SITEMAP_PAGE_SIZE
    if page > 1 and not published.order_by("pk")[start : start + 1].exists():
        raise Http404("No such sitemap.")
    if request.method == "HEAD":
        return HttpResponse(content_type=XML_TYPE)
    rows = (
        published.order_by("pk")
        .values_list("pk", "modified_at")[start : start + SITEMAP_PAGE_SIZE]
        .iterator(chunk_size=CHUNK)
    )
    base = _base()
    entries = (_entry("url", iris.dataset(base, pk), _lastmod(modified)) for pk, modified in rows)
    return _xml(entries, "urlset")


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
