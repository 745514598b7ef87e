"""/robots.txt, the sitemap index /sitemap.xml and its files /sitemaps/…"""

import re
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog import sitemaps
from registry.services import Actor, dataset_withdraw

from ..factories import make_institution, publish

pytestmark = pytest.mark.django_db

SITE = "https://suchi.example"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime): a date, or a date-time with a zone.
W3C_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?")


@pytest.fixture(autouse=True)
def fresh_boundaries():
    """The files' boundaries live in the cache, which outlives a test (and its rows)."""
    sitemaps.forget_boundaries()
    yield
    sitemaps.forget_boundaries()


@pytest.fixture
def site(settings):
    settings.SUCHI_SITE_URL = SITE


@pytest.fixture
def catalogue(site):
    health = make_institution(slug="ka-health", name="Health Department")
    transport = make_institution(slug="bmtc", name="Transport Authority")
    datasets = [publish(health, slug=f"health-{n}") for n in range(4)]
    datasets += [publish(transport, slug=f"transport-{n}") for n in range(3)]
    withdrawn = publish(transport, slug="gone")
    dataset_withdraw(dataset=withdrawn, actor=Actor.system("test"))
    return {"published": datasets, "withdrawn": withdrawn}


def read(client, url: str):
    """A sitemap document fetched by its absolute URL: (response, parsed root)."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == SITE
    response = client.get(parts.path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return response, ElementTree.fromstring(body)


def entries(root, tag: str) -> list[dict]:
    """The <sitemap> or <url> entries: loc and lastmod, checked for form on the way."""
    assert root.tag == f"{{{NS['sm']}}}{'sitemapindex' if tag == 'sitemap' else 'urlset'}"
    found = []
    for entry in root.findall(f"sm:{tag}", NS):
        loc = entry.findtext("sm:loc", namespaces=NS)
        lastmod = entry.findtext("sm:lastmod", namespaces=NS)
        assert loc and loc.startswith(SITE + "/")
        assert lastmod is None or W3C_DATETIME.fullmatch(lastmod), lastmod
        found.append({"loc": loc, "lastmod": lastmod})
    assert len(root) == len(found)  # nothing else in the document
    return found


def urls_in_every_file(client) -> list[dict]:
    _, index = read(client, SITE + reverse("sitemap-index"))
    found = []
    for sitemap in entries(index, "sitemap"):
        _, urlset = read(client, sitemap["loc"])
        found += entries(urlset, "url")
    return found


def test_the_index_and_its_files_list_every_public_page_and_each_answers(client, catalogue):
    urls = urls_in_every_file(client)
    locs = [u["loc"] for u in urls]
    assert len(locs) == len(set(locs))
    for dataset in catalogue["published"]:
        dataset.refresh_from_db()
        url = SITE + reverse("dataset-page", args=[dataset.pk])
        assert {"loc": url, "lastmod": dataset.modified_at.isoformat(timespec="seconds")} in urls
    for page in (
        reverse("home"),
        reverse("dataset-list-page"),
        reverse("institution-list-page"),
        reverse("institution-page", args=["ka-health"]),
        reverse("institution-page", args=["bmtc"]),
    ):
        assert SITE + page in locs
    assert len(locs) == 7 + 5
    for loc in locs:
        response = client.get(urlsplit(loc).path, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, loc


def test_a_withdrawn_dataset_is_absent(client, catalogue):
    withdrawn = SITE + reverse("dataset-page", args=[catalogue["withdrawn"].pk])
    assert withdrawn not in [u["loc"] for u in urls_in_every_file(client)]


def test_the_datasets_are_split_into_files_of_the_page_size(client, catalogue, monkeypatch):
    monkeypatch.setattr(sitemaps, "SITEMAP_PAGE_SIZE", 3)
    _, index = read(client, SITE + reverse("sitemap-index"))
    files = [s["loc"] for s in entries(index, "sitemap")]
    assert files == [SITE + reverse("sitemap-pages")] + [
        SITE + reverse("sitemap-datasets", kwargs={"page": n}) for n in (1, 2, 3)
    ]
    sizes = [len(entries(read(client, loc)[1], "url")) for loc in files[1:]]
    assert sizes == [3, 3, 1]
    past_the_end = reverse("sitemap-datasets", kwargs={"page": 4})
    assert client.get(past_the_end).status_code == 404
    assert client.get(reverse("sitemap-datasets", kwargs={"page": 0})).status_code == 404


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
def test_the_files_are_disjoint_and_together_list_every_published_dataset(
    client, catalogue, monkeypatch, size
):
    monkeypatch.setattr(sitemaps, "SITEMAP_PAGE_SIZE", size)
    more = [publish(catalogue["withdrawn"].institution, slug=f"more-{n}") for n in range(4)]
    published = {SITE + reverse("dataset-page", args=[d.pk]) for d in catalogue["published"] + more}
    _, index = read(client, SITE + reverse("sitemap-index"))
    files = [s["loc"] for s in entries(index, "sitemap")][1:]
    assert len(files) == -(-len(published) // size)
    per_file = [[u["loc"] for u in entries(read(client, loc)[1], "url")] for loc in files]
    assert all(1 <= len(locs) <= size for locs in per_file), per_file
    seen = [loc for locs in per_file for loc in locs]
    assert len(seen) == len(set(seen))  # no URL in two files (nor twice in one)
    assert set(seen) == published  # every published dataset, and no withdrawn one
    # In id order across the files: each file starts after the previous one ends.
    ids = [loc.rsplit("/", 1)[1] for loc in seen]
    assert ids == sorted(ids, key=lambda pk: uuid.UUID(pk).hex)
    last = len(files)
    assert client.get(reverse("sitemap-datasets", kwargs={"page": last + 1})).status_code == 404


def test_a_deep_file_reads_from_its_boundary_not_by_offset(client, catalogue, monkeypatch):
    monkeypatch.setattr(sitemaps, "SITEMAP_PAGE_SIZE", 2)
    read(client, SITE + reverse("sitemap-index"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("sitemap-datasets", kwargs={"page": 3}))
        body = b"".join(response.streaming_content)
    assert body.count(b"<url>") == 2
    assert len(queries) == 1, [q["sql"] for q in queries]  # the boundaries came from the cache
    assert "OFFSET" not in queries[0]["sql"].upper()


def test_a_file_request_reads_the_boundaries_when_the_cache_has_none(
    client, catalogue, monkeypatch
):
    monkeypatch.setattr(sitemaps, "SITEMAP_PAGE_SIZE", 3)
    _, urlset = read(client, SITE + reverse("sitemap-datasets", kwargs={"page": 3}))
    assert len(entries(urlset, "url")) == 1
    sitemaps.forget_boundaries()
    assert client.get(reverse("sitemap-datasets", kwargs={"page": 4})).status_code == 404
    assert client.head(reverse("sitemap-datasets", kwargs={"page": 2})).status_code == 200


def test_past_any_catalogue_is_not_found_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        for page in (0, sitemaps.MAX_PAGE + 1, 10**20):
            assert client.get(f"/sitemaps/datasets-{page}.xml").status_code == 404


def test_lastmod_is_the_datasets_last_change_to_the_second_in_utc(client, catalogue):
    dataset = catalogue["published"][0]
    moment = datetime(2026, 3, 4, 5, 6, 7, 999_999, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    type(dataset).objects.filter(pk=dataset.pk).update(modified_at=moment)
    urls = {u["loc"]: u["lastmod"] for u in urls_in_every_file(client)}
    assert urls[SITE + reverse("dataset-page", args=[dataset.pk])] == "2026-03-03T23:36:07+00:00"


def test_an_empty_catalogue_has_a_valid_index_and_an_empty_first_file(client, site):
    _, index = read(client, SITE + reverse("sitemap-index"))
    files = [s["loc"] for s in entries(index, "sitemap")]
    assert files[1:] == [SITE + reverse("sitemap-datasets", kwargs={"page": 1})]
    assert entries(read(client, files[1])[1], "url") == []


def test_a_dataset_file_is_streamed_in_a_bounded_number_of_queries(client, catalogue, monkeypatch):
    monkeypatch.setattr(sitemaps, "CHUNK", 2)
    url = reverse("sitemap-datasets", kwargs={"page": 1})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.streaming
        body = b"".join(response.streaming_content)
    assert body.count(b"<url>") == 7
    # The dataset rows are read by one query (in chunks from a cursor); none per dataset.
    assert len(queries) <= 3, [q["sql"] for q in queries]


def test_the_index_costs_one_query(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("sitemap-index"))
        b"".join(response.streaming_content)


def test_head_reads_nothing(client, catalogue, django_assert_num_queries):
    with django_assert_num_queries(0):
        for name in ("sitemap-index", "sitemap-pages"):
            assert client.head(reverse(name)).status_code == 200


def test_robots_txt_allows_the_catalogue_and_names_the_sitemap(client, site):
    response = client.get(reverse("robots-txt"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow:")}
    assert {
        reverse("console"),
        reverse("portal"),
        reverse("admin:index"),
        "/api/",
    } <= disallowed
    assert not any(
        reverse(name, args=args).startswith(prefix)
        for prefix in disallowed
        for name, args in (
            ("home", []),
            ("dataset-list-page", []),
            ("institution-list-page", []),
            ("institution-page", ["x"]),
            ("dataset-page", ["00000000-0000-0000-0000-000000000000"]),
            ("sitemap-index", []),
        )
    )
    assert f"Sitemap: {SITE}{reverse('sitemap-index')}" in lines
