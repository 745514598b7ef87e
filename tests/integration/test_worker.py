"""The background job, end to end: a dataset POSTed through the API becomes published.

With DATABASE_URL and REDIS_URL set, a real Celery worker process picks the job up from Redis
and writes to PostgreSQL; in the embedded default the job runs in-process after the commit.
"""

import time

import pytest
from django.db import connections

from registry.models import Dataset, ValidationRun

from ..factories import dataset_payload
from ..services import redis_available, require, using_broker, using_postgres
from .worker import WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():
    if not using_broker():
        yield None
        return
    require(
        "PostgreSQL",
        using_postgres(),
        "DATABASE_URL=postgres://… (a worker process cannot "
        "share the in-memory SQLite test database)",
    )
    require("Redis", redis_available(), "a reachable REDIS_URL")
    process = WorkerProcess().start()
    yield process
    process.stop()
    # The worker's connections are closed; drop ours so the test database can be flushed.
    connections.close_all()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def test_dataset_posted_through_the_api_is_validated_by_the_job_and_published(api, worker):
    response = api.post("/api/v1/datasets", dataset_payload(slug="beds"), format="json")
    assert response.status_code == 201
    dataset_id = response.json()["id"]

    if worker is None:
        # Embedded default: the job ran in this process once the transaction committed.
        assert response.json()["status"] == "published"
    else:
        # Not run eagerly: the API answered before any worker had the job.
        assert response.json()["status"] == "validating"
        published = wait_for(
            lambda: Dataset.objects.filter(pk=dataset_id, status="published").exists()
        )
        assert published, "the worker did not publish the dataset:\n" + worker.output()
        assert "registry.tasks.validate_dataset" in worker.output()
        assert "succeeded" in worker.output()

    run = ValidationRun.objects.get(dataset_id=dataset_id)
    assert (run.status, run.attempt) == ("passed", 1)
    shown = api.get(f"/api/v1/datasets/{dataset_id}/validations").json()
    assert shown["results"][0]["status"] == "passed"


def test_incomplete_dataset_is_rejected_by_the_job(api, worker):
    response = api.post(
        "/api/v1/datasets", {"title": "Bus stops", "description": "All stops."}, format="json"
    )
    dataset_id = response.json()["id"]
    status = wait_for(
        lambda: (
            Dataset.objects.filter(pk=dataset_id)
            .exclude(status="validating")
            .values_list("status", flat=True)
            .first()
        )
    )
    assert status == "rejected", worker.output() if worker else ""
    fields = set(
        ValidationRun.objects.get(dataset_id=dataset_id)
        .findings.filter(severity="error")
        .values_list("field", flat=True)
    )
    assert {"license", "themes", "distributions", "contact_point.email"} == fields
