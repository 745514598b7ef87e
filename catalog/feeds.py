"""Atom feeds (RFC 4287) of new and updated datasets, so that people can follow what is
published: the whole catalogue (/feeds/datasets.atom), one institution's datasets
(/institutions/<slug>/datasets.atom) and one theme's (/themes/<code>/datasets.atom).

A feed is the published datasets, most recently changed first, PAGE_SIZE to a document; older
ones are on `?page=2`, … linked as an RFC 5005 paged feed (first / previous / next). Ids and
links are the catalogue's own IRIs (catalog/iris.py, on SUCHI_SITE_URL): an entry's id is its
dataset's address, whatever Host a reader came through. The feed's `updated` is the newest
entry's change (the Last-Modified that ConditionalGetMiddleware answers 304 against), or a
fixed epoch when there is no entry, so that an empty feed is cacheable too.

Titles and labels are in the reader's language (pages' locale, a Vary on it); codes, dates
and addresses are the same in every language.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.replicas import replica_reads
from core.xmltext import xml_text
from registry import vocabularies
from registry.models import Dataset
from registry.selectors import datasets_published

from . import iris
from .markup import description_html
from .search import DatasetQuery, search_datasets
from .selectors import institutions_listed

PAGE_SIZE = 50  # entries in one feed document
# Feeds are for following what changes; the whole catalogue is paged by the DCAT endpoints.
MAX_PAGE = 100
SUMMARY_LENGTH = 500  # characters of the description an entry's summary keeps
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)
ATOM_TYPE = "application/atom+xml"
_SPACES = re.compile(r"\s+")
# Each dataset's other representations, offered as typed alternates of its entry.
REPRESENTATIONS = (
    ("dataset-ttl", "text/turtle", gettext_lazy("DCAT-AP (Turtle)")),
    ("dataset-jsonld", "application/ld+json", gettext_lazy("DCAT-AP (JSON-LD)")),
)


def plain_summary(description: str, limit: int = SUMMARY_LENGTH) -> str:
    """A description (Markdown) as one line of plain text, cut at a word before `limit`."""
    # Rendered and stripped, so that Markdown's markup goes and its escapes become characters
    # (which may again be ones XML cannot carry: `&#1;`).
    text = unescape(strip_tags(description_html(description or "")))
    text = _SPACES.sub(" ", xml_text(text)).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:.") + "…"


def _base() -> str:
    return settings.SUCHI_SITE_URL


@dataclass
class FeedPage:
    """One document of a feed: what it is about, and its entries."""

    route: str  # the feed's URL name
    route_kwargs: dict
    title: str
    subtitle: str
    alternate: str  # the HTML page listing the same datasets
    author_name: str
    author_link: str
    page: int = 1
    entries: list[Dataset] = field(default_factory=list)
    has_next: bool = False

    def url(self, page: int = 1) -> str:
        path = _base() + reverse(self.route, kwargs=self.route_kwargs)
        return f"{path}?{urlencode({'page': page})}" if page > 1 else path


class DatasetAtom(Atom1Feed):
    """Django's Atom 1.0 writer, plus: RFC 5005 paging links, a plain-text summary, typed
    alternate links to a dataset's DCAT documents, and categories with a scheme and a label
    (Django's write a term alone)."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        for rel, href in self.feed["paging"]:
            handler.addQuickElement("link", "", {"rel": rel, "href": href, "type": ATOM_TYPE})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item["summary"]:
            handler.addQuickElement("summary", item["summary"], {"type": "text"})
        for href, media_type, title in item["representations"]:
            attrs = {"rel": "alternate", "type": media_type, "href": href, "title": title}
            handler.addQuickElement("link", "", attrs)
        for term, scheme, label in item["themes"]:
            handler.addQuickElement(
                "category", "", {"term": term, "scheme": scheme, "label": label}
            )
        for keyword in item["keywords"]:
            handler.addQuickElement("category", "", {"term": keyword})

    def latest_post_date(self):
        # Django answers "now" for a feed without entries: a new ETag every second.
        return super().latest_post_date() if self.items else EMPTY_FEED_UPDATED


def _page_number(request) -> int:
    """The `page` asked for; anything but a page a feed can have is not found."""
    raw = request.GET.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4) or not 1 <= int(raw) <= MAX_PAGE:
        raise Http404("No such page.")
    return int(raw)


def _for_feed(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """Only what an entry shows, with its institution in the same query (no distributions,
    no revisions: one query for a page, however many entries)."""
    return (
        datasets.select_related(None)
        .prefetch_related(None)
        .select_related("institution")
        .only(
            "id", "title", "description", "keywords", "themes", "modified_at", "published_at",
            "institution__name", "institution__slug",
        )
    )  # fmt: skip


def _theme_category(code: str, themes: dict) -> tuple[str, str, str]:
    """(term, scheme, label) of a theme: the EU data-theme code, its vocabulary's IRI and its
    label in the reader's language; a code outside the vocabulary (kept verbatim from a
    harvested record) is a term alone."""
    theme = themes.get(code)
    if theme is None:
        return xml_text(code), "", ""
    return code, theme["iri"].removesuffix(code), vocabularies.display_name(theme)


class DatasetsFeed(Feed):
    """Published datasets, most recently changed first; `scope` says which."""

    feed_type = DatasetAtom

    def scope(self, **kwargs) -> tuple[FeedPage, QuerySet[Dataset]]:
        raise NotImplementedError

    def get_object(self, request, **kwargs) -> FeedPage:
        page = _page_number(request)
        document, datasets = self.scope(**kwargs)
        start = (page - 1) * PAGE_SIZE
        rows = list(_for_feed(datasets)[start : start + PAGE_SIZE + 1])
        if page > 1 and not rows:
            raise Http404("No such page.")
        document.page, document.entries = page, rows[:PAGE_SIZE]
        document.has_next = len(rows) > PAGE_SIZE
        return document

    def title(self, document: FeedPage) -> str:
        return xml_text(document.title)

    def subtitle(self, document: FeedPage) -> str:
        return xml_text(document.subtitle)

    def link(self, document: FeedPage) -> str:
        return document.alternate

    def feed_url(self, document: FeedPage) -> str:
        return document.url(document.page)

    def feed_guid(self, document: FeedPage) -> str:
        return document.url()  # every page of a feed is the same feed

    def author_name(self, document: FeedPage) -> str:
        return xml_text(document.author_name)

    def author_link(self, document: FeedPage) -> str:
        return document.author_link

    def feed_extra_kwargs(self, document: FeedPage) -> dict:
        paging = [("first", document.url())]
        if document.page > 1:
            paging.append(("previous", document.url(document.page - 1)))
        if document.has_next:
            paging.append(("next", document.url(document.page + 1)))
        return {"paging": paging}

    def items(self, document: FeedPage) -> list[Dataset]:
        return document.entries

    def item_title(self, dataset: Dataset) -> str:
        return xml_text(dataset.title)

    def item_link(self, dataset: Dataset) -> str:
        return iris.dataset(_base(), dataset.pk)

    def item_guid(self, dataset: Dataset) -> str:
        return iris.dataset(_base(), dataset.pk)

    def item_description(self, dataset: Dataset) -> None:
        return None  # written as a plain-text summary instead (DatasetAtom)

    def item_pubdate(self, dataset: Dataset) -> datetime | None:
        return dataset.published_at

    def item_updateddate(self, dataset: Dataset) -> datetime:
        return dataset.modified_at

    def item_author_name(self, dataset: Dataset) -> str:
        return xml_text(dataset.institution.name)

    def item_author_link(self, dataset: Dataset) -> str:
        return iris.institution(_base(), dataset.institution.slug)

    def item_extra_kwargs(self, dataset: Dataset) -> dict:
        themes = vocabularies.themes()
        representations = [
            (_base() + reverse(route, kwargs={"pk": dataset.pk}), media_type, str(title))
            for route, media_type, title in REPRESENTATIONS
        ]
        keywords = [xml_text(k) for k in dataset.keywords if isinstance(k, str)]
        return {
            "summary": plain_summary(dataset.description),
            "representations": representations,
            "themes": [_theme_category(str(code), themes) for code in dataset.themes],
            "keywords": [k for k in keywords if k.strip()],
        }


def _operators() -> tuple[str, str]:
    return _("Suchi operators"), iris.operator(_base())


class CatalogueFeed(DatasetsFeed):
    def scope(self):
        name, link = _operators()
        document = FeedPage(
            route="datasets-feed",
            route_kwargs={},
            title=_("Suchi: new and updated datasets"),
            subtitle=_("Datasets published in the catalogue, most recently changed first."),
            alternate=_base() + reverse("dataset-list-page"),
            author_name=name,
            author_link=link,
        )
        return document, datasets_published()


class InstitutionFeed(DatasetsFeed):
    def scope(self, slug: str):
        institution = get_object_or_404(institutions_listed(), slug=slug)
        document = FeedPage(
            route="institution-datasets-feed",
            route_kwargs={"slug": slug},
            title=_("%(institution)s: new and updated datasets") % {"institution": institution},
            subtitle=_("Datasets %(institution)s publishes in Suchi, most recently changed first.")
            % {"institution": institution},
            alternate=iris.institution(_base(), slug),
            author_name=institution.name,
            author_link=iris.institution(_base(), slug),
        )
        return document, datasets_published().filter(institution=institution)


class ThemeFeed(DatasetsFeed):
    def scope(self, code: str):
        theme = vocabularies.themes().get(code)
        if theme is None:
            raise Http404("No such theme.")
        label = vocabularies.display_name(theme)
        name, link = _operators()
        document = FeedPage(
            route="theme-datasets-feed",
            route_kwargs={"code": code},
            title=_("%(theme)s: new and updated datasets") % {"theme": label},
            subtitle=_("Datasets on %(theme)s in Suchi, most recently changed first.")
            % {"theme": label},
            alternate=f"{_base()}{reverse('dataset-list-page')}?{urlencode({'theme': code})}",
            author_name=name,
            author_link=link,
        )
        # The list page's theme filter, so that the feed and its page agree.
        return document, search_datasets(DatasetQuery(theme=[code]))


_catalogue, _institution, _theme = CatalogueFeed(), InstitutionFeed(), ThemeFeed()


@replica_reads
@require_safe
def catalogue_feed(request) -> HttpResponse:
    """/feeds/datasets.atom: every published dataset."""
    return _catalogue(request)


@replica_reads
@require_safe
def institution_feed(request, slug: str) -> HttpResponse:
    """/institutions/<slug>/datasets.atom: one institution's published datasets."""
    return _institution(request, slug=slug)


@replica_reads
@require_safe
def theme_feed(request, code: str) -> HttpResponse:
    """/themes/<code>/datasets.atom: the published datasets of one theme (EU data-theme code)."""
    return _theme(request, code=code)
