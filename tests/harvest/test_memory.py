"""A 100 MB data.json is harvested as a stream: the harvesting process stays under 300 MB
(its peak RSS as the kernel counts it), and every record is imported."""

import json

import pytest
from django.test import override_settings

from harvest.services import harvest_source_create

from ..factories import make_institution
from .child import FIXTURES, harvest_in_child, report, serve

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.slow
def test_a_100_mb_catalogue_is_streamed_with_bounded_memory(tmp_path):
    path = tmp_path / "big.json"
    record = json.loads((FIXTURES / "dhs.json").read_text())["dataset"][0]
    # No distributions: validation (run in-process in the embedded default) then has no source
    # to reach, and the test measures the harvest, not 5,000 lookups of tsa.gov.
    record.pop("distribution", None)
    with path.open("w") as f:
        f.write('{"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": [')
        n = 0
        while f.tell() < 100 * 1024 * 1024:
            item = dict(record, identifier=f"big-{n}", description=f"Record {n}. " + "x" * 19000)
            f.write(("," if n else "") + json.dumps(item))
            n += 1
        f.write("]}")
    server, port = serve("file", str(path))
    try:
        with override_settings(SUCHI_SOURCE_ALLOWLIST=[f"127.0.0.1:{port}"]):
            harvest_source_create(
                institution=make_institution(slug="national"),
                name="big",
                kind="datajson",
                url=f"http://127.0.0.1:{port}/big.json",
            )
        job, took, rss = harvest_in_child("big", port)
    finally:
        server.terminate()
        server.wait()
    report(f"100 MB data.json ({n:,} records)", job, took, rss)
    assert (job.status, job.gathered, job.added, job.failed) == ("finished", n, n, 0)
    assert rss <= 300, f"peak RSS {rss:.0f} MB"
