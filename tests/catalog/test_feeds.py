"""Atom feeds of new and updated datasets: the catalogue (/feeds/datasets.atom), an institution
(/institutions/<slug>/datasets.atom) and a theme (/themes/<code>/datasets.atom). Every feed is
validated against RFC 4287's RELAX NG schema (tests/fixtures/atom/) and read back by feedparser."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
import requests
from django.db import transaction
from django.urls import reverse
from django.utils.feedgenerator import rfc3339_date
from lxml import etree, html

from catalog import feeds
from core.xmltext import xml_text
from registry.models import Dataset, ValidationRun
from registry.services import (
    Actor,
    dataset_register,
    dataset_update,
    dataset_withdraw,
    validation_run_execute,
)

from ..factories import dataset_payload, make_institution, publish

pytestmark = pytest.mark.django_db

SITE = "https://suchi.example"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}
SCHEMA = Path(__file__).parents[1] / "fixtures" / "atom" / "atom.rng"
THEMES = "http://publications.europa.eu/resource/authority/data-theme/"
ACTOR = Actor.system("test")
# Characters a publisher or a harvested catalogue may send that XML 1.0 cannot carry (NUL
# too, which PostgreSQL refuses to store: see the unit test of xml_text).
CONTROLS = "\x01\x07\x1b\ufffe"


def moment(day: int) -> datetime:
    return datetime(2026, 3, 1, 9, 30, tzinfo=UTC) + timedelta(days=day)


@pytest.fixture(scope="module")
def relaxng():
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def dated(dataset: Dataset, *, published: int, modified: int) -> Dataset:
    """Known first-publication and change times (a real publish stamps "now")."""
    Dataset.objects.filter(pk=dataset.pk).update(
        published_at=moment(published), modified_at=moment(modified)
    )
    dataset.refresh_from_db()
    return dataset


@pytest.fixture
def catalogue(settings):
    """Two institutions; three published datasets across three themes, a draft and a
    withdrawn one. Changed last: vaccines (day 5), buses (day 3), beds (day 2)."""
    settings.SUCHI_SITE_URL = SITE
    health = make_institution(slug="ka-health", name="Health & Family Welfare <Karnataka>")
    transport = make_institution(slug="bmtc", name="Transport Authority")
    beds = publish(
        health, slug="beds", title="Hospital beds", themes=["HEAL"], keywords=["hospitals", "beds"]
    )
    vaccines = publish(
        health,
        slug="vaccines",
        title="Vaccinations <by> district & ward",
        description="**Doses** given, by [district](https://example.org/d) & age.\n\n"
        + "Counted daily. " * 60,
        themes=["HEAL", "SOCI"],
        keywords=["vaccines"],
    )
    buses = publish(transport, slug="buses", title="Bus stops", themes=["TRAN"], keywords=[])
    gone = publish(transport, slug="old-fares", title="Old fares", themes=["TRAN"])
    dataset_withdraw(dataset=gone, actor=ACTOR)
    draft = dataset_register(
        institution=transport,
        data=dataset_payload(slug="draft", title="Draft timetable", themes=["TRAN"]),
        actor=ACTOR,
    )
    assert draft.status != Dataset.Status.PUBLISHED
    return {
        "beds": dated(beds, published=0, modified=2),
        "vaccines": dated(vaccines, published=1, modified=5),
        "buses": dated(buses, published=3, modified=3),
        "gone": gone,
        "draft": draft,
    }


def fetch(client, url: str, **params) -> etree._Element:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return etree.fromstring(response.content)  # strict: raises on anything not well-formed


def entry_ids(feed) -> list[str]:
    return feed.xpath("a:entry/a:id/text()", namespaces=NS)


def links(element) -> dict[tuple[str, str], str]:
    """(rel, type) → href of an element's atom:link children."""
    return {
        (link.get("rel", "alternate"), link.get("type", "")): link.get("href")
        for link in element.findall("a:link", NS)
    }


def text(element, path: str) -> str:
    return element.findtext(path, namespaces=NS)


def iri(dataset: Dataset) -> str:
    return f"{SITE}/datasets/{dataset.pk}"


# --- which datasets, in which order --------------------------------------------------------------
def test_catalogue_feed_lists_published_datasets_newest_change_first(client, catalogue):
    feed = fetch(client, "/feeds/datasets.atom")
    c = catalogue
    assert entry_ids(feed) == [iri(c["vaccines"]), iri(c["buses"]), iri(c["beds"])]


def test_institution_feed_lists_only_that_institutions_published_datasets(client, catalogue):
    c = catalogue
    health = fetch(client, "/institutions/ka-health/datasets.atom")
    assert entry_ids(health) == [iri(c["vaccines"]), iri(c["beds"])]
    # bmtc also has a withdrawn and a draft dataset: neither is listed.
    assert entry_ids(fetch(client, "/institutions/bmtc/datasets.atom")) == [iri(c["buses"])]


def test_theme_feed_lists_that_themes_published_datasets(client, catalogue):
    c = catalogue
    assert entry_ids(fetch(client, "/themes/HEAL/datasets.atom")) == [
        iri(c["vaccines"]),
        iri(c["beds"]),
    ]
    assert entry_ids(fetch(client, "/themes/SOCI/datasets.atom")) == [iri(c["vaccines"])]
    assert entry_ids(fetch(client, "/themes/TRAN/datasets.atom")) == [iri(c["buses"])]


def test_an_empty_feed_is_a_valid_feed_dated_at_a_fixed_epoch(client, catalogue, relaxng):
    feed = fetch(client, "/themes/ENER/datasets.atom")
    assert entry_ids(feed) == []
    assert text(feed, "a:updated") == rfc3339_date(feeds.EMPTY_FEED_UPDATED)
    assert relaxng.validate(feed), relaxng.error_log


def test_an_updated_dataset_moves_to_the_top_once_its_update_is_published(client, catalogue):
    beds = catalogue["beds"]
    with transaction.atomic():  # as publish() does: its sources are not fetched
        dataset_update(
            dataset=beds, data={"title": "Hospital beds, by ward"}, actor=ACTOR, partial=True
        )
        run = ValidationRun.objects.get(dataset=beds, status="queued")
        validation_run_execute(run_id=run.id, check_sources=False)
    feed = fetch(client, "/feeds/datasets.atom")
    first = feed.find("a:entry", NS)
    assert text(first, "a:id") == iri(beds)
    assert text(first, "a:title") == "Hospital beds, by ward"
    # First published on day 0, whatever changed since.
    assert text(first, "a:published") == rfc3339_date(moment(0))
    assert text(feed, "a:updated") == text(first, "a:updated") > rfc3339_date(moment(5))


@pytest.mark.parametrize(
    "url",
    [
        "/institutions/no-such-institution/datasets.atom",
        "/themes/NOPE/datasets.atom",
        "/themes/heal/datasets.atom",  # codes are the vocabulary's, in capitals
        "/feeds/datasets.atom?page=0",
        "/feeds/datasets.atom?page=2",  # past the last page
        "/feeds/datasets.atom?page=x",
        "/feeds/datasets.atom?page=99999999999999999999",
    ],
)
def test_what_is_not_a_feed_or_a_page_of_one_is_not_found(client, catalogue, url):
    assert client.get(url).status_code == 404


def test_feeds_answer_get_and_head_only(client, catalogue):
    assert client.head("/feeds/datasets.atom").status_code == 200
    assert client.post("/feeds/datasets.atom").status_code == 405


# --- what an entry and a feed say ----------------------------------------------------------------
def test_an_entry_carries_its_dataset_metadata_with_absolute_links(client, catalogue):
    vaccines = catalogue["vaccines"]
    feed = fetch(client, "/feeds/datasets.atom")
    entry = feed.find("a:entry", NS)
    assert text(entry, "a:id") == iri(vaccines)
    assert text(entry, "a:title") == "Vaccinations <by> district & ward"
    assert text(entry, "a:updated") == rfc3339_date(moment(5))
    assert text(entry, "a:published") == rfc3339_date(moment(1))
    assert text(entry, "a:author/a:name") == "Health & Family Welfare <Karnataka>"
    assert text(entry, "a:author/a:uri") == f"{SITE}/institutions/ka-health"
    assert links(entry) == {
        ("alternate", ""): iri(vaccines),
        ("alternate", "text/turtle"): f"{SITE}/datasets/{vaccines.pk}.ttl",
        ("alternate", "application/ld+json"): f"{SITE}/datasets/{vaccines.pk}.jsonld",
    }
    summary = entry.find("a:summary", NS)
    assert summary.get("type") == "text"
    # The Markdown is read as text: no markup left, cut at a word, marked as cut.
    assert summary.text.startswith("Doses given, by district & age. Counted daily. Counted")
    assert "**" not in summary.text and "](" not in summary.text
    assert len(summary.text) <= feeds.SUMMARY_LENGTH and summary.text.endswith("daily…")
    categories = [
        (c.get("term"), c.get("scheme"), c.get("label")) for c in entry.findall("a:category", NS)
    ]
    assert categories == [
        ("HEAL", THEMES, "Health"),
        ("SOCI", THEMES, "Population and society"),
        ("vaccines", None, None),
    ]


def test_a_feed_says_what_it_is_and_where_its_page_is(client, catalogue):
    feed = fetch(client, "/feeds/datasets.atom")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert text(feed, "a:title") == "Suchi: new and updated datasets"
    assert text(feed, "a:subtitle")
    assert text(feed, "a:id") == f"{SITE}/feeds/datasets.atom"
    assert text(feed, "a:updated") == rfc3339_date(moment(5))  # its newest entry's change
    assert text(feed, "a:author/a:uri") == f"{SITE}/#operator"
    assert links(feed) == {
        ("alternate", ""): f"{SITE}/datasets",
        ("self", ""): f"{SITE}/feeds/datasets.atom",
        ("first", "application/atom+xml"): f"{SITE}/feeds/datasets.atom",
    }
    health = fetch(client, "/institutions/ka-health/datasets.atom")
    assert (
        text(health, "a:title") == "Health & Family Welfare <Karnataka>: new and updated datasets"
    )
    assert text(health, "a:author/a:name") == "Health & Family Welfare <Karnataka>"
    assert links(health)[("alternate", "")] == f"{SITE}/institutions/ka-health"
    theme = fetch(client, "/themes/HEAL/datasets.atom")
    assert text(theme, "a:title") == "Health: new and updated datasets"
    assert links(theme)[("alternate", "")] == f"{SITE}/datasets?theme=HEAL"
    assert text(theme, "a:id") == f"{SITE}/themes/HEAL/datasets.atom"


def test_a_feed_is_paged_with_rfc5005_links(client, catalogue, monkeypatch, relaxng):
    monkeypatch.setattr(feeds, "PAGE_SIZE", 2)
    c, url = catalogue, f"{SITE}/feeds/datasets.atom"
    first = fetch(client, "/feeds/datasets.atom")
    assert entry_ids(first) == [iri(c["vaccines"]), iri(c["buses"])]
    assert links(first)[("next", "application/atom+xml")] == f"{url}?page=2"
    assert ("previous", "application/atom+xml") not in links(first)
    second = fetch(client, "/feeds/datasets.atom", page=2)
    assert entry_ids(second) == [iri(c["beds"])]
    assert text(second, "a:id") == text(first, "a:id")  # the same feed
    assert links(second)[("self", "")] == f"{url}?page=2"
    assert links(second)[("previous", "application/atom+xml")] == url
    assert links(second)[("first", "application/atom+xml")] == url
    assert ("next", "application/atom+xml") not in links(second)
    assert relaxng.validate(second), relaxng.error_log


def test_a_hindi_reader_gets_hindi_titles_and_theme_labels(client, catalogue):
    client.cookies["suchi_language"] = "hi"
    response = client.get("/themes/HEAL/datasets.atom")
    feed = etree.fromstring(response.content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "hi"
    assert text(feed, "a:title").startswith("स्वास्थ्य")
    assert feed.find("a:entry/a:category", NS).get("label") == "स्वास्थ्य"
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in response["Vary"].split(",")}


# --- escaping ------------------------------------------------------------------------------------
def test_markup_and_control_characters_leave_the_feed_well_formed(client, catalogue, relaxng):
    # Past the registration API, as a harvested record could arrive (raw, not validated).
    buses = catalogue["buses"]
    Dataset.objects.filter(pk=buses.pk).update(
        title=f"Stops <b>&amp;</b> {CONTROLS}routes]]>",
        description=f"Line one{CONTROLS}\x0b & <script>alert(1)</script>",
        keywords=[f"bus{CONTROLS}", "<&>", CONTROLS],
        themes=["TRAN", "Verbatim <theme> & co"],
    )
    for url in ("/feeds/datasets.atom", "/institutions/bmtc/datasets.atom"):
        feed = fetch(client, url)  # lxml's strict parser: fails on anything not well-formed
        assert relaxng.validate(feed), relaxng.error_log
        entry = next(e for e in feed.findall("a:entry", NS) if text(e, "a:id") == iri(buses))
        assert text(entry, "a:title") == "Stops <b>&amp;</b> routes]]>"
        # Raw HTML in a description is text (as on the dataset's page), in a text summary.
        assert text(entry, "a:summary") == "Line one & <script>alert(1)</script>"
        assert entry.find("a:summary", NS).get("type") == "text"
        terms = [c.get("term") for c in entry.findall("a:category", NS)]
        assert terms == ["TRAN", "Verbatim <theme> & co", "bus", "<&>"]


def test_xml_text_keeps_what_xml_can_carry_and_drops_the_rest():
    assert xml_text("a\x00b\x07\x0b\x1fc\ufffe\uffffd\ud800e") == "abcde"
    kept = "tab\tline\nreturn\r <&> हिन्दी \U0001f600 \x7f\x85"
    assert xml_text(kept) == kept


def test_a_summary_is_plain_text_cut_at_a_word():
    assert feeds.plain_summary("# Title\n\n*Some* `code` and [a link](https://x.example)") == (
        "Title Some code and a link"
    )
    # CommonMark reads a reference to a control character as U+FFFD, as the page shows it.
    assert feeds.plain_summary("a &#1;&#x1b;&amp; b\x07") == "a \ufffd\ufffd& b"
    cut = feeds.plain_summary("word " * 200, limit=23)
    assert cut == "word word word word…" and len(cut) <= 23


def test_an_institution_name_with_control_characters_is_cleaned(client, catalogue):
    make_institution(slug="odd", name=f"Odd{CONTROLS} & <Co>")
    title = text(fetch(client, "/institutions/odd/datasets.atom"), "a:title")
    assert title == "Odd & <Co>: new and updated datasets"


# --- against the schema, and a real feed reader --------------------------------------------------
FEEDS = [
    "/feeds/datasets.atom",
    "/institutions/ka-health/datasets.atom",
    "/institutions/bmtc/datasets.atom",
    "/themes/HEAL/datasets.atom",
    "/themes/TRAN/datasets.atom",
    "/themes/ENER/datasets.atom",
]


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_validates_against_the_rfc4287_schema(client, catalogue, relaxng, url):
    feed = fetch(client, url)
    assert relaxng.validate(feed), relaxng.error_log
    # The schema's two Schematron rules, which RELAX NG leaves out.
    for entry in feed.findall("a:entry", NS):
        assert (
            entry.find("a:author/a:name", NS) is not None or feed.find("a:author", NS) is not None
        )
        assert ("alternate", "") in links(entry)


@pytest.mark.parametrize(
    "breakage",
    ["no feed id", "no entry updated", "an updated that is no date", "a link without href"],
)
def test_the_schema_rejects_a_feed_that_breaks_rfc4287(client, catalogue, relaxng, breakage):
    feed = fetch(client, "/feeds/datasets.atom")
    assert relaxng.validate(feed)
    entry = feed.find("a:entry", NS)
    if breakage == "no feed id":
        feed.remove(feed.find("a:id", NS))
    elif breakage == "no entry updated":
        entry.remove(entry.find("a:updated", NS))
    elif breakage == "an updated that is no date":
        feed.find("a:updated", NS).text = "yesterday"
    else:
        del entry.find("a:link", NS).attrib["href"]
    assert not relaxng.validate(feed)


@pytest.mark.parametrize("url", FEEDS)
def test_feedparser_reads_the_feeds_back(client, catalogue, url):
    body = client.get(url).content
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.id for e in parsed.entries] == entry_ids(etree.fromstring(body))
    for entry in parsed.entries:
        assert entry.link == entry.id  # the HTML page, the first alternate
        assert entry.author_detail.href.startswith(f"{SITE}/institutions/")
        assert entry.updated_parsed and entry.published_parsed
    if url == "/feeds/datasets.atom":
        vaccines = parsed.entries[0]
        assert vaccines.title == "Vaccinations <by> district & ward"
        assert [t.term for t in vaccines.tags] == ["HEAL", "SOCI", "vaccines"]
        assert parsed.feed.links[0].href == f"{SITE}/datasets"


# --- discovery from the pages -------------------------------------------------------------------
def discovered(client, path: str, **params) -> tuple[list[str], list[str]]:
    """The Atom feeds a page announces in its head, and those it links to visibly."""
    page = html.fromstring(client.get(path, params, HTTP_ACCEPT="text/html").content)
    head = page.xpath('//head/link[@rel="alternate"][@type="application/atom+xml"]')
    assert all(link.get("title") for link in head)
    shown = page.xpath('//body//a[@type="application/atom+xml"]/@href')
    return [link.get("href") for link in head], shown


def test_pages_announce_and_link_their_feeds(client, catalogue, relaxng):
    catalogue_feed = "/feeds/datasets.atom"
    assert discovered(client, "/") == ([catalogue_feed], [catalogue_feed])
    assert discovered(client, "/datasets") == ([catalogue_feed], [catalogue_feed])
    theme_feed = "/themes/HEAL/datasets.atom"
    assert discovered(client, "/datasets", theme="HEAL") == (
        [catalogue_feed, theme_feed],
        [catalogue_feed, theme_feed],
    )
    institution_feed = "/institutions/ka-health/datasets.atom"
    assert discovered(client, "/institutions/ka-health") == ([institution_feed], [institution_feed])
    for url in (catalogue_feed, theme_feed, institution_feed):
        assert relaxng.validate(fetch(client, url))


def test_a_filter_value_no_feed_route_takes_is_no_link_and_no_error(client, catalogue):
    head, shown = discovered(client, "/datasets", theme="a/b", institution="no slug")
    assert head == shown == ["/feeds/datasets.atom"]


# --- cost and caching ----------------------------------------------------------------------------
def test_a_feed_costs_the_same_queries_however_many_entries(
    client, catalogue, django_assert_num_queries
):
    # The datasets with their institutions; an institution's feed first finds the institution.
    expected = {
        "/feeds/datasets.atom": 1,
        "/themes/HEAL/datasets.atom": 1,
        "/institutions/ka-health/datasets.atom": 2,
    }
    for url, count in expected.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
    health = catalogue["vaccines"].institution
    for n in range(12):
        publish(health, slug=f"extra-{n}", title=f"Extra {n}", themes=["HEAL"])
    for url, count in expected.items():
        with django_assert_num_queries(count):
            assert len(entry_ids(etree.fromstring(client.get(url).content))) >= 14


@pytest.mark.django_db(transaction=True)
def test_a_real_client_revalidates_a_feed_and_gets_304_until_it_changes(live_server, settings):
    settings.SUCHI_SITE_URL = SITE
    health = make_institution(slug="ka-health", name="Health Department")
    beds = publish(health, slug="beds", title="Hospital beds")
    url = live_server.url + reverse("institution-datasets-feed", kwargs={"slug": "ka-health"})
    first = requests.get(url, timeout=30)
    assert first.status_code == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    held = requests.get(url, headers={"If-None-Match": etag}, timeout=30)
    assert held.status_code == 304 and held.content == b""
    since = requests.get(url, headers={"If-Modified-Since": last_modified}, timeout=30)
    assert since.status_code == 304

    Dataset.objects.filter(pk=beds.pk).update(modified_at=beds.modified_at + timedelta(hours=1))
    changed = requests.get(url, headers={"If-None-Match": etag}, timeout=30)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    later = requests.get(url, headers={"If-Modified-Since": last_modified}, timeout=30)
    assert later.status_code == 200
