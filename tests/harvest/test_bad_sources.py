"""Sources that misbehave end their job with a clear reason and leave nothing half-imported."""

import json
import time

import pytest

from core.errors import Conflict, ServiceError
from harvest.models import HarvestJob, HarvestRecord, StagedRecord
from harvest.services import (
    harvest_job_run,
    harvest_job_start,
    harvest_jobs_sweep,
    harvest_source_create,
)
from registry.models import Dataset

from .conftest import serve_json

pytestmark = pytest.mark.django_db


def harvest(owner, url, kind="datajson") -> HarvestJob:
    source = harvest_source_create(
        institution=owner, name=f"s-{time.monotonic_ns()}", kind=kind, url=url
    )
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_malformed_json_fails_the_job_and_imports_nothing(owner, catalogue_server, dhs):
    text = json.dumps(dhs)
    broken = text[: len(text) // 2]  # valid records first, then the document breaks off
    url = catalogue_server.serve("/broken.json", broken.encode(), "application/json")
    job = harvest(owner, url)
    assert job.status == "failed"
    assert "not valid JSON" in job.error
    assert job.gathered > 100  # it had read many records before the break …
    assert Dataset.objects.count() == 0  # … and imported none of them
    assert StagedRecord.objects.count() == 0


def test_malformed_rdf_fails_the_job(owner, catalogue_server):
    url = catalogue_server.serve(
        "/catalog.ttl",
        b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> dcat:x ;;; .",
        "text/turtle",
    )
    job = harvest(owner, url, kind="dcat")
    assert job.status == "failed"
    assert "not valid RDF" in job.error
    assert Dataset.objects.count() == 0


def test_not_a_catalogue_fails_the_job(owner, catalogue_server):
    url = serve_json(catalogue_server, "/nothing.json", {"hello": "world"})
    job = harvest(owner, url, kind="ckan")
    assert job.status == "failed"
    assert "HTTP 404" in job.error or "not a CKAN" in job.error


def test_a_ckan_source_that_repeats_a_page_forever_is_stopped(owner, catalogue_server):
    page = {
        "success": True,
        "result": {
            "count": 10**9,
            "results": [{"id": "same", "name": "same", "title": "Same", "notes": "x" * 20}],
        },
    }
    serve_json(catalogue_server, "/api/3/action/package_search", page)
    job = harvest(owner, catalogue_server.url(""), kind="ckan")
    assert job.status == "failed"
    assert "repeated a page" in job.error
    assert job.pages == 2
    assert Dataset.objects.count() == 0


def test_a_dcat_source_whose_next_page_loops_is_stopped(owner, catalogue_server):
    loop = catalogue_server.url("/loop.ttl")
    body = f"""@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<{loop}#view> a hydra:PartialCollectionView ; hydra:next <{loop}> .
""".encode()
    catalogue_server.serve("/loop.ttl", body, "text/turtle")
    job = harvest(owner, loop, kind="dcat")
    assert job.status == "failed"
    assert "repeated a page" in job.error


def test_a_source_that_times_out_fails_with_the_reason(owner, catalogue_server, settings):
    from ..sourceserver import drip

    settings.SUCHI_HARVEST_READ_TIMEOUT = 1
    url = catalogue_server.handle("/slow.json", drip(delay=3, total=10))
    started = time.monotonic()
    job = harvest(owner, url)
    assert time.monotonic() - started < 10
    assert job.status == "failed"
    assert "timed out" in job.error


def test_duplicate_guids_give_one_dataset_and_an_error_line(owner, catalogue_server, dhs):
    first = dhs["dataset"][0]
    doc = {"dataset": [first, dict(first, title="A second record with the same id")]}
    job = harvest(owner, serve_json(catalogue_server, "/dup.json", doc))
    assert job.status == "finished"
    assert (job.added, job.failed) == (1, 1)
    assert "appears more than once" in job.errors[0]
    assert Dataset.objects.count() == 1


def test_invalid_records_fail_one_by_one_with_a_reason(owner, catalogue_server, dhs):
    good, bad = dhs["dataset"][0], dict(dhs["dataset"][1], title="")
    job = harvest(owner, serve_json(catalogue_server, "/mixed.json", {"dataset": [good, bad]}))
    assert (job.status, job.added, job.failed) == ("finished", 1, 1)
    # The field as the source calls it too (an outside check: "title" said nothing of dct:title).
    assert job.errors == [
        f"{bad['identifier']}: title (the source's title): This field may not be blank."
    ]


def test_a_dcat_records_failure_names_the_property_it_lacks(owner, catalogue_server):
    from .test_european_dcat import PREFIXES

    record = """<https://x.example/d> a dcat:Dataset ; dct:identifier "d" ;
    dct:description "Stops of every bus line in the city." ."""
    url = catalogue_server.serve("/c.ttl", (PREFIXES + record).encode(), "text/turtle")
    job = harvest(owner, url, kind="dcat")
    assert job.errors == ["d: title (the source's dct:title): This field may not be blank."]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:1/data.json",
        "http://[::1]/data.json",
        "file:///etc/passwd",
        "ftp://example.org/data.json",
    ],
)
def test_unsafe_source_urls_are_refused(owner, url):
    with pytest.raises(ServiceError) as refused:
        harvest_source_create(institution=owner, name="x", kind="datajson", url=url)
    assert refused.value.field == "url"


def test_a_redirect_to_a_private_address_fails_the_job(owner, catalogue_server):
    url = catalogue_server.redirect("/moved.json", "http://169.254.169.254/latest/meta-data/")
    job = harvest(owner, url)
    assert job.status == "failed"
    assert "unsafe URL" in job.error


def test_one_job_per_source_at_a_time(owner, catalogue_server, dhs):
    source = harvest_source_create(
        institution=owner,
        name="DHS",
        kind="datajson",
        url=serve_json(catalogue_server, "/d.json", dhs),
    )
    harvest_job_start(source=source)
    with pytest.raises(Conflict):
        harvest_job_start(source=source)


def test_a_job_whose_heartbeat_stopped_is_failed_by_the_sweep(owner, catalogue_server, dhs):
    from datetime import timedelta

    from django.utils import timezone

    source = harvest_source_create(
        institution=owner,
        name="DHS",
        kind="datajson",
        url=serve_json(catalogue_server, "/d.json", dhs),
    )
    job = harvest_job_start(source=source)
    HarvestJob.objects.filter(pk=job.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    failed, _ = harvest_jobs_sweep()
    assert failed == [job.pk]
    job.refresh_from_db()
    assert job.status == "failed"
    assert "no heartbeat" in job.error
    assert harvest_job_start(source=source).status == "new"  # the source is free again


def test_abort_stops_a_running_job_and_keeps_nothing_staged(owner, catalogue_server, dhs):
    from harvest.services import harvest_job_abort

    source = harvest_source_create(
        institution=owner,
        name="DHS",
        kind="datajson",
        url=serve_json(catalogue_server, "/d.json", dhs),
    )
    job = harvest_job_start(source=source)
    HarvestJob.objects.filter(pk=job.pk).update(status="running")
    harvest_job_abort(job=job)
    HarvestJob.objects.filter(pk=job.pk).update(status="new")  # let the run claim it
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "aborted"
    assert StagedRecord.objects.count() == 0
    assert not HarvestRecord.objects.exists()


def test_an_xml_answer_of_another_kind_is_named_by_its_root(owner, catalogue_server):
    """A CSW answer (GeoNetwork's GetRecords) given as a DCAT source: rdflib's message was
    "Invalid node element URI … rdf:RDF", which says nothing to the person who set it up."""
    csw = (
        b'<?xml version="1.0"?><csw:GetRecordsResponse '
        b'xmlns:csw="http://www.opengis.net/cat/csw/2.0.2"><csw:SearchResults>'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
        b"</csw:SearchResults></csw:GetRecordsResponse>"
    )
    url = catalogue_server.serve("/csw.xml", csw, "application/rdf+xml")
    job = harvest(owner, url, kind="dcat")
    assert job.status == "failed"
    assert "not RDF/XML: its root element is {http://www.opengis.net/cat/csw/2.0.2}" in job.error
