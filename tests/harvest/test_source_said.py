"""What a data.json source said that Suchi has no column for goes back out in Suchi's data.json:
an outside check found the agencies' own rights statements replaced by Suchi's generic sentence
(346 records), their references (326), place names (507) and federal codes gone, and with them
data.json's validity under the federal schema."""

import json
from collections import Counter

import pytest

from registry.models import Dataset

from ..catalog.test_datajson_export import validator
from .conftest import datajson_item, serve_ckan_package, serve_json
from .test_real_mappings import _load
from .test_source_dates import harvest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["energy", "gsa", "dhs", "fcc"])
def test_an_agencys_own_fields_come_back_as_it_wrote_them(
    name, owner, catalogue_server, client_anon
):
    document = _load(name)
    by_identifier = {item["identifier"]: item for item in document["dataset"]}
    harvest(owner, serve_json(catalogue_server, f"/{name}.json", document), "datajson")
    published = json.loads(b"".join(client_anon.get("/data.json").streaming_content))
    ours = {item["identifier"].rsplit("/", 1)[-1]: item for item in published["dataset"]}
    kept, said = Counter(), Counter()
    for dataset in Dataset.objects.filter(status="published"):
        source, record = by_identifier[dataset.provenance["remote_id"]], ours[str(dataset.pk)]
        for key in ("bureauCode", "programCode", "references", "rights", "isPartOf"):
            if source.get(key):
                said[key] += 1
            if key in record and source.get(key) and len(str(source[key])) <= 255:
                # written back only as the source said it (rights: at most 255 characters) …
                assert record[key] == source[key], (source["identifier"], key)
                kept[key] += 1
        ours_empty = not dataset.spatial.get("states") and not dataset.spatial.get("bbox")
        if isinstance(source.get("spatial"), str) and ours_empty:
            assert record["spatial"] == source["spatial"]
            kept["spatial"] += 1
    # … and nearly always (a value not of the schema's type, DHS's `000:000`, stays out).
    assert kept["bureauCode"] >= 0.9 * said["bureauCode"] > 0, (kept, said)
    assert kept["references"] >= 0.9 * said["references"], (kept, said)

    # With the federal codes back, the agency's records pass even the federal schema.
    errors = list(validator(federal=True).iter_errors(published))
    federal = [e for e in errors if e.message.split("'")[1:2] in (["bureauCode"], ["programCode"])]
    assert len(federal) < 2 * len(published["dataset"]) - 2 * kept["bureauCode"] + 1
    assert [e.message for e in errors if e not in federal] == []


def test_fields_of_a_source_that_was_no_data_json_stay_out(owner, catalogue_server, client_anon):
    """A CKAN package's extras are not DCAT-US fields, whatever their names."""
    url = serve_ckan_package(catalogue_server)
    harvest(owner, url, "ckan")
    dataset = Dataset.objects.get(status="published")
    dataset.provenance["source_fields"] = {"bureauCode": ["015:11"]}
    dataset.save(update_fields=["provenance"])
    published = json.loads(b"".join(client_anon.get("/data.json").streaming_content))
    assert "bureauCode" not in published["dataset"][0]


@pytest.mark.parametrize("level", ["non-public", "restricted public", "public"])
def test_an_access_level_comes_back_as_the_source_said_it(
    level, owner, catalogue_server, client_anon
):
    """Suchi's "restricted" stands for both of DCAT-US's closed levels; the one said goes out."""
    document = {"dataset": [datajson_item(accessLevel=level)]}
    harvest(owner, serve_json(catalogue_server, "/data.json", document), "datajson")
    assert Dataset.objects.get().access_rights == ("open" if level == "public" else "restricted")
    published = json.loads(b"".join(client_anon.get("/data.json").streaming_content))
    assert [item["accessLevel"] for item in published["dataset"]] == [level]


def test_what_a_ckan_package_said_beyond_suchis_fields_comes_back_in_its_extras(
    owner, catalogue_server, client_anon
):
    """An extension's fields (ckanext-scheming's, at the top level) and unmapped extras are kept
    and written again as extras; ckanext-spatial's geometry becomes the bounding box."""
    polygon = {
        "type": "Polygon",
        "coordinates": [[[72.5, 18.8], [73.1, 18.8], [73.1, 19.4], [72.5, 19.4], [72.5, 18.8]]],
    }
    extras = [
        {"key": "spatial", "value": json.dumps(polygon)},
        {"key": "harvest_source_title", "value": "City portal"},
        {"key": "access_rights", "value": "public"},
    ]
    url = serve_ckan_package(
        catalogue_server, extras=extras, data_steward="Ms. Rao", related_areas=["Mumbai"]
    )
    harvest(owner, url, "ckan")
    dataset = Dataset.objects.get(status="published")
    assert dataset.spatial["bbox"] == [72.5, 18.8, 73.1, 19.4]
    said = dataset.provenance["source_fields"]
    assert said == {
        "data_steward": "Ms. Rao",
        "related_areas": ["Mumbai"],
        "harvest_source_title": "City portal",
    }
    body = client_anon.get("/api/3/action/package_show", {"id": str(dataset.pk)}).json()
    back = {e["key"]: e["value"] for e in body["result"]["extras"]}
    assert back["data_steward"] == "Ms. Rao"
    assert json.loads(back["related_areas"]) == ["Mumbai"]
    assert back["harvest_source_title"] == "City portal"
    assert json.loads(back["spatial"])["coordinates"] == polygon["coordinates"]
    keys = [e["key"] for e in body["result"]["extras"]]
    assert len(keys) == len(set(keys))


def test_a_package_written_by_ckanext_dcats_harvesters_keeps_its_dates_publisher_languages(
    owner, catalogue_server
):
    """An outside check with ckanext-dcat's examples: its data.json harvester keeps a record's
    dates and publisher as dcat_issued, dcat_modified, dcat_publisher_name and its languages as
    one text ("en,es,ca"). The dates fell back to CKAN's own, the publisher was lost, no
    language was read; a licence at the top (its Croissant schema) was lost too."""
    extras = [
        {"key": "dcat_issued", "value": "2012-05-10"},
        {"key": "dcat_modified", "value": "2012-05-10T21:04:00"},
        {"key": "dcat_publisher_name", "value": "Publishing Organization for dataset 1"},
        {"key": "language", "value": "en,es,ca"},
    ]
    url = serve_ckan_package(
        catalogue_server,
        extras=extras,
        metadata_created="2011-06-13T21:30:17",
        metadata_modified="2011-06-14T10:00:00",
        license="http://creativecommons.org/licenses/by/3.0/",
    )
    harvest(owner, url, "ckan")
    dataset = Dataset.objects.get()
    assert dataset.source_issued.startswith("2012-05-10"), dataset.source_issued
    assert dataset.source_modified.startswith("2012-05-10"), dataset.source_modified
    assert dataset.source_publisher == "Publishing Organization for dataset 1"
    assert dataset.languages == ["en", "es"]
    assert dataset.provenance["source_fields"]["language"] == ["en", "es", "ca"]  # ca: unread
    assert dataset.license == "CC-BY-3.0"
