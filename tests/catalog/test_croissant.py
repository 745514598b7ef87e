"""MLCommons Croissant 1.1 for published datasets, checked with mlcroissant (the reference
implementation): every demo dataset validates, a dataset on the local source server loads
record by record, and odd input still gives a valid document."""

import copy
import io
import json
import statistics
import time

import mlcroissant as mlc
import pandas as pd
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.standards import croissant
from registry.models import Dataset
from registry.selectors import datasets_published
from registry.services import Actor, dataset_register, dataset_withdraw

from ..factories import dataset_payload, publish, publish_consent_dataset, source_url

pytestmark = pytest.mark.django_db
PROFILE = 'application/ld+json; profile="http://mlcommons.org/croissant/1.1"'
BEDS_SCHEMA = {
    "fields": [
        {"name": "district", "type": "string", "title": "District"},
        {"name": "date", "type": "date"},
        {"name": "beds_total", "type": "integer"},
        {"name": "beds_occupied", "type": "integer"},
    ],
    "primaryKey": ["district", "date"],
}


def beds_distribution(**overrides) -> dict:
    return {
        "title": "Daily occupancy (CSV)",
        "access_url": source_url("/beds.csv"),
        "download_url": source_url("/beds.csv"),
        "media_type": "text/csv",
        "format": "CSV",
        "schema": BEDS_SCHEMA,
        **overrides,
    }


def valid(document: dict) -> mlc.Dataset:
    """The document read by mlcroissant, which raises on any error; nothing is fetched. The
    one warning allowed is a missing licence (consent-gated records have none)."""
    dataset = mlc.Dataset(jsonld=copy.deepcopy(document))
    issues = dataset.metadata.ctx.issues
    assert not issues.errors
    others = [w for w in issues.warnings if "schema.org/license" not in w]
    assert not others, others
    assert "license" not in document or not any("license" in w for w in issues.warnings)
    return dataset


def fetch(client, dataset) -> dict:
    response = client.get(f"/api/v1/datasets/{dataset.pk}/croissant")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(PROFILE)
    return json.loads(response.content)


def test_every_demo_dataset_is_valid_croissant_with_an_embedded_context(client):
    call_command("seed_demo", stdout=io.StringIO())
    datasets = list(datasets_published())
    assert len(datasets) >= 5
    with_records = 0
    for dataset in datasets:
        document = fetch(client, dataset)
        assert isinstance(document["@context"], dict)
        assert document["conformsTo"] == "http://mlcommons.org/croissant/1.1"
        assert document["@type"] == "sc:Dataset"
        assert len(document["distribution"]) == dataset.distributions.count()
        valid(document)
        with_records += "recordSet" in document
    assert with_records or not any(d.schema for ds in datasets for d in ds.distributions.all()), (
        "a demo dataset has a Table Schema but no record set"
    )


def test_a_dataset_on_the_source_server_loads_its_rows_typed(client, institution):
    dataset = publish(institution, distributions=[beds_distribution()])
    document = fetch(client, dataset)
    record_set = document["recordSet"][0]
    assert record_set["key"] == [
        {"@id": record_set["@id"] + "/district"},
        {"@id": record_set["@id"] + "/date"},
    ]
    loaded = valid(document)
    assert loaded.metadata.record_sets[0].uuid == record_set["@id"]  # as docs/croissant.md says
    rows = list(loaded.records(record_set=record_set["@id"]))
    prefix = record_set["@id"] + "/"
    got = [{k.removeprefix(prefix): v for k, v in row.items()} for row in rows]
    assert got == [
        {
            "district": b"Bengaluru Urban",
            "date": pd.Timestamp("2024-01-01"),
            "beds_total": 1200,
            "beds_occupied": 950,
        },
        {
            "district": b"Mysuru",
            "date": pd.Timestamp("2024-01-01"),
            "beds_total": 640,
            "beds_occupied": 410,
        },
        {
            "district": b"Belagavi",
            "date": pd.Timestamp("2024-01-01"),
            "beds_total": 580,
            "beds_occupied": 502,
        },
    ]


def test_the_document_carries_the_dataset_metadata(client, institution):
    dataset = publish(
        institution,
        distributions=[beds_distribution(byte_size=133, checksum_sha256="ab" * 32)],
        temporal={"start": "2020-04-01", "end": None},
        spatial={"states": ["KA"], "districts": [], "bbox": [74.05, 11.58, 78.59, 18.45]},
    )
    document = fetch(client, dataset)
    base = settings.SUCHI_SITE_URL
    # The period and places, as the page's schema.org record states them (open end: "..").
    assert document["temporalCoverage"] == "2020-04-01/.."
    assert document["spatialCoverage"] == [
        {"@type": "Place", "name": "Karnataka"},
        {"@type": "Place", "geo": {"@type": "GeoShape", "box": "11.58 74.05 18.45 78.59"}},
    ]
    assert document["url"] == f"{base}/datasets/{dataset.pk}"
    assert document["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert document["creator"] == {
        "@type": "sc:Organization",
        "name": institution.name,
        "url": f"{base}/institutions/{institution.slug}",
    }
    assert document["version"] == "1.0"
    assert document["keywords"] == ["hospitals", "beds"]
    assert institution.name in document["citeAs"] and dataset.title in document["citeAs"]
    assert document["datePublished"] and document["dateModified"]
    (file,) = document["distribution"]
    assert file["contentUrl"] == source_url("/beds.csv")
    assert file["encodingFormat"] == "text/csv"
    assert file["contentSize"] == "133 B"
    assert file["sha256"] == "ab" * 32
    assert document["isLiveDataset"] is False  # every file has its checksum
    valid(document)


def test_a_dataset_without_a_table_schema_is_valid_without_record_sets(client, institution):
    document = fetch(client, publish(institution))
    assert "recordSet" not in document
    assert document["isLiveDataset"] is True  # no checksum: the source may change the file
    valid(document)


def test_a_type_croissant_cannot_express_is_text_with_a_note(client, institution):
    schema = {"fields": [{"name": "where", "type": "geopoint"}, {"name": "n"}]}
    dataset = publish(institution, distributions=[beds_distribution(schema=schema)])
    document = fetch(client, dataset)
    where, n = document["recordSet"][0]["field"]
    assert where["dataType"] == "sc:Text"
    assert "geopoint" in where["description"]
    assert n["dataType"] == "sc:Text" and "description" not in n  # no type means string
    valid(document)


def test_a_unknown_licence_is_kept_as_the_source_wrote_it(institution):
    dataset = publish(institution)
    Dataset.objects.filter(pk=dataset.pk).update(license="", license_text="Terms of the dept.")
    document = croissant.dataset_document("https://x.example", datasets_published().get())
    assert document["license"] == "Terms of the dept."
    valid(document)
    assert "@base" not in croissant.CONTEXT  # the shared context is never handed out


@pytest.mark.parametrize("access", ["restricted", "consent"])
def test_restricted_and_consent_datasets_offer_no_download(client, institution, access):
    if access == "consent":
        dataset = publish_consent_dataset(institution, distributions=[beds_distribution()])
    else:
        dataset = publish(institution, access_rights=access, distributions=[beds_distribution()])
    document = fetch(client, dataset)
    page = f"{settings.SUCHI_SITE_URL}/datasets/{dataset.pk}"
    for file in document["distribution"]:
        assert file["contentUrl"] == page
        assert file["encodingFormat"] == "text/html"
    assert "beds.csv" not in json.dumps(document)
    assert document["conditionsOfAccess"]
    valid(document)


def test_markup_in_the_title_stays_text_and_never_breaks_out(client, institution):
    title = '</script><script>alert("x")</script> & <b>beds</b>'
    dataset = publish(institution, title=title, description="<img src=x onerror=alert(1)>")
    response = client.get(f"/datasets/{dataset.pk}/croissant.jsonld")
    assert response.status_code == 200
    assert b"<" not in response.content and b">" not in response.content
    document = json.loads(response.content)
    assert document["name"] == title
    assert document["description"] == "<img src=x onerror=alert(1)>"
    valid(document)


def test_a_withdrawn_dataset_is_gone_and_an_unknown_one_not_found(client, institution):
    dataset = publish(institution)
    dataset_withdraw(dataset=dataset, actor=Actor.system("test"))
    for url in (
        f"/api/v1/datasets/{dataset.pk}/croissant",
        f"/datasets/{dataset.pk}/croissant.jsonld",
    ):
        assert client.get(url).status_code == 410
    assert client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT=PROFILE).status_code == 410
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/api/v1/datasets/{unknown}/croissant").status_code == 404
    assert client.get(f"/datasets/{unknown}/croissant.jsonld").status_code == 404


def test_content_negotiation_gives_croissant_only_for_its_profile(client, institution):
    dataset = publish(institution)
    url = f"/datasets/{dataset.pk}"
    response = client.get(url, HTTP_ACCEPT=PROFILE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(PROFILE)
    assert json.loads(response.content)["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert "Accept" in response["Vary"]
    plain = client.get(url, HTTP_ACCEPT="application/ld+json")
    assert plain["Content-Type"].startswith("application/ld+json; charset")
    assert "mlcommons.org/croissant/1.1" not in plain.content.decode()
    assert "http://www.w3.org/ns/dcat#" in plain.content.decode()  # DCAT JSON-LD, as before
    assert client.get(url, HTTP_ACCEPT="text/html").status_code == 200
    assert client.get(url).status_code == 200


def test_a_draft_is_not_found(client, institution):
    draft = dataset_register(
        institution=institution, data=dataset_payload(), actor=Actor.system("t")
    )
    assert client.get(f"/api/v1/datasets/{draft.pk}/croissant").status_code == 404
    assert client.get(f"/datasets/{draft.pk}/croissant.jsonld").status_code == 404


def test_generating_croissant_for_a_30_column_dataset_is_fast(institution):
    kinds = ["string", "integer", "number", "boolean", "date", "datetime"]
    schema = {
        "fields": [{"name": f"c{i}", "type": kinds[i % len(kinds)]} for i in range(30)],
        "primaryKey": "c0",
    }
    publish(institution, distributions=[beds_distribution(schema=schema)])
    dataset = datasets_published().get()
    base = settings.SUCHI_SITE_URL
    croissant.dataset_document(base, dataset)  # warm: the licence list, URL resolver
    timings = []
    for _ in range(200):
        start = time.perf_counter()
        json.dumps(croissant.dataset_document(base, dataset))
        timings.append((time.perf_counter() - start) * 1000)
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(f"croissant, 30 columns: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    assert p50 < 20


def test_odd_column_names_give_valid_unique_ids(client, institution):
    names = ["district name", "ज़िला", "a/b", "district name", "x#y?%"]
    schema = {"fields": [{"name": n, "type": "string"} for n in names], "primaryKey": "ज़िला"}
    dataset = publish(institution, distributions=[beds_distribution(schema=schema)])
    document = fetch(client, dataset)
    (record_set,) = document["recordSet"]
    ids = [f["@id"] for f in record_set["field"]]
    assert len(set(ids)) == len(names)
    assert not any(" " in i or "/" in i.split("/", 1)[1] for i in ids)
    assert [f["source"]["extract"]["column"] for f in record_set["field"]] == names
    assert record_set["key"] == {"@id": ids[1]}
    valid(document)


def test_the_document_costs_the_same_queries_whatever_the_distributions(
    client, institution, django_assert_num_queries
):
    one = publish(institution, slug="one", distributions=[beds_distribution()])
    three = publish(institution, slug="three", distributions=[beds_distribution()] * 3)
    url = "/datasets/{}/croissant.jsonld"
    with CaptureQueriesContext(connection) as first:
        assert client.get(url.format(one.pk)).status_code == 200
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url.format(three.pk))
    assert len(json.loads(response.content)["recordSet"]) == 3
