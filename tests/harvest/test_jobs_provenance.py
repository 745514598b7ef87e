"""What a source says that Suchi's model has no place for (`source_fields`) travels with the
record: staged, kept in the dataset's provenance snapshot, and part of the content hash, so a
change in those fields alone still updates the record."""

import pytest

from catalog.standards.datajson import datajson_record
from harvest.models import HarvestJob, StagedRecord
from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset

from .conftest import serve_json
from .test_jobs_report import generated_record

pytestmark = pytest.mark.django_db


def run(source) -> HarvestJob:
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_source_fields_go_to_the_provenance_and_a_change_in_them_updates_the_record(
    owner, catalogue_server
):
    record = generated_record(0, f"http://{catalogue_server.host_port}")
    record["bureauCode"] = ["024:056"]
    assert datajson_record(record, "https://example.org/data.json").source_fields
    url = serve_json(catalogue_server, "/fields.json", {"dataset": [record]})
    source = harvest_source_create(institution=owner, name="fields", kind="datajson", url=url)

    first = run(source)
    assert (first.status, first.added) == ("finished", 1), first.error
    dataset = Dataset.objects.get()
    assert dataset.provenance["source_fields"]["bureauCode"] == ["024:056"]
    assert not StagedRecord.objects.exists()

    record["bureauCode"] = ["024:057"]  # only a field Suchi has no place for
    serve_json(catalogue_server, "/fields.json", {"dataset": [record]})
    second = run(source)
    assert (second.updated, second.unchanged) == (1, 0)
    dataset.refresh_from_db()
    assert dataset.provenance["source_fields"]["bureauCode"] == ["024:057"]

    third = run(source)
    assert (third.updated, third.unchanged) == (0, 1)


def test_a_record_without_source_fields_has_none_in_its_provenance(owner, catalogue_server):
    record = generated_record(0, f"http://{catalogue_server.host_port}")
    remote = datajson_record(record, "https://example.org/data.json")
    url = serve_json(catalogue_server, "/plain.json", {"dataset": [record]})
    source = harvest_source_create(institution=owner, name="plain", kind="datajson", url=url)
    assert run(source).added == 1
    provenance = Dataset.objects.get().provenance
    assert ("source_fields" in provenance) == bool(getattr(remote, "source_fields", None))
