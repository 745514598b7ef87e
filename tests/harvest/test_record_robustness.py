"""Odd records in real-world feeds cost only themselves, and what they say is read as their
authors meant it (an outside check: one `null` entry failed a whole data.json, a NUL character
failed a record, `kok` and `spa` were cut to two letters, a comma-separated keyword string
stayed one keyword, and themes were added to a source's own choice of themes)."""

import json

import pytest

from catalog.standards.ckan import ckan_record
from catalog.standards.datajson import datajson_record
from harvest.models import HarvestJob
from registry.models import Dataset

from .conftest import datajson_item, serve_json
from .test_real_mappings import _load
from .test_source_dates import harvest

pytestmark = pytest.mark.django_db

EU_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"


def test_entries_that_are_no_object_fail_alone(owner, catalogue_server):
    real = _load("fcc")["dataset"][:5]
    document = {"dataset": [real[0], None, real[1], 42, "text", *real[2:]]}
    harvest(owner, serve_json(catalogue_server, "/odd.json", document), "datajson")
    job = HarvestJob.objects.get()
    assert (job.added, job.failed) == (5, 3), job.errors
    assert any("entry 2 is NoneType, not an object" in e for e in job.errors), job.errors
    assert any("entry 4 is int" in e for e in job.errors)
    assert Dataset.objects.filter(status="published").count() == 5


def test_a_nul_character_is_dropped_not_the_datajson_item(owner, catalogue_server):
    document = {"dataset": [datajson_item(description="Rainfall\x00 at every gauge, by district.")]}
    harvest(owner, serve_json(catalogue_server, "/nul.json", document), "datajson")
    dataset = Dataset.objects.get(status="published")
    assert dataset.description == "Rainfall at every gauge, by district."


def test_language_tags_are_read_by_their_primary_subtag():
    found = datajson_record(
        datajson_item(language=["en-US", "kok", "spa", "mlt", "hin", "EN_gb", "tlh", "ory"]),
        "https://x.example/",
    )
    # Maltese is mt, not ml (Malayalam); Klingon is no language Suchi lists.
    assert found.payload["languages"] == ["en", "kok", "es", "mt", "hi", "or"]
    # What the codes could not say is kept as the source wrote it.
    assert found.source_fields["language"] == [
        "en-US", "kok", "spa", "mlt", "hin", "EN_gb", "tlh", "ory"
    ]  # fmt: skip
    plain = datajson_record(datajson_item(language=["en", "hi"]), "https://x.example/")
    assert plain.payload["languages"] == ["en", "hi"]
    assert "language" not in plain.source_fields


def test_one_keyword_string_lists_its_keywords():
    found = datajson_record(
        datajson_item(keyword="rainfall, monsoon,  gauges"), "https://x.example/"
    )
    assert found.payload["keywords"] == ["rainfall", "monsoon", "gauges"]


def test_a_sources_themes_are_not_added_to_but_a_record_without_any_gets_some():
    stated = datajson_record(
        datajson_item(theme=["Health"], keyword=["census", "emergency"]), "https://x.example/"
    )
    assert stated.payload["themes"] == ["HEAL"]
    assert stated.payload["keywords"] == ["census", "emergency"]
    unstated = datajson_record(datajson_item(keyword=["census"]), "https://x.example/")
    assert unstated.payload["themes"] == ["SOCI"]


def test_a_bounding_box_keeps_every_digit(owner, catalogue_server, client_anon):
    box = "-122.41941,37.77493,-122.419,37.7753"
    harvest(
        owner,
        serve_json(catalogue_server, "/box.json", {"dataset": [datajson_item(spatial=box)]}),
        "datajson",
    )
    published = json.loads(b"".join(client_anon.get("/data.json").streaming_content))
    (item,) = published["dataset"]
    assert item["spatial"] == box


def test_ckans_own_no_licence_is_no_licence():
    package = {"id": "p", "name": "p", "title": "Tides", "license_id": "notspecified"}
    found = ckan_record({**package, "license_title": "License not specified"}, "https://c.example")
    assert (found.payload["license"], found.payload["license_text"]) == ("", "")
    stated = ckan_record({**package, "license_id": "my-terms", "license_title": "Our terms"}, "")
    assert stated.payload["license_text"] == "Our terms"


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({"key": "access_rights", "value": "consent"}, "consent"),  # Suchi's own
        ({"key": "access_rights", "value": EU_ACCESS + "RESTRICTED"}, "restricted"),  # ckanext-dcat
        ({"key": "access_rights", "value": EU_ACCESS + "NON_PUBLIC"}, "restricted"),
        ({"key": "access_rights", "value": EU_ACCESS + "PUBLIC"}, "open"),
        ({"key": "accessLevel", "value": "restricted public"}, "restricted"),  # data.gov
        ({"key": "accessLevel", "value": "non-public"}, "restricted"),
        ({"key": "access_rights", "value": "Ask the data office"}, "open"),
    ],
)
def test_a_ckan_access_extra_is_read_as_sites_write_it(extra, expected):
    package = {"id": "p", "name": "p", "title": "Tides", "extras": [extra]}
    assert ckan_record(package, "https://c.example").payload["access_rights"] == expected


def test_a_scheming_package_of_ckanext_dcat_2_is_read_from_its_top_level_fields():
    """ckanext-dcat 2.x's scheming schemas put these at the top level as lists of objects; an
    outside check found them all ignored (a record with a contact was rejected for none)."""
    package = {
        "id": "p-9",
        "name": "air-quality",
        "title": "Air quality",
        "notes": "Hourly air quality at every station.",
        "issued": "2024-05-01",
        "modified": "2024-05-05",
        "language": ["en", "ca", "es"],
        "frequency": "monthly",
        "access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        "theme": ["http://publications.europa.eu/resource/authority/data-theme/ENVI"],
        "conforms_to": ["https://example.org/standards/aq", "Standard 2"],
        "contact": [{"name": "Air desk", "email": "air@example.org"}, {"name": "Second"}],
        "publisher": [{"name": "Environment Agency", "email": "env@example.org"}],
        "temporal_coverage": [{"start": "1905-03-01", "end": "2013-01-05"}],
        "spatial_coverage": [
            {
                "geom": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [11.99, 54.04],
                            [12.3, 54.04],
                            [12.3, 54.24],
                            [11.99, 54.24],
                            [11.99, 54.04],
                        ]
                    ],
                }
            }
        ],
        "provenance": "Measured by the agency's own stations",
        "resources": [{"url": "https://example.org/aq.csv", "format": "CSV"}],
    }
    found = ckan_record(package, "https://c.example")
    payload = found.payload
    assert payload["contact_point"] == {"name": "Air desk", "email": "air@example.org"}
    assert found.publisher == "Environment Agency"
    assert (found.issued, found.modified) == ("2024-05-01", "2024-05-05")
    assert payload["languages"] == ["en", "es"]  # Catalan is none Suchi lists
    assert (payload["update_frequency"], payload["access_rights"]) == ("monthly", "open")
    assert payload["themes"] == ["ENVI"]
    assert payload["conforms_to"] == ["https://example.org/standards/aq"]
    assert (str(payload["temporal"]["start"]), str(payload["temporal"]["end"])) == (
        "1905-03-01",
        "2013-01-05",
    )
    assert payload["spatial"]["bbox"] == [11.99, 54.04, 12.3, 54.24]
    assert found.source_fields["provenance"] == "Measured by the agency's own stations"
    assert len(found.source_fields["contact"]) == 2  # all of them, beyond the one mapped
    assert "issued" not in found.source_fields and "theme" not in found.source_fields


def test_ckanext_dcats_legacy_extras_name_the_contact():
    extras = [
        {"key": "contact_name", "value": "Data office"},
        {"key": "contact_email", "value": "data@example.org"},
    ]
    package = {"id": "p", "name": "p", "title": "Tides", "extras": extras, "maintainer": "x"}
    assert ckan_record(package, "https://c.example").payload["contact_point"] == {
        "name": "Data office",
        "email": "data@example.org",
    }


def test_a_description_in_html_becomes_markdown_and_shows_as_text_not_tags(
    owner, catalogue_server, client
):
    """OpenDataSoft and many CKAN sites write descriptions in HTML; the page showed the tags."""
    html = (
        "<p>Alle <strong>Haltestellen</strong>.</p><ul><li>Bus</li><li>Tram</li></ul>"
        '<p><a href="https://example.org/doku">Doku</a> <a href="javascript:alert(1)">x</a>'
        "<img src=x onerror=alert(1)></p><script>alert(2)</script>"
    )
    document = {"dataset": [datajson_item(description=html)]}
    harvest(owner, serve_json(catalogue_server, "/h.json", document), "datajson")
    dataset = Dataset.objects.get()
    assert dataset.description.startswith("Alle **Haltestellen**.\n\n* Bus\n* Tram")
    assert "alert(2)" not in dataset.description and "<img" not in dataset.description
    page = client.get(f"/datasets/{dataset.pk}").content.decode()
    body = page.split('<div class="description">', 1)[1].split("</div>", 1)[0]
    assert "<strong>Haltestellen</strong>" in body and "<li>Bus</li>" in body
    assert "&lt;p&gt;" not in body and "javascript:" not in body and "onerror" not in body


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        # Text with a lone angle bracket is no HTML: kept as written (it lost words).
        ("x<b and y>c, <i> marks imputed", "x<b and y>c, <i> marks imputed"),
        ("Spalten: <a>=Anzahl, <b>=Betrag", "Spalten: <a>=Anzahl, <b>=Betrag"),
        # Markdown that only breaks a line keeps its paragraphs.
        ("Para one.\n\n- a\n- b<br>c\n\nPara two.", "Para one.\n\n- a\n- b\nc\n\nPara two."),
        # An unsafe link keeps its text, and nothing stray.
        ('<p><a href="javascript:void(0)">Download</a> here</p>', "Download here"),
        # Nested hundreds deep: the words, not a failed record.
        ("<div>" * 400 + "Words" + "</div>" * 400, "Words"),
    ],
)
def test_descriptions_are_converted_only_when_they_are_html(given, kept):
    from catalog.standards.common import description

    assert description(given, 20000) == kept


def test_hostile_descriptions_cost_no_time():
    """An outside check: 40,000 `[` took 9 s a record through a regular expression."""
    import time

    from catalog.standards.common import description

    for hostile in ("<p>" + "[" * 19000 + "</p>", "<script>" * 2000 + "</p>", "<b>" * 3000):
        started = time.perf_counter()
        description(hostile, 20000)
        assert time.perf_counter() - started < 1.0


def test_a_licence_stated_on_the_resources_only_is_the_datasets():
    package = {
        "id": "p", "name": "p", "title": "Tides",
        "resources": [{"url": "https://x.example/t.csv", "license": "http://creativecommons.org/licenses/by/3.0/"}],
    }  # fmt: skip
    assert ckan_record(package, "https://c.example").payload["license"] == "CC-BY-3.0"
