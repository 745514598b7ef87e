"""Harvest throughput and memory: the real DHS data.json (1,093 datasets) end to end, a
generated CKAN source (SUCHI_BENCH_HARVEST_RECORDS, default 100,000). (The 100 MB data.json
with its memory bound is a test: tests/harvest/test_memory.py.)

Each harvest runs as `manage.py harvest SOURCE --wait` in a child process (its peak RSS is read
from the kernel), against this session's database; the catalogue is served by another child
process. Target (issue #7): ≥ 500 records/s imported on PostgreSQL; ≤ 300 MB peak RSS.
"""

import os

import pytest

from harvest.services import harvest_source_create

from ..factories import make_institution
from ..harvest.child import FIXTURES, harvest_in_child, report, serve

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]


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
        server.wait()


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
        server.wait()
