"""A source's passing failure (a busy answer, a reset, no answer) is asked again, so that one busy
minute of a large portal does not fail a harvest of many pages; a lasting one still fails the job
with its reason, and a source asking for a longer wait than Suchi gives is not waited for."""

import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from registry.models import Dataset

from .test_bad_sources import harvest
from .test_real_catalogues import validate_everything_queued

pytestmark = pytest.mark.django_db

PACKAGES = [
    {
        "id": f"p-{n}",
        "name": f"road-accidents-{n}",
        "title": f"Road accidents, district {n}",
        "notes": "Road accidents by district and month, with their causes.",
        "resources": [{"url": f"https://data.example.org/accidents-{n}.csv", "format": "CSV"}],
    }
    for n in range(250)  # three pages of package_search's 100
]


def ckan_site(server, *, failing_start: int, failures: list[tuple[int, dict]]):
    """A CKAN site whose page at `failing_start` first answers each of `failures` (a status and
    its headers; status 0: the connection closes in the middle of the body), then the page."""
    left = list(failures)

    def handler(request):
        start = int(parse_qs(urlsplit(request.path).query)["start"][0])
        body = json.dumps(
            {"success": True, "result": {"count": 250, "results": PACKAGES[start : start + 100]}}
        ).encode()
        status, headers = left.pop(0) if start == failing_start and left else (200, {})
        request.send_response(status or 200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            request.send_header(key, value)
        request.end_headers()
        if status == 0:  # half the body, then the connection is gone
            request.wfile.write(body[: len(body) // 2])
            request.wfile.flush()
            request.close_connection = True
        elif status == 200:
            request.wfile.write(body)
        else:
            request.close_connection = True

    server.handle("/api/3/action/package_search", handler)
    return server.url("")


def test_a_busy_page_is_asked_again_and_every_record_is_published(owner, catalogue_server):
    url = ckan_site(
        catalogue_server,
        failing_start=100,
        failures=[(502, {}), (503, {"Retry-After": "0"}), (429, {"Retry-After": "1"})],
    )
    started = time.monotonic()
    job = harvest(owner, url, kind="ckan")
    assert (job.status, job.added) == ("finished", 250), job.error
    validate_everything_queued()
    assert Dataset.objects.filter(status="published").count() == 250
    # 3 pages, the second asked 4 times: after 1 s (no Retry-After: the first of 1, 2, 4 … s),
    # then 0 s and 1 s, as the source asked.
    assert catalogue_server.hits["/api/3/action/package_search"] == 6
    assert time.monotonic() - started >= 2


def test_a_page_cut_off_midway_is_read_again_from_the_start(owner, catalogue_server):
    url = ckan_site(catalogue_server, failing_start=200, failures=[(0, {})])
    job = harvest(owner, url, kind="ckan")
    assert (job.status, job.added) == ("finished", 250), job.error
    assert catalogue_server.hits["/api/3/action/package_search"] == 4


def test_a_lasting_failure_fails_the_job_after_its_tries_and_imports_nothing(
    owner, catalogue_server, settings
):
    settings.SUCHI_HARVEST_RETRIES = 2
    url = ckan_site(catalogue_server, failing_start=100, failures=[(503, {"Retry-After": "0"})] * 9)
    job = harvest(owner, url, kind="ckan")
    assert job.status == "failed"
    assert job.error.endswith("HTTP 503 (tried 3 times)"), job.error
    assert catalogue_server.hits["/api/3/action/package_search"] == 1 + 3
    assert Dataset.objects.count() == 0  # nothing is imported of a source not read whole


def test_a_source_asking_for_a_longer_wait_than_suchi_gives_is_not_waited_for(
    owner, catalogue_server, settings
):
    settings.SUCHI_HARVEST_RETRY_MAX_WAIT = 30
    url = ckan_site(catalogue_server, failing_start=0, failures=[(429, {"Retry-After": "3600"})])
    started = time.monotonic()
    job = harvest(owner, url, kind="ckan")
    assert time.monotonic() - started < 5
    assert job.status == "failed"
    assert "HTTP 429; it asked to be asked again in 3600 s" in job.error
    assert "SUCHI_HARVEST_RETRY_MAX_WAIT (30 s)" in job.error
    assert catalogue_server.hits["/api/3/action/package_search"] == 1


@pytest.mark.parametrize("status", [404, 500, 403])
def test_an_answer_that_will_not_pass_is_not_asked_again(owner, catalogue_server, status):
    url = ckan_site(catalogue_server, failing_start=0, failures=[(status, {})])
    job = harvest(owner, url, kind="ckan")
    assert (job.status, job.error.rsplit(": ", 1)[-1]) == ("failed", f"HTTP {status}")
    assert catalogue_server.hits["/api/3/action/package_search"] == 1


def test_a_busy_data_json_and_a_busy_dcat_page_are_asked_again(owner, catalogue_server):
    from .conftest import datajson_item
    from .test_european_dcat import PREFIXES

    busy = {"n": 0}

    def once_busy(body: bytes, content_type: str):
        def handler(request):
            busy["n"] += 1
            first = busy["n"] % 2 == 1
            request.send_response(503 if first else 200)
            request.send_header("Content-Type", content_type)
            request.send_header("Retry-After", "0")
            request.send_header("Content-Length", "0" if first else str(len(body)))
            request.end_headers()
            if not first:
                request.wfile.write(body)

        return handler

    doc = json.dumps({"dataset": [datajson_item()]}).encode()
    url = catalogue_server.handle("/data.json", once_busy(doc, "application/json"))
    assert harvest(owner, url).status == "finished"
    ttl = (
        PREFIXES
        + """<https://x.example/d> a dcat:Dataset ; dct:identifier "d" ;
        dct:title "Bus stops" ; dct:description "Stops of every bus line in the city." ."""
    )
    url = catalogue_server.handle("/c.ttl", once_busy(ttl.encode(), "text/turtle"))
    job = harvest(owner, url, kind="dcat")
    assert (job.status, job.added) == ("finished", 1)
    assert busy["n"] == 4


def test_retry_after_reads_both_of_its_forms():
    from core.http import retry_after

    assert retry_after("120") == 120.0
    soon = datetime.now(UTC) + timedelta(seconds=90)
    assert 85 <= retry_after(format_datetime(soon, usegmt=True)) <= 90
    past = datetime.now(UTC) - timedelta(days=1)
    assert retry_after(format_datetime(past, usegmt=True)) == 0.0
    assert retry_after("") is None
    assert retry_after("soon") is None
    assert retry_after("-5") is None


def test_tries_never_outlast_half_the_heartbeat_timeout(owner, catalogue_server, settings):
    """A job beats between pages, not while it waits to ask again: waits adding up past the
    heartbeat timeout would have the sweep take a living job for dead."""
    settings.SUCHI_HARVEST_HEARTBEAT_TIMEOUT = 4  # half: 2 s of tries at the most
    busy = [(503, {"Retry-After": "1"})] * 9
    url = ckan_site(catalogue_server, failing_start=0, failures=busy)
    started = time.monotonic()
    job = harvest(owner, url, kind="ckan")
    assert time.monotonic() - started < 3
    assert job.status == "failed"
    assert "HTTP 503 (tried 2 times, for 1 s)" in job.error, job.error
    assert catalogue_server.hits["/api/3/action/package_search"] == 2
