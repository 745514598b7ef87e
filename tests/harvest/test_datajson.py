"""Harvesting a real DCAT-US data.json (DHS, 1,093 datasets) from a local HTTP server."""

import pytest

from harvest.models import HarvestJob, HarvestRecord, StagedRecord
from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset

from .conftest import serve_json

pytestmark = pytest.mark.django_db


def run(source) -> HarvestJob:
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def source(owner, catalogue_server, dhs):
    url = serve_json(catalogue_server, "/data.json", dhs)
    return harvest_source_create(institution=owner, name="DHS", kind="datajson", url=url)


def test_dhs_catalogue_is_harvested_with_the_right_counts_and_rerun_is_unchanged(source, dhs):
    job = run(source)
    assert job.status == "finished", job.error
    assert job.gathered == 1093
    assert (job.added, job.updated, job.unchanged, job.withdrawn, job.failed) == (1093, 0, 0, 0, 0)
    assert Dataset.objects.filter(provenance__source__id=str(source.pk)).count() == 1093
    assert StagedRecord.objects.count() == 0

    again = run(source)
    assert (again.added, again.updated, again.unchanged, again.withdrawn) == (0, 0, 1093, 0)
    assert Dataset.objects.count() == 1093  # never a duplicate


def test_edits_and_removals_at_the_source_update_and_withdraw_exactly_those(
    source, dhs, catalogue_server
):
    run(source)
    edited, removed = dhs["dataset"][0], dhs["dataset"][1]
    edited["title"] = "COVID-19 Passenger Throughput (revised)"
    dhs["dataset"] = [d for d in dhs["dataset"] if d is not removed]
    serve_json(catalogue_server, "/data.json", dhs)

    job = run(source)
    assert (job.added, job.updated, job.unchanged, job.withdrawn, job.failed) == (0, 1, 1091, 1, 0)
    record = HarvestRecord.objects.get(source=source, guid=removed["identifier"])
    assert record.status == "withdrawn"
    assert record.dataset.status == "withdrawn"
    changed = HarvestRecord.objects.get(source=source, guid=edited["identifier"]).dataset
    assert changed.revisions.count() == 2

    third = run(source)
    assert (third.added, third.updated, third.unchanged, third.withdrawn) == (0, 0, 1092, 0)
    assert Dataset.objects.count() == 1093
    assert not HarvestJob.objects.filter(status__in=["new", "running"]).exists()


def test_provenance_is_recorded(source, dhs):
    run(source)
    dataset = HarvestRecord.objects.get(source=source, guid=dhs["dataset"][0]["identifier"]).dataset
    assert dataset.provenance["source"]["kind"] == "datajson"
    assert dataset.provenance["remote_id"] == dhs["dataset"][0]["identifier"]
    assert dataset.provenance["publisher"] == "TSA.GOV Public Website"
