"""A harvested dataset keeps the dates its source gives it (issued, modified) in every export,
and its timeliness is judged by them: before, every export said the harvest's time, so a
record last changed in 2015 looked as fresh as the day it was harvested."""

import json
import time
from collections import Counter

import ckanapi
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, XSD

from catalog.standards.dates import source_date
from harvest.models import HarvestSource
from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset, ValidationRun

from .conftest import datajson_item, serve_ckan_package, serve_json
from .test_real_catalogues import validate_everything_queued
from .test_real_mappings import _load

pytestmark = pytest.mark.django_db


def harvest(owner, url: str, kind: str) -> None:
    source = harvest_source_create(institution=owner, name=f"{kind} source", kind=kind, url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    # Under live_server a commit hands the job to the in-process worker, which may still hold it.
    deadline = time.monotonic() + 60
    while job.status in ("new", "running") and time.monotonic() < deadline:
        time.sleep(0.05)
        job.refresh_from_db()
    assert job.status == "finished", job.error
    validate_everything_queued()
    while ValidationRun.objects.filter(status="running").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("2015", "2015"),
        ("2015-03", "2015-03"),
        ("2015-03-01", "2015-03-01"),
        ("2015-03-01T10:20:30Z", "2015-03-01T10:20:30+00:00"),
        ("2015-03-01T10:20:30.123456-05:00", "2015-03-01T10:20:30-05:00"),
        ("2015-03-01 10:20:30", "2015-03-01T10:20:30"),
        ("R/P1D", ""),  # DCAT-US allows a repeating interval for modified: no date
        ("2015-02-30", ""),
        ("2015-13", ""),
        ("last week", ""),
        ("", ""),
        (None, ""),
        (20150301, ""),
    ],
)
def test_a_stated_date_is_kept_at_its_own_precision(value, kept):
    assert source_date(value) == kept


def test_the_gsa_catalogues_dates_reach_the_public_data_json(owner, catalogue_server, client_anon):
    document = _load("gsa")
    by_identifier = {item["identifier"]: item for item in document["dataset"]}
    harvest(owner, serve_json(catalogue_server, "/gsa.json", document), "datajson")
    published = json.loads(b"".join(client_anon.get("/data.json").streaming_content))
    ours = {
        item["identifier"].rstrip("/").rsplit("/", 1)[-1]: item for item in published["dataset"]
    }
    assert len(ours) > 300
    compared = Counter()
    for dataset in Dataset.objects.filter(status="published"):
        source = by_identifier[dataset.provenance["remote_id"]]
        record = ours[str(dataset.pk)]
        for key in ("issued", "modified"):
            stated = source_date(source.get(key))
            if stated:
                assert record[key] == stated, (dataset.provenance["remote_id"], key)
                compared[key] += 1
            elif key == "modified":  # none stated (or "R/P1D"): this catalogue's time, and the
                assert record[key].startswith("20")  # source's words kept in the provenance
                assert dataset.provenance["source_fields"].get(key) == source.get(key)
    assert compared["modified"] > 300, compared


TURTLE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://data.example.org/dataset/rain> a dcat:Dataset ;
    dct:title "Monthly rainfall" ; dct:description "Rainfall by district, every month." ;
    dct:identifier "rain" ;
    dct:issued "2019"^^xsd:gYear ;
    dct:modified "2021-06-30T08:15:00Z"^^xsd:dateTime ;
    dcat:distribution [ a dcat:Distribution ;
        dcat:accessURL <https://data.example.org/rain.csv> ; dcat:mediaType "text/csv" ] .
<https://data.example.org/dataset/wind> a dcat:Dataset ;
    dct:title "Daily wind speed" ; dct:description "Wind speed at every station, daily." ;
    dct:identifier "wind" ;
    dct:issued "2020-02-01"^^xsd:date ;
    dcat:distribution [ a dcat:Distribution ;
        dcat:accessURL <https://data.example.org/wind.csv> ; dcat:mediaType "text/csv" ] .
"""


def test_dcat_dates_come_back_typed_as_the_source_typed_them(owner, catalogue_server, client_anon):
    url = catalogue_server.serve("/catalog.ttl", TURTLE.encode(), "text/turtle")
    harvest(owner, url, "dcat")
    rain = Dataset.objects.get(title="Monthly rainfall", status="published")
    wind = Dataset.objects.get(title="Daily wind speed", status="published")
    graph = Graph().parse(data=client_anon.get("/catalog.ttl").content.decode(), format="turtle")

    def said(dataset, predicate):
        (node,) = graph.subjects(DCTERMS.identifier, Literal(str(dataset.pk)))
        return set(graph.objects(node, predicate))

    assert said(rain, DCTERMS.issued) == {Literal("2019", datatype=XSD.gYear)}
    assert said(rain, DCTERMS.modified) == {
        Literal("2021-06-30T08:15:00+00:00", datatype=XSD.dateTime)
    }
    assert said(wind, DCTERMS.issued) == {Literal("2020-02-01", datatype=XSD.date)}
    # No modification date at the source: the one this catalogue knows.
    (modified,) = said(wind, DCTERMS.modified)
    assert modified.datatype == XSD.dateTime
    assert modified.toPython().date() == wind.modified_at.date()


def test_a_ckan_client_sees_the_sources_dates_beside_its_own(owner, catalogue_server, live_server):
    url = serve_ckan_package(
        catalogue_server,
        metadata_created="2014-01-09T10:00:00.000000",
        metadata_modified="2016-07-01T12:30:00.000000",
        extras=[{"key": "issued", "value": "2013-12-31"}],
    )
    harvest(owner, url, "ckan")
    dataset = Dataset.objects.get(title="Road accidents", status="published")
    assert (dataset.source_issued, dataset.source_modified) == (
        "2013-12-31",  # the record's own date wins over CKAN's time for the package
        "2016-07-01T12:30:00",
    )
    shown = ckanapi.RemoteCKAN(live_server.url).action.package_show(id=str(dataset.pk))
    extras = {e["key"]: e["value"] for e in shown["extras"]}
    assert (extras["issued"], extras["modified"]) == ("2013-12-31", "2016-07-01T12:30:00")
    assert shown["metadata_modified"].startswith(dataset.modified_at.date().isoformat())


def test_timeliness_is_judged_by_when_the_source_last_changed(owner, catalogue_server):
    """An annual dataset its source last changed in 2015 is late, however recent the harvest;
    one changed last month is on time."""
    document = {
        "dataset": [
            datajson_item(
                identifier=name,
                title=f"Annual statistics {name}",
                modified=modified,
                accrualPeriodicity="R/P1Y",
            )
            for name, modified in (("old", "2015-06-01"), ("new", "2026-11-01"))
        ]
    }
    harvest(owner, serve_json(catalogue_server, "/annual.json", document), "datajson")

    def timeliness(title):
        quality = Dataset.objects.get(title=title).quality
        return next(c for c in quality["criteria"] if c["name"] == "up_to_date")

    old, new = timeliness("Annual statistics old"), timeliness("Annual statistics new")
    assert not old["met"]
    assert old["age_days"] > 3000
    assert new["met"], new


def test_the_dataset_page_shows_the_sources_dates(owner, catalogue_server, client_anon):
    record = datajson_item(issued="2019-05", modified="2024-02-29T10:00:00Z")
    harvest(owner, serve_json(catalogue_server, "/page.json", {"dataset": [record]}), "datajson")
    dataset = Dataset.objects.get(status="published")
    page = client_anon.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="text/html").content.decode()
    assert 'Issued at the source</dt><dd><time datetime="2019-05">2019-05</time>' in page
    assert '<time datetime="2024-02-29T10:00:00+00:00">2024-02-29</time>' in page


def test_a_new_date_at_the_source_alone_updates_the_dates_and_makes_no_revision(
    owner, catalogue_server
):
    record = datajson_item(identifier="tides", title="Tide tables")
    url = serve_json(catalogue_server, "/tides.json", {"dataset": [record]})
    harvest(owner, url, "datajson")
    dataset = Dataset.objects.get(title="Tide tables")
    revisions = dataset.revisions.count()
    serve_json(catalogue_server, "/tides.json", {"dataset": [{**record, "modified": "2025-01-01"}]})
    source = dataset.provenance["source"]["id"]
    job = harvest_job_start(source=HarvestSource.objects.get(pk=source))
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.updated, job.unchanged) == (1, 0)
    dataset.refresh_from_db()
    assert (dataset.source_modified, dataset.provenance["modified"]) == ("2025-01-01", "2025-01-01")
    assert dataset.revisions.count() == revisions
    assert dataset.status == "published"
