"""The background job, end to end: a dataset POSTed through the API becomes published.

With DATABASE_URL and REDIS_URL set, a real Celery worker process picks the job up from Redis
and writes to PostgreSQL; in the embedded default the job runs in-process after the commit.
"""

import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from registry.models import Dataset, ValidationFinding, ValidationRun
from registry.services import validation_rechecks_schedule, validation_runs_sweep

from ..factories import dataset_payload
from ..services import redis_available, require, using_broker, using_postgres
from ..sourceserver import BEDS_CSV
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


def test_rechecks_queued_in_bulk_are_executed_in_batches_by_the_job(api, worker, settings):
    settings.SUCHI_RUN_BATCH = 3
    ids = [
        api.post("/api/v1/datasets", dataset_payload(slug=f"beds-{i}"), format="json").json()["id"]
        for i in range(5)
    ]
    assert wait_for(lambda: Dataset.objects.filter(pk__in=ids, status="published").count() == 5)
    Dataset.objects.filter(pk__in=ids).update(next_check_at=timezone.now() - timedelta(minutes=1))

    run_ids = validation_rechecks_schedule()
    assert len(run_ids) == 5
    finished = wait_for(
        lambda: ValidationRun.objects.filter(id__in=run_ids, status="passed").count() == 5
    )
    assert finished, worker.output() if worker else ""
    if worker is not None:
        # Two jobs (3 + 2 runs), not five.
        assert worker.output().count("registry.tasks.validate_datasets") >= 2
        assert "registry.tasks.validate_datasets[" in worker.output()
    assert set(ValidationRun.objects.filter(id__in=run_ids).values_list("attempt", flat=True)) == {
        1
    }


def test_a_run_whose_worker_is_killed_mid_run_is_executed_again_after_the_sweep(api, source_server):
    """SIGKILL while the run is checking its source: the claim was committed, no result was;
    the sweeper takes the run back and a new worker executes it, once."""
    if not using_broker():
        pytest.skip("a worker process exists only in the PostgreSQL + Redis shape (CI runs both)")
    require("PostgreSQL", using_postgres(), "DATABASE_URL=postgres://…")
    require("Redis", using_broker() and redis_available(), "a reachable REDIS_URL")
    inside, release = threading.Event(), threading.Event()

    def held_source(request):
        inside.set()
        release.wait(timeout=20)  # the first attempt's worker dies while waiting here
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Content-Length", str(len(BEDS_CSV)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(BEDS_CSV)

    url = source_server.handle("/held.csv", held_source)
    payload = dataset_payload(slug="held")
    payload["distributions"][0]["access_url"] = url

    first = WorkerProcess().start()
    try:
        dataset_id = api.post("/api/v1/datasets", payload, format="json").json()["id"]
        assert inside.wait(timeout=30), first.output()
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
    finally:
        release.set()
        first.stop()
    run = ValidationRun.objects.get(dataset_id=dataset_id)
    assert (run.status, run.attempt) == ("running", 1)

    second = WorkerProcess().start()
    try:
        assert validation_runs_sweep(stale_after=timedelta(0)) == [run.id]
        published = wait_for(
            lambda: Dataset.objects.filter(pk=dataset_id, status="published").exists()
        )
        assert published, second.output()
    finally:
        second.stop()
        connections.close_all()
    run.refresh_from_db()
    assert (run.status, run.attempt) == ("passed", 2)
    # One result: the killed attempt wrote nothing.
    names = list(ValidationFinding.objects.filter(run=run).values_list("check_name", flat=True))
    assert len(names) == len(set(names))
