"""Harvest throughput and memory: the real DHS data.json (1,093 datasets) end to end, a
generated CKAN source (SUCHI_BENCH_HARVEST_RECORDS, default 100,000) and a 100 MB data.json.

Each harvest runs as `manage.py harvest SOURCE --wait` in a child process (its peak RSS is read
from the kernel), against this session's database; the catalogue is served by another child
process. Target (issue #7): ≥ 500 records/s imported on PostgreSQL; ≤ 300 MB peak RSS.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from harvest.models import HarvestJob
from harvest.services import harvest_source_create

from ..factories import make_institution
from ..integration.worker import database_url

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "datajson"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(*args) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.catalogue_server", args[0], str(port), *args[1:]],
        cwd=ROOT,
    )
    time.sleep(0.5)
    return process, port


def harvest_in_child(name: str, port: int) -> tuple[HarvestJob, float, float]:
    """Run the harvest in a child process. Returns (job, seconds, peak RSS in MB)."""
    env = {
        **os.environ,
        "SUCHI_SOURCE_ALLOWLIST": f"127.0.0.1:{port}",
        "SUCHI_SIGNING_KEY_FILE": str(settings.SUCHI_SIGNING_KEY_FILE),
        "LOG_LEVEL": "WARNING",
        # Validation jobs go to a queue nobody consumes (this measures the import); dropped after.
        "SUCHI_CELERY_QUEUE": "bench-harvest-unconsumed",
    }
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = database_url()
    else:
        env["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
    connections.close_all()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "harvest", name, "--wait"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    took = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-3000:]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete("bench-harvest-unconsumed")
    job = HarvestJob.objects.filter(source__name=name).latest("id")
    return job, took, max(peak, before) / 1024


def report(label: str, job: HarvestJob, took: float, rss: float) -> None:
    imported = job.added + job.updated + job.unchanged + job.failed
    run = (job.finished_at - job.started_at).total_seconds()
    print(
        f"\nBENCH harvest {connection.vendor} {label}: {job.gathered} records, {run:.1f} s in the "
        f"job ({imported / run:.0f} records/s), {took:.1f} s with process start; peak RSS "
        f"{rss:.0f} MB; added {job.added} failed {job.failed}"
    )


def test_harvest_dhs_datajson():
    owner = make_institution(slug="national")
    server, port = serve("file", str(FIXTURES / "dhs.json"))
    try:
        from django.test import override_settings

        with override_settings(SUCHI_SOURCE_ALLOWLIST=[f"127.0.0.1:{port}"]):
            harvest_source_create(
                institution=owner, name="dhs", kind="datajson", url=f"http://127.0.0.1:{port}/d"
            )
        job, took, rss = harvest_in_child("dhs", port)
        assert (job.status, job.added) == ("finished", 1093)
        report("dhs.json (1,093)", job, took, rss)
    finally:
        server.terminate()


def test_harvest_generated_ckan_source():
    from django.test import override_settings

    n = int(os.environ.get("SUCHI_BENCH_HARVEST_RECORDS", "100000"))
    owner = make_institution(slug="national")
    server, port = serve("ckan", str(n))
    try:
        with override_settings(SUCHI_SOURCE_ALLOWLIST=[f"127.0.0.1:{port}"]):
            harvest_source_create(
                institution=owner, name="ckan", kind="ckan", url=f"http://127.0.0.1:{port}"
            )
        job, took, rss = harvest_in_child("ckan", port)
        assert (job.status, job.added, job.failed) == ("finished", n, 0), job.errors[:3]
        report(f"generated CKAN ({n:,})", job, took, rss)
    finally:
        server.terminate()


def test_harvest_100_mb_datajson_with_bounded_memory(tmp_path):
    from django.test import override_settings

    path = tmp_path / "big.json"
    record = json.loads((FIXTURES / "dhs.json").read_text())["dataset"][0]
    with path.open("w") as f:
        f.write('{"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": [')
        i = 0
        while f.tell() < 100 * 1024 * 1024:
            item = dict(record, identifier=f"big-{i}", description=f"Record {i}. " + "x" * 19000)
            f.write(("," if i else "") + json.dumps(item))
            i += 1
        f.write("]}")
    owner = make_institution(slug="national")
    server, port = serve("file", str(path))
    try:
        with override_settings(SUCHI_SOURCE_ALLOWLIST=[f"127.0.0.1:{port}"]):
            harvest_source_create(
                institution=owner, name="big", kind="datajson", url=f"http://127.0.0.1:{port}/b"
            )
        job, took, rss = harvest_in_child("big", port)
        assert (job.status, job.added) == ("finished", i)
        report(f"100 MB data.json ({i:,} records)", job, took, rss)
        assert rss <= 300, f"peak RSS {rss:.0f} MB"
    finally:
        server.terminate()
