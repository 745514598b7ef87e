"""Federation on real catalogues, end to end (issue #17): each of the four real DCAT-US files
(GSA 339, DHS 1,093, Energy 482, FCC 59 datasets) from the start of the harvest to every record
settled (published or rejected), with the time split gather / import / validation, the link
checks in flight at the peak, and the peak memory of the harvesting process.

`manage.py harvest NAME --wait` runs in a child process; it returns when the job and the
validations it queued have settled. Embedded default: the child validates too (in-process
jobs). PostgreSQL + Redis: one real Celery worker validates, the child imports. The parent
watches the job's stage to split the time. The catalogue is served by another process.

Two link settings: the files as published (their data hosts are on the internet, which this
machine may not reach: every link check fails at once), and `links`: every distribution URL
moved to a loopback server (eight hosts: 127.0.0.1-8) answering each request after
SUCHI_BENCH_LINK_MS (200) ms.
"""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.models import Max
from django.test import override_settings

from harvest.models import HarvestJob, HarvestJobItem
from harvest.selectors import harvest_job_report
from harvest.services import harvest_source_create
from registry.models import ValidationRun

from ..factories import make_institution
from ..harvest.child import FIXTURES, MEASURED, ROOT, serve
from ..integration.worker import WorkerProcess, database_url

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]
FILES = {"fcc": 59, "gsa": 339, "energy": 482, "dhs": 1093}
LINK_MS = int(os.environ.get("SUCHI_BENCH_LINK_MS", "200"))
# One worker as docker-compose runs it (prefork), with a process per core of this machine;
# SUCHI_BENCH_POOL=solo for a single process.
POOL = os.environ.get("SUCHI_BENCH_POOL", "prefork")
CONCURRENCY = int(os.environ.get("SUCHI_BENCH_CONCURRENCY", str(os.cpu_count() or 2)))

_FETCH_PEAK = """
import atexit, sys
def fetch_peak():
    from registry.checks import FETCH_STATS
    print(f"FETCH_PEAK={FETCH_STATS.peak}", file=sys.stderr)
atexit.register(fetch_peak)
"""


def allowlist(port: int) -> str:
    """The catalogue server and its eight loopback link hosts."""
    return ",".join(f"127.0.0.{n}:{port}" for n in range(1, 9))


class StageClock:
    """Polls the job from this process: when the gather ended, the job ended, all settled."""

    def __init__(self, name: str):
        self.name, self.marks, self._stop = name, {}, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        try:
            while not self._stop.is_set():
                job = HarvestJob.objects.filter(source__name=self.name).order_by("-id").first()
                now = time.perf_counter()
                if job is not None:
                    if job.stage not in ("", "gather") and "gathered" not in self.marks:
                        self.marks["gathered"] = now
                    if job.status not in HarvestJob.ACTIVE and "imported" not in self.marks:
                        self.marks.setdefault("gathered", now)
                        self.marks["imported"] = now
                time.sleep(0.05)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()


def harvest(name: str, port: int, *, queue: str | None) -> tuple[float, float, int, str]:
    """The child's wall time, peak RSS (MB), link checks in flight at the peak, stdout."""
    env = {
        **os.environ,
        "SUCHI_SOURCE_ALLOWLIST": allowlist(port),
        "SUCHI_SIGNING_KEY_FILE": str(settings.SUCHI_SIGNING_KEY_FILE),
        "LOG_LEVEL": "WARNING",
    }
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = database_url()
        env["SUCHI_CELERY_QUEUE"] = queue or ""
    else:
        env["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
        env.pop("REDIS_URL", None)
    connections.close_all()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _FETCH_PEAK + MEASURED, "harvest", name, "--wait"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    took = time.perf_counter() - started
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    peak = int(done.stderr.rsplit("PEAK_RSS_KB=", 1)[1].split()[0]) / 1024
    in_flight = int(done.stderr.rsplit("FETCH_PEAK=", 1)[1].split()[0])
    return took, peak, in_flight, done.stdout


@pytest.mark.parametrize("links", ["as-published", "links"])
@pytest.mark.parametrize("name", list(FILES))
def test_harvest_a_real_catalogue_end_to_end(name, links):
    owner = make_institution(slug=f"bench-{name}")
    path = str(FIXTURES / f"{name}.json")
    server, port = (
        serve("file", path) if links == "as-published" else serve("links", path, str(LINK_MS))
    )
    worker = None
    try:
        if connection.vendor == "postgresql":
            worker = WorkerProcess(
                pool=POOL, concurrency=CONCURRENCY, SUCHI_SOURCE_ALLOWLIST=allowlist(port),
                LOG_LEVEL="INFO",
            ).start()  # fmt: skip
        with override_settings(SUCHI_SOURCE_ALLOWLIST=allowlist(port).split(",")):
            source = harvest_source_create(
                institution=owner, name=name, kind="datajson", url=f"http://127.0.0.1:{port}/d"
            )
        with StageClock(name) as clock:
            start = time.perf_counter()
            took, rss, in_flight, out = harvest(name, port, queue=worker.queue if worker else None)
            settled = time.perf_counter()
        job = HarvestJob.objects.filter(source=source).latest("id")
        # The harvest itself, from the database: the job's creation (the request to harvest)
        # to the last of its records settled; the command's own start and exit are not in it.
        last = (
            ValidationRun.objects.filter(
                revision__in=HarvestJobItem.objects.filter(job=job).values("revision")
            )
            .exclude(trigger=ValidationRun.Trigger.RECHECK)
            .aggregate(last=Max("finished_at"))["last"]
        )
        harvest_took = (last - job.created_at).total_seconds()
        report = harvest_job_report(job=job)
        assert report["progress"]["settled"], out[-2000:]
        outcomes = report["outcomes"]
        published = outcomes["published"] + outcomes["published_with_warnings"]
        assert published >= 0.95 * FILES[name], (outcomes, out[-2000:])
        gather = clock.marks.get("gathered", settled) - start
        imported = clock.marks.get("imported", settled) - start
        settled -= start
        shape = (
            "embedded"
            if connection.vendor == "sqlite"
            else f"postgresql+worker ({POOL}, {CONCURRENCY} process(es))"
        )
        link_label = "links as published" if links == "as-published" else f"links {LINK_MS} ms"
        print(
            f"\nBENCH federation {shape} {name} ({link_label}): {FILES[name]} records, "
            f"{published} published; the harvest {harvest_took:.1f} s from the job's creation to "
            f"its last record settled ({FILES[name] / harvest_took:.0f} records/s); the command "
            f"{took:.1f} s start to exit ({FILES[name] / took:.0f} records/s); gather "
            f"{gather:.1f} s (with the command's start), import "
            f"{imported - gather:.1f} s, validation {settled - imported:.1f} s; link checks in "
            f"flight at peak {in_flight if worker is None else 'n/a (in the worker)'}; "
            f"peak RSS of the harvesting process {rss:.0f} MB"
        )
    finally:
        if worker is not None:
            worker.stop()
        server.terminate()
        server.wait()
