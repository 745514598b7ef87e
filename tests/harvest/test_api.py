"""The harvest API and command, and what harvested datasets show: provenance in the REST API,
DCAT and the dataset page."""

import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from harvest.models import HarvestJob, HarvestSource
from harvest.services import harvest_job_run
from registry.models import Dataset

from ..factories import make_institution, make_token
from .conftest import serve_json

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(owner):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(owner)}")
    return client


@pytest.fixture
def small(catalogue_server, dhs):
    return serve_json(catalogue_server, "/small.json", {"dataset": dhs["dataset"][:5]})


def test_owner_creates_a_source_starts_a_job_and_reads_its_report(api, small):
    created = api.post(
        "/api/v1/harvest-sources",
        {"name": "DHS", "kind": "datajson", "url": small, "frequency": "daily"},
        format="json",
    )
    assert created.status_code == 201, created.content
    source = created.json()
    assert source["next_run_at"] is not None
    started = api.post(f"/api/v1/harvest-sources/{source['id']}/jobs")
    assert started.status_code == 202
    job = started.json()
    assert job["status"] == "new"
    assert api.post(f"/api/v1/harvest-sources/{source['id']}/jobs").status_code == 409
    harvest_job_run(job_id=job["id"])  # what the worker does
    report = api.get(f"/api/v1/harvest-jobs/{job['id']}").json()
    assert report["status"] == "finished"
    assert report["counts"] == {
        "gathered": 5, "added": 5, "updated": 0, "unchanged": 0, "withdrawn": 0, "failed": 0,
    }  # fmt: skip
    # Its datasets wait for validation (no worker runs in this test): the report says so.
    assert report["progress"] == {
        "gathered": 5, "imported": 5, "to_import": 5, "validated": 0, "to_validate": 5,
        "settled": False,
    }  # fmt: skip
    assert report["outcomes"]["pending"] == 5
    assert report["findings"] == []
    listed = api.get(f"/api/v1/harvest-sources/{source['id']}/jobs").json()
    assert [j["id"] for j in listed["results"]] == [job["id"]]
    assert api.post(f"/api/v1/harvest-jobs/{job['id']}/abort").status_code == 409


def test_harvested_dataset_carries_its_provenance_everywhere(api, small, client):
    source = api.post(
        "/api/v1/harvest-sources", {"name": "DHS", "kind": "datajson", "url": small}, format="json"
    ).json()
    job = api.post(f"/api/v1/harvest-sources/{source['id']}/jobs").json()
    harvest_job_run(job_id=job["id"])
    dataset = Dataset.objects.get(title="COVID-19 Passenger Throughput")
    # Publish it as validation would (its sources are on the internet, not reachable here).
    Dataset.objects.filter(pk=dataset.pk).update(status="published")

    body = client.get(f"/api/v1/datasets/{dataset.pk}").json()
    assert body["provenance"]["source"] == {
        "id": source["id"], "name": "DHS", "kind": "datajson", "url": small,
    }  # fmt: skip
    assert body["provenance"]["publisher"] == "TSA.GOV Public Website"
    turtle = client.get(f"/datasets/{dataset.pk}.ttl").content.decode()
    # No landing page in this record: it is named by the catalogue's URL and its identifier.
    assert f"prov:wasDerivedFrom <{small}#TSA-1ebecc72" in turtle
    page = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="text/html").content.decode()
    assert "Harvested from" in page and "DHS (datajson)" in page


def test_bad_source_input_is_a_400_naming_the_field(api):
    for body, field in [
        ({"name": "x", "kind": "gopher", "url": "https://example.org/"}, "kind"),
        (
            {"name": "x", "kind": "ckan", "url": "https://example.org/", "frequency": "often"},
            "frequency",
        ),
        ({"name": "x", "kind": "ckan", "url": "http://10.0.0.1/"}, "url"),
        ({"name": "", "kind": "ckan", "url": "https://example.org/"}, "name"),
        ({"kind": "ckan", "url": "https://example.org/", "extra": 1}, "extra"),
    ]:
        response = api.post("/api/v1/harvest-sources", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"], response.json()
    assert HarvestSource.objects.count() == 0


def test_sources_and_jobs_are_private_to_their_institution(api, small):
    source = api.post(
        "/api/v1/harvest-sources", {"name": "DHS", "kind": "datajson", "url": small}, format="json"
    ).json()
    job = api.post(f"/api/v1/harvest-sources/{source['id']}/jobs").json()
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(make_institution(slug='other'))}")
    assert other.get(f"/api/v1/harvest-sources/{source['id']}").status_code == 404
    assert other.post(f"/api/v1/harvest-sources/{source['id']}/jobs").status_code == 404
    assert other.get(f"/api/v1/harvest-jobs/{job['id']}").status_code == 404
    assert other.get("/api/v1/harvest-sources").json() == []
    assert APIClient().get("/api/v1/harvest-sources").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_harvest_command_runs_a_job_and_prints_its_report(owner, small):
    from harvest.services import harvest_source_create

    harvest_source_create(institution=owner, name="DHS", kind="datajson", url=small)
    out = io.StringIO()
    call_command("harvest", "DHS", "--wait", stdout=out)
    assert "finished" in out.getvalue()
    assert "added 5" in out.getvalue()
    assert HarvestJob.objects.get().status == "finished"
    with pytest.raises(CommandError, match="No harvest source"):
        call_command("harvest", "nothing", stdout=io.StringIO())
