"""Validation throughput per worker process: runs/s and p95 run duration.

Runs are executed the way a worker does (each in its own transactions, committed), one process,
one thread. `metadata-only` skips the checks that contact sources; `1 MiB sample` reads a
1 MiB CSV from a local HTTP source and runs every check on it.
"""

import statistics
import time

import pytest
from django.db import connection

from registry.models import ValidationRun
from registry.services import (
    Actor,
    dataset_register,
    validation_run_execute,
    validation_runs_execute,
)

from ..factories import dataset_payload, make_institution

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _jobs_not_run_on_commit():
    """Queue jobs to Celery's in-memory broker instead of running them at commit, so the
    benchmark times the runs itself."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://localhost/"
    yield
    app.conf.task_always_eager, app.conf.broker_url = saved


def report(name: str, durations: list[float], wall: float) -> None:
    p95 = sorted(durations)[int(len(durations) * 0.95)]
    print(
        f"\nBENCH {connection.vendor:<10} {name:<44} n={len(durations)} "
        f"runs_per_s={len(durations) / wall:.0f} median_ms={statistics.median(durations) * 1000:.2f} "
        f"p95_ms={p95 * 1000:.2f}"
    )


def queue_runs(n: int, **payload) -> list[int]:
    institution = make_institution()
    for i in range(n):
        dataset_register(
            institution=institution,
            data=dataset_payload(slug=f"b{i}", **payload),
            actor=Actor.system("bench"),
        )
    return list(
        ValidationRun.objects.filter(status="queued").order_by("id").values_list("id", flat=True)
    )


def execute_all(run_ids: list[int], **kwargs) -> tuple[list[float], float]:
    durations = []
    started = time.perf_counter()
    for run_id in run_ids:
        t = time.perf_counter()
        outcome = validation_run_execute(run_id=run_id, **kwargs)
        durations.append(time.perf_counter() - t)
        assert outcome.status == "passed", outcome
    return durations, time.perf_counter() - started


def test_bench_metadata_only_runs():
    run_ids = queue_runs(400)
    durations, wall = execute_all(run_ids, check_sources=False)
    report("validation runs, metadata-only", durations, wall)


def test_bench_metadata_only_runs_in_batches():
    """Runs queued in bulk (re-checks, the sweeper) are executed BATCH at a time."""
    run_ids = queue_runs(400)
    batch = 20
    durations = []
    started = time.perf_counter()
    for i in range(0, len(run_ids), batch):
        chunk = run_ids[i : i + batch]
        t = time.perf_counter()
        outcomes = validation_runs_execute(run_ids=chunk, check_sources=False)
        durations.extend([(time.perf_counter() - t) / len(chunk)] * len(chunk))
        assert {o.status for o in outcomes.values()} == {"passed"}, outcomes
    report(
        f"validation runs, metadata-only, {batch} a batch", durations, time.perf_counter() - started
    )


def test_bench_runs_with_a_one_mebibyte_sample(source_server):
    rows = b"district,date,beds_total,beds_occupied\n"
    line = b"Bengaluru Urban,2024-01-01,1200,950\n"
    body = rows + line * ((1024 * 1024 - len(rows)) // len(line))
    url = source_server.serve("/mib.csv", body)
    schema = {
        "fields": [
            {"name": "district", "type": "string"},
            {"name": "date", "type": "date"},
            {"name": "beds_total", "type": "integer"},
            {"name": "beds_occupied", "type": "integer"},
        ]
    }
    run_ids = queue_runs(
        40, distributions=[{"access_url": url, "media_type": "text/csv", "schema": schema}]
    )
    durations, wall = execute_all(run_ids)
    report("validation runs, all checks, 1 MiB CSV sample", durations, wall)
