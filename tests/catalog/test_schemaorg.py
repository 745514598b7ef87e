"""schema.org Dataset JSON-LD in the dataset pages, for Google Dataset Search."""

import json
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from catalog.standards import schemaorg
from registry.models import Dataset
from registry.services import Actor, dataset_withdraw

from ..factories import make_institution, publish

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SITE = "https://suchi.example"
ATTACK = "</script><script>alert(1)</script>"


class JsonLdBlocks(HTMLParser):
    """The text of every <script type="application/ld+json"> block, and the other scripts."""

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self.other_scripts = 0
        self.alternates: list[dict] = []
        self.links: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("type") == "application/ld+json":
                self._inside = True
                self.blocks.append("")
            else:
                self.other_scripts += 1
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append(attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def page_of(client, dataset) -> JsonLdBlocks:
    response = client.get(reverse("dataset-page", args=[dataset.pk]), HTTP_ACCEPT=BROWSER)
    assert response.status_code == 200
    parser = JsonLdBlocks()
    parser.feed(response.content.decode())
    parser.close()
    return parser


def jsonld_of(client, dataset) -> dict:
    page = page_of(client, dataset)
    assert len(page.blocks) == 1 and page.other_scripts == 0
    return json.loads(page.blocks[0])


@pytest.fixture
def site(settings):
    settings.SUCHI_SITE_URL = SITE


def test_a_complete_dataset_has_what_dataset_search_requires_and_recommends(client, site):
    health = make_institution(slug="ka-health", name="Health Department")
    dataset = publish(
        health,
        title="District hospital bed occupancy",
        description="Daily occupied and vacant beds in every district hospital of the state.",
        keywords=["hospitals", "beds"],
        license="CC-BY-4.0",
        version="2.1",
        spatial={"states": ["KA"], "districts": [], "bbox": [74.0, 11.5, 78.6, 18.5]},
        temporal={"start": "2020-01-01", "end": None},
        distributions=[
            {
                "title": "Beds (CSV)",
                "access_url": "https://health.example/beds",
                "download_url": "https://health.example/beds.csv",
                "media_type": "text/csv",
                "format": "CSV",
            },
            {"access_url": "https://health.example/api", "format": "API"},
        ],
    )
    ld = jsonld_of(client, dataset)
    page = SITE + reverse("dataset-page", args=[dataset.pk])
    assert ld["@context"] == "https://schema.org/" and ld["@type"] == "Dataset"
    assert ld["name"] == dataset.title
    assert ld["description"] == dataset.description
    assert ld["url"] == page and ld["identifier"] == page
    assert ld["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert ld["creator"] == {
        "@type": "Organization",
        "name": "Health Department",
        "url": SITE + reverse("institution-page", args=["ka-health"]),
    }
    assert ld["keywords"] == ["hospitals", "beds"]
    assert ld["distribution"] == [
        {
            "@type": "DataDownload",
            "contentUrl": "https://health.example/beds.csv",
            "encodingFormat": "text/csv",
            "name": "Beds (CSV)",
        },
        {
            "@type": "DataDownload",
            "contentUrl": "https://health.example/api",
            "encodingFormat": "API",
        },
    ]
    assert ld["temporalCoverage"] == "2020-01-01/.."
    assert ld["spatialCoverage"] == [
        {"@type": "Place", "name": "Karnataka"},
        {"@type": "Place", "geo": {"@type": "GeoShape", "box": "11.5 74 18.5 78.6"}},
    ]
    assert ld["isAccessibleForFree"] is True
    assert ld["includedInDataCatalog"] == {
        "@type": "DataCatalog",
        "name": schemaorg.CATALOG_NAME,
        "url": SITE + reverse("home"),
    }
    dataset.refresh_from_db()
    assert ld["dateModified"] == dataset.modified_at.isoformat(timespec="seconds")
    assert ld["datePublished"] == dataset.published_at.isoformat(timespec="seconds")
    assert ld["version"] == "2.1"


def test_a_long_description_is_cut_at_5000_characters_and_a_short_one_left_alone(client):
    institution = make_institution()
    long = publish(institution, slug="long", description="word " * 2000)
    short = publish(institution, slug="short", description="Bus stops.")
    assert jsonld_of(client, long)["description"] == ("word " * 2000)[:5000]
    assert jsonld_of(client, short)["description"] == "Bus stops."


def test_an_unrecognised_licence_url_is_kept_and_a_non_url_is_left_out():
    dataset = Dataset(license="", license_text="https://data.gov.in/government-open-data-license")
    assert schemaorg.licence_url(dataset) == "https://data.gov.in/government-open-data-license"
    assert schemaorg.licence_url(Dataset(license="", license_text="Free to use")) == ""
    assert schemaorg.licence_url(Dataset(license="", license_text="javascript:alert(1)")) == ""


def test_temporal_coverage_is_an_iso_interval_open_at_either_end():
    assert schemaorg.temporal_coverage(date(2020, 1, 1), date(2021, 6, 30)) == (
        "2020-01-01/2021-06-30"
    )
    assert schemaorg.temporal_coverage(date(2020, 1, 1), None) == "2020-01-01/.."
    assert schemaorg.temporal_coverage(None, date(2021, 6, 30)) == "../2021-06-30"
    assert schemaorg.temporal_coverage(None, None) == ""


def test_restricted_data_and_non_http_addresses_are_not_claimed(client):
    dataset = publish(
        make_institution(),
        access_rights="restricted",
        distributions=[{"access_url": "ftp://files.example/data.csv", "format": "CSV"}],
    )
    ld = jsonld_of(client, dataset)
    assert "isAccessibleForFree" not in ld
    assert "distribution" not in ld


def test_script_in_the_title_and_description_cannot_break_out_of_the_block(client):
    dataset = publish(
        make_institution(name=f"Institution {ATTACK}"),
        title=f"Beds {ATTACK}",
        description=f"Beds & wards <b>{ATTACK}</b> in every district hospital of the state.",
        keywords=[ATTACK],
    )
    response = client.get(reverse("dataset-page", args=[dataset.pk]), HTTP_ACCEPT=BROWSER)
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    page = page_of(client, dataset)
    assert page.other_scripts == 0  # the attack opened no script element of its own
    assert len(page.blocks) == 1
    ld = json.loads(page.blocks[0])
    assert ld["name"] == dataset.title
    assert ld["description"] == dataset.description
    assert ld["keywords"] == [ATTACK]
    assert ld["creator"]["name"] == f"Institution {ATTACK}"
    assert "\\u003c/script\\u003e" in page.blocks[0]


def test_the_escaping_keeps_the_json_equal():
    data = {"a": "<!-- </script> & > <", "b": ["\u2028", "हिन्दी"]}
    text = schemaorg.script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


def test_a_withdrawn_dataset_page_has_no_dataset_markup(client):
    dataset = publish(make_institution())
    dataset_withdraw(dataset=dataset, actor=Actor.system("test"))
    response = client.get(reverse("dataset-page", args=[dataset.pk]), HTTP_ACCEPT=BROWSER)
    assert response.status_code == 410
    assert b'<script type="application/ld+json">' not in response.content


def test_the_page_links_to_its_croissant_description(client):
    dataset = publish(make_institution())
    croissant = reverse("dataset-croissant", args=[dataset.pk])
    page = page_of(client, dataset)
    assert {"rel": "alternate", "type": "application/ld+json", "href": croissant} in (
        page.alternates
    )
    assert croissant in page.links
