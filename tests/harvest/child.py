"""A harvest in a child process (`manage.py harvest NAME --wait`) against this session's
database, with its peak RSS; the catalogue served by another child process. For the memory
test and the harvest benchmarks."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from harvest.models import HarvestJob

from ..integration.worker import database_url

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
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "harvest", name, "--wait"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    took = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-3000:]
    peak = int(done.stderr.rsplit("PEAK_RSS_KB=", 1)[1].split()[0])
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete("bench-harvest-unconsumed")
    job = HarvestJob.objects.filter(source__name=name).latest("id")
    return job, took, peak / 1024


# manage.py in this process, printing its own peak RSS on exit: VmHWM of this process's
# address space. (Not ru_maxrss: Linux folds the parent's high-water mark into a child's at
# fork/exec, so a child of a big pytest process would report the parent's size.)
MEASURED = """
import atexit, re, resource, runpy, sys
def peak_kb():
    try:
        with open("/proc/self/status") as status:
            return int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1))
    except (OSError, AttributeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
atexit.register(lambda: print(f"PEAK_RSS_KB={peak_kb()}", file=sys.stderr))
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""


def report(label: str, job: HarvestJob, took: float, rss: float) -> None:
    imported = job.added + job.updated + job.unchanged + job.failed
    run = (job.finished_at - job.started_at).total_seconds()
    print(
        f"\nBENCH harvest {connection.vendor} {label}: {job.gathered} records, {run:.1f} s in the "
        f"job ({imported / run:.0f} records/s), {took:.1f} s with process start; peak RSS "
        f"{rss:.0f} MB; added {job.added} failed {job.failed}"
    )
