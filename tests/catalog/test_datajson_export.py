"""/data.json: the public catalogue as DCAT-US 1.1, validated with the official JSON Schemas,
and streamed: written as it is read, never held whole."""

import hashlib
import json
import math
from pathlib import Path

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from catalog import views
from catalog.synthetic import generate_datasets
from registry.models import Dataset

from ..factories import make_institution, publish, publish_consent_dataset
from ..sourceserver import BEDS_CSV

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "us-datajson-schema"
FEDERAL_ONLY = {"bureauCode", "programCode"}
TABLE_SCHEMA = {
    "fields": [
        {"name": "district", "type": "string"},
        {"name": "date", "type": "date"},
        {"name": "beds_total", "type": "integer"},
        {"name": "beds_occupied", "type": "integer"},
    ]
}


def _schemas(*, federal: bool) -> dict[str, dict]:
    loaded = {p.name: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    if not federal:
        required = loaded["dataset.json"]["required"]
        assert set(required) >= FEDERAL_ONLY
        loaded["dataset.json"]["required"] = [r for r in required if r not in FEDERAL_ONLY]
    return loaded


def validator(*, federal: bool = False) -> jsonschema.Draft4Validator:
    """The official catalog.json validator, its $refs resolved to the local copies. Without
    `federal`, bureauCode and programCode are not required (nothing else changes)."""
    schemas = _schemas(federal=federal)
    registry = Registry().with_resources(
        (schema["id"].rstrip("#"), Resource(schema, specification=DRAFT4))
        for schema in schemas.values()
    )
    return jsonschema.Draft4Validator(
        schemas["catalog.json"],
        registry=registry,
        format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
    )


def read_data_json(client) -> dict:
    response = client.get("/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.streaming
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def variety(db, source_server):
    """Datasets of every access level, with and without period, place, schema, checksum and
    keywords, some in Hindi."""
    health = make_institution(
        slug="ka-health", name="स्वास्थ्य विभाग, कर्नाटक", contact_email="data@health.ka.example"
    )
    published = [
        publish(
            health,
            slug="beds",
            title="अस्पताल के बिस्तर (District hospital beds)",
            description="हर ज़िला अस्पताल में भरे और खाली बिस्तर, वार्ड के प्रकार के अनुसार।",
            keywords=["अस्पताल", "beds"],
            themes=["HEAL", "SOCI"],
            spatial={"states": ["KA", "MH"]},
            temporal={"start": "2021-04-01", "end": "2024-03-31"},
            update_frequency="weekly",
            languages=["hi", "kn"],
            distributions=[
                {
                    "title": "बिस्तर (CSV)",
                    "description": "Daily counts.",
                    "access_url": f"http://{source_server.host_port}/beds.csv",
                    "download_url": f"http://{source_server.host_port}/beds.csv",
                    "media_type": "text/csv",
                    "format": "CSV",
                    "byte_size": len(BEDS_CSV),
                    "checksum_sha256": hashlib.sha256(BEDS_CSV).hexdigest(),
                    "schema": TABLE_SCHEMA,
                },
                {"access_url": "https://health.ka.example/api/beds", "format": "API"},
            ],
        ),
        publish(
            health,
            slug="restricted",
            title="Ambulance calls",
            access_rights="restricted",
            keywords=[],
            themes=["TRAN"],
            spatial={"states": [], "bbox": [74.0, 11.5, 78.6, 18.5]},
            temporal={"start": "2022-01-01", "end": None},
            update_frequency="never",
            contact_point={"name": "", "email": "calls@health.ka.example"},
            license="LicenseRef-GODL-India",
        ),
        publish(health, slug="no-period", title="Clinics", temporal={}, spatial={}),
        publish_consent_dataset(health, title="रोगी के रिकॉर्ड"),
    ]
    return {d.slug: d for d in published}


def test_data_json_is_a_dcat_us_catalogue_of_every_published_dataset(client, variety):
    document = read_data_json(client)
    assert document["@type"] == "dcat:Catalog"
    assert document["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert document["describedBy"] == "https://project-open-data.cio.gov/v1.1/schema/catalog.json"
    assert document["@context"] == "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld"
    assert document["@id"] == "http://127.0.0.1:8000/data.json"
    identifiers = {d["identifier"] for d in document["dataset"]}
    assert identifiers == {f"http://127.0.0.1:8000/datasets/{d.pk}" for d in variety.values()}


def test_data_json_validates_against_the_official_schema_less_the_federal_codes(client, variety):
    document = read_data_json(client)
    errors = sorted(validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []
    # Against the untouched schema, the only complaint is the two federal codes, per dataset.
    federal = list(validator(federal=True).iter_errors(document))
    assert len(federal) == 2 * len(document["dataset"])
    assert {e.message.split("'")[1] for e in federal} == FEDERAL_ONLY


def test_each_field_says_what_the_dataset_says(client, variety):
    by_id = {d["identifier"].rsplit("/", 1)[-1]: d for d in read_data_json(client)["dataset"]}
    beds = by_id[str(variety["beds"].pk)]
    assert beds["title"] == "अस्पताल के बिस्तर (District hospital beds)"
    assert beds["keyword"] == ["अस्पताल", "beds"]
    assert beds["accessLevel"] == "public" and "rights" not in beds
    assert beds["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert beds["temporal"] == "2021-04-01/2024-03-31"
    assert beds["spatial"] == "Karnataka, Maharashtra"
    assert beds["accrualPeriodicity"] == "R/P1W"
    assert beds["language"] == ["hi", "kn"]
    assert beds["theme"] == ["Health", "Population and society"]
    assert beds["publisher"]["name"] == "स्वास्थ्य विभाग, कर्नाटक"
    assert beds["contactPoint"] == {
        "@type": "vcard:Contact",
        "fn": "Data cell",
        "hasEmail": "mailto:data@health.ka.example",
    }
    csv, api = beds["distribution"]
    assert csv["downloadURL"].endswith("/beds.csv") and csv["mediaType"] == "text/csv"
    assert csv["byteSize"] == len(BEDS_CSV)
    assert csv["checksum"]["checksumValue"] == hashlib.sha256(BEDS_CSV).hexdigest()
    schema = client.get(csv["describedBy"].removeprefix("http://127.0.0.1:8000"))
    assert schema.status_code == 200 and schema.json() == TABLE_SCHEMA
    assert api == {
        "@type": "dcat:Distribution",
        "accessURL": "https://health.ka.example/api/beds",
        "format": "API",
    }

    restricted = by_id[str(variety["restricted"].pk)]
    assert restricted["accessLevel"] == "restricted public"
    assert "स्वास्थ्य विभाग, कर्नाटक" in restricted["rights"]
    # No keyword: the themes' names stand in (DCAT-US requires one).
    assert restricted["keyword"] == ["Transport"]
    assert restricted["spatial"] == "74,11.5,78.6,18.5"
    # No end yet: the period runs to the dataset's last change.
    modified = variety["restricted"].modified_at.date().isoformat()
    assert restricted["temporal"] == f"2022-01-01/{modified}"
    assert "accrualPeriodicity" not in restricted  # "never" has no ISO 8601 form
    assert restricted["contactPoint"] == {
        "@type": "vcard:Contact",
        "fn": "स्वास्थ्य विभाग, कर्नाटक",  # no name given: the institution's
        "hasEmail": "mailto:calls@health.ka.example",
    }
    assert restricted["license"].startswith("http")

    clinics = by_id[str(variety["no-period"].pk)]
    assert "temporal" not in clinics and "spatial" not in clinics

    consent = by_id[str(variety[next(s for s in variety if s.startswith("records"))].pk)]
    assert consent["accessLevel"] == "non-public"
    assert "consent" in consent["rights"]
    assert "license" not in consent


def test_withdrawn_and_unpublished_datasets_are_not_listed(client, variety):
    from registry.services import Actor, dataset_withdraw

    dataset_withdraw(dataset=variety["no-period"], actor=Actor.system("t"))
    identifiers = {d["identifier"] for d in read_data_json(client)["dataset"]}
    assert f"http://127.0.0.1:8000/datasets/{variety['no-period'].pk}" not in identifiers
    assert len(identifiers) == Dataset.objects.filter(status="published").count() == 3


def test_an_empty_catalogue_is_still_a_valid_document(client, db):
    document = read_data_json(client)
    assert document["dataset"] == []
    assert list(validator().iter_errors(document)) == []


def test_data_json_is_streamed_in_chunks_with_a_bounded_number_of_queries(client, db):
    count = 2 * views.DATAJSON_CHUNK + 100
    generate_datasets(count=count, institutions=4, batch_size=1000, prefix="dj")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/data.json")
        assert response.streaming
        assert len(queries) == 0  # nothing is read before the body is
        blocks = iter(response.streaming_content)
        first = next(blocks)
        # The first block is out after one chunk of datasets (and its distributions) was read.
        assert len(queries) <= 2
        assert len(first) < 2 * views.STREAM_BUFFER
        rest = list(blocks)
    # Each chunk: one query for its datasets (by keyset, core/batches.py) and one for their
    # distributions; never one per dataset.
    assert len(queries) == 2 * math.ceil(count / views.DATAJSON_CHUNK)
    assert max(len(b) for b in rest) < 2 * views.STREAM_BUFFER
    document = json.loads(first + b"".join(rest))
    assert len(document["dataset"]) == count
    errors = list(validator().iter_errors(document))
    assert [e.message for e in errors[:5]] == []


def test_head_answers_without_reading_the_catalogue(client, variety):
    with CaptureQueriesContext(connection) as queries:
        response = client.head("/data.json")
    assert response.status_code == 200
    assert len(queries) == 0
