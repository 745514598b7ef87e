"""/robots.txt, the sitemap index /sitemap.xml and its files /sitemaps/…"""

import re
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
