"""Nothing is left hanging when the process running a harvest dies.

A real process is killed with SIGKILL half-way through: embedded, a child `manage.py harvest
NAME --wait` (its jobs on its own threads) against this test's SQLite file; with PostgreSQL +
Redis, the Celery worker running the job. Then "the next start": embedded, the start-up sweeps
of core.inprocess on this process's threads; with a broker, a new worker and the sweeps beat
runs. Afterwards every record has settled (published or rejected), none was imported twice,
and no job or validation run is left waiting or running."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.models import Count

from core import inprocess
from harvest.models import HarvestJob, HarvestRecord
from harvest.services import harvest_job_start, harvest_jobs_sweep, harvest_source_create
from registry.models import Dataset, ValidationRun
from registry.services import validation_runs_sweep

from ..integration.worker import WorkerProcess, database_url
from ..services import redis_available, require, using_broker, using_postgres
from .test_jobs_report import SlowCSV, generated_record, serve_catalogue

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
RECORDS = 300
KINDS = ["good", "good", "nolicence", "unreachable"]


RESTARTED_WEB_PROCESS = """
import config.wsgi
from core import inprocess
assert inprocess.drain(timeout=280)
"""


class EmbeddedProcess:
    """`manage.py harvest NAME --wait` in a child process sharing this test's database."""

    def __init__(self, allow: str):
        self.allow = allow
        self.process: subprocess.Popen | None = None

    def _spawn(self, *args: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
            "SUCHI_SOURCE_ALLOWLIST": self.allow,
            "SUCHI_SIGNING_KEY_FILE": str(settings.SUCHI_SIGNING_KEY_FILE),
            # Small import batches: the kill lands between two of them.
            "SUCHI_HARVEST_IMPORT_BATCH": "5",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        return subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def start(self, source) -> None:
        self.process = self._spawn("manage.py", "harvest", source.name, "--wait")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def failure(self) -> str:
        return self.process.stderr.read()[-3000:] if self.process else ""

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()  # reaped: its pid is gone, as after a crash

    def restart(self) -> None:
        # A new web process: loading config.wsgi (as runserver and gunicorn do) sweeps; it
        # exits once its threads have nothing left to do.
        self.process = self._spawn("-c", RESTARTED_WEB_PROCESS)

    def settle(self) -> None:
        assert self.process.wait(timeout=300) == 0, self.failure()

    def stop(self) -> None:
        if self.alive():
            self.kill()


class WorkerShape:
    """A Celery worker taking the job from Redis and writing to PostgreSQL."""

    def __init__(self, allow: str):
        self.allow = allow
        self.worker: WorkerProcess | None = None

    def _worker(self) -> WorkerProcess:
        return WorkerProcess(SUCHI_HARVEST_IMPORT_BATCH="5").start()

    def start(self, source) -> None:
        self.worker = self._worker()
        harvest_job_start(source=source, trigger="command")

    def alive(self) -> bool:
        return self.worker is not None and self.worker.process.poll() is None

    def failure(self) -> str:
        return self.worker.output()[-3000:] if self.worker else ""

    def kill(self) -> None:
        self.worker.process.send_signal(signal.SIGKILL)
        self.worker.process.wait()

    def restart(self) -> None:
        self.worker = self._worker()  # (starting it empties the queue: the sweeps refill it)
        harvest_jobs_sweep()
        validation_runs_sweep(stale_after=timedelta(0))  # beat's sweep, once the runs are stale

    def settle(self) -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            active = HarvestJob.objects.filter(status__in=HarvestJob.ACTIVE).exists()
            if not active and not _unsettled_runs().exists():
                return
            time.sleep(0.3)
        raise AssertionError("did not settle:\n" + self.failure())

    def stop(self) -> None:
        if self.worker:
            self.worker.stop()
        connections.close_all()


def _unsettled_runs():
    return ValidationRun.objects.filter(
        status__in=[ValidationRun.Status.QUEUED, ValidationRun.Status.RUNNING]
    )


@pytest.fixture
def shape(catalogue_server):
    if using_broker():
        require("PostgreSQL", using_postgres(), "DATABASE_URL=postgres://…")
        require("Redis", redis_available(), "a reachable REDIS_URL")
        runner = WorkerShape(catalogue_server.host_port)
    else:
        runner = EmbeddedProcess(catalogue_server.host_port)
    yield runner
    runner.stop()
    if not using_broker():
        inprocess.drain(timeout=300)
    else:
        assert database_url()


@pytest.fixture
def slow_source(owner, catalogue_server):
    """RECORDS records; each distribution answers after 0.2 s while `csv.slow` is set."""
    base = f"http://{catalogue_server.host_port}"
    records = [generated_record(n, base, kind=KINDS[n % len(KINDS)]) for n in range(RECORDS)]
    csv = SlowCSV(catalogue_server, delay=0.2)
    csv.slow.set()
    url = serve_catalogue(catalogue_server, records, csv)
    source = harvest_source_create(institution=owner, name="slow", kind="datajson", url=url)
    return source, csv


def _wait_until(predicate, runner, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if not runner.alive():
            raise AssertionError("the process ended before the kill:\n" + runner.failure())
        time.sleep(0.01)
    raise AssertionError("no progress to kill at:\n" + runner.failure())


def _assert_everything_settled_once(source) -> None:
    assert not HarvestJob.objects.filter(status__in=HarvestJob.ACTIVE).exists()
    assert not _unsettled_runs().exists()
    assert HarvestRecord.objects.filter(source=source).count() == RECORDS
    per_guid = (
        Dataset.objects.filter(provenance__source__id=str(source.pk))
        .values("provenance__remote_id")
        .annotate(n=Count("pk"))
    )
    assert len(per_guid) == RECORDS
    assert {row["n"] for row in per_guid} == {1}, "a record was imported twice"
    statuses = dict(
        Dataset.objects.filter(provenance__source__id=str(source.pk))
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    assert statuses == {"published": RECORDS * 3 // 4, "rejected": RECORDS // 4}, statuses
    # One validation per dataset: runs were taken back and run again, never duplicated.
    runs = ValidationRun.objects.values("dataset").annotate(n=Count("pk"))
    assert {row["n"] for row in runs} == {1}


def test_a_process_killed_mid_harvest_leaves_nothing_hanging_after_the_next_start(
    shape, slow_source
):
    source, csv = slow_source
    shape.start(source)
    imported = HarvestRecord.objects.filter(source=source)
    _wait_until(lambda: 10 <= imported.count() < RECORDS - 10, shape)
    shape.kill()
    dead = HarvestJob.objects.get(source=source)
    assert dead.status == "running", "the kill should land during the import"
    already = imported.count()
    assert 0 < already < RECORDS

    csv.slow.clear()
    shape.restart()
    shape.settle()

    dead.refresh_from_db()
    assert dead.status == "failed"
    assert "stopped" in dead.error and "resumed as job" in dead.error, dead.error
    resumed = HarvestJob.objects.exclude(pk=dead.pk).get(source=source)
    assert (resumed.trigger, resumed.status) == ("resume", "finished")
    # The resumed job skipped what the dead one had imported, and imported the rest.
    assert resumed.unchanged == already
    assert resumed.added == RECORDS - already
    _assert_everything_settled_once(source)


def test_a_process_killed_mid_validation_leaves_nothing_hanging_after_the_next_start(
    shape, slow_source
):
    source, csv = slow_source
    shape.start(source)
    settled = ValidationRun.objects.filter(status__in=ValidationRun.FINISHED)
    _wait_until(
        lambda: (
            HarvestJob.objects.filter(source=source, status="finished").exists()
            and 10 <= settled.count() < RECORDS - 20
        ),
        shape,
        timeout=300,
    )
    shape.kill()
    assert _unsettled_runs().exists(), "the kill should land during validation"

    csv.slow.clear()
    shape.restart()
    shape.settle()

    job = HarvestJob.objects.get(source=source)  # finished before the kill; no resume
    assert (job.status, job.added) == ("finished", RECORDS)
    _assert_everything_settled_once(source)
