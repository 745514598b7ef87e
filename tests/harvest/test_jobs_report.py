"""A harvest job's report: progress, outcomes of its datasets' validation, findings grouped by
kind with examples — in the API, the console and `manage.py harvest --wait`, in a bounded
number of queries. And a POST that starts a job answers 202 at once, in the embedded default
too (the job runs on core.inprocess's threads, not in the request).

Runs in both shapes: embedded (jobs on this process's threads, `inprocess.drain()`), and with
PostgreSQL + Redis, where a real Celery worker takes the jobs."""

import io
import json
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from core import inprocess
from harvest.models import HarvestJob
from harvest.selectors import harvest_job_report
from harvest.services import harvest_source_create
from registry.models import Membership
from registry.services import membership_add

from ..factories import make_token
from ..integration.worker import WorkerProcess
from ..services import redis_available, require, using_broker, using_postgres
from ..sourceserver import BEDS_CSV
from ..web.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def generated_record(n: int, base: str, *, kind: str = "good") -> dict:
    """A DCAT-US record. `good`: published; `nolicence`: published with a warning;
    `unreachable`: no distribution, landing page nor contact e-mail, so rejected."""
    record = {
        "@type": "dcat:Dataset",
        "identifier": f"rec-{n}",
        "title": f"Generated record {n}",
        "description": f"Record {n} of a catalogue generated for the harvest job tests.",
        "keyword": ["test"],
        "modified": "2024-01-01",
        "publisher": {"@type": "org:Organization", "name": "Test Agency"},
        "contactPoint": {"@type": "vcard:Contact", "fn": "Data desk", "hasEmail": "mailto:d@x.in"},
        "accessLevel": "public",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "theme": ["Health"],
        "spatial": "Karnataka",
        "temporal": "2020-01-01/2020-12-31",
        "accrualPeriodicity": "R/P1D",
        "language": ["en"],
        "distribution": [
            {
                "@type": "dcat:Distribution",
                "downloadURL": f"{base}/d/{n}.csv",
                "mediaType": "text/csv",
            }
        ],
    }
    if kind == "nolicence":
        del record["license"]
    if kind == "unreachable":
        del record["distribution"]
        record["contactPoint"] = {"@type": "vcard:Contact", "fn": "Data desk"}
    return record


def catalogue(records: list[dict]) -> bytes:
    return json.dumps(
        {"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": records}
    ).encode()


class SlowCSV:
    """Serves /d/<n>.csv; each request waits `delay` seconds while `slow` is set."""

    def __init__(self, server, delay: float = 0.0):
        self.delay, self.slow = delay, threading.Event()
        self.server = server

    def __call__(self, request):
        if self.slow.is_set():
            time.sleep(self.delay)
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Content-Length", str(len(BEDS_CSV)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(BEDS_CSV)


def serve_catalogue(server, records: list[dict], handler) -> str:
    """Serve `records` at /data.json and every /d/<n>.csv through `handler`."""
    for n in range(len(records) + 50):
        server.handle(f"/d/{n}.csv", handler)
    return server.serve("/data.json", catalogue(records), "application/json")


@pytest.fixture
def worker(catalogue_server):
    """Embedded: None (jobs run on this process's threads). With a broker: a Celery worker."""
    if not using_broker():
        yield None
        inprocess.drain(timeout=120)
        return
    require("PostgreSQL", using_postgres(), "DATABASE_URL=postgres://…")
    require("Redis", redis_available(), "a reachable REDIS_URL")
    process = WorkerProcess().start()
    yield process
    process.stop()
    connections.close_all()


def settle(job_id: int, timeout: float = 180) -> dict:
    """Wait until the job and the validations it queued have settled; return its report."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not using_broker():
            assert inprocess.drain(timeout=max(1.0, deadline - time.monotonic()))
        report = harvest_job_report(job=HarvestJob.objects.get(pk=job_id))
        if report["progress"]["settled"]:
            return report
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not settle: {report}")


@pytest.fixture
def api(owner):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(owner)}")
    return client


@pytest.fixture
def mixed(catalogue_server):
    """Six records: three published, two published with a warning, one rejected."""
    base = f"http://{catalogue_server.host_port}"
    kinds = ["good", "good", "good", "nolicence", "nolicence", "unreachable"]
    records = [generated_record(n, base, kind=kind) for n, kind in enumerate(kinds)]
    handler = SlowCSV(catalogue_server)
    return serve_catalogue(catalogue_server, records, handler)


def test_starting_a_job_answers_202_at_once_and_the_job_runs_in_the_background(
    api, catalogue_server, worker
):
    release = threading.Event()

    def slow_catalogue(request):
        release.wait(30)  # the source answers only when the test says so
        body = catalogue([generated_record(0, f"http://{catalogue_server.host_port}")])
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    serve_catalogue(catalogue_server, [], SlowCSV(catalogue_server))
    url = catalogue_server.handle("/slow.json", slow_catalogue)
    source = api.post(
        "/api/v1/harvest-sources", {"name": "slow", "kind": "datajson", "url": url}, format="json"
    ).json()
    started = time.monotonic()
    response = api.post(f"/api/v1/harvest-sources/{source['id']}/jobs")
    took = time.monotonic() - started
    try:
        assert response.status_code == 202
        assert took < 5, f"the POST waited {took:.1f} s for the job"
        job = response.json()
        assert job["status"] in ("new", "running")
        assert api.get(f"/api/v1/harvest-jobs/{job['id']}").json()["status"] in ("new", "running")
    finally:
        release.set()
    report = settle(job["id"])
    body = api.get(f"/api/v1/harvest-jobs/{job['id']}").json()
    assert body["status"] == "finished", body
    assert body["progress"] == report["progress"] == {
        "gathered": 1, "imported": 1, "to_import": 1, "validated": 1, "to_validate": 1,
        "settled": True,
    }  # fmt: skip
    assert body["outcomes"]["published"] == 1


def test_the_job_report_counts_outcomes_and_groups_findings_with_examples(
    api, mixed, worker, django_assert_max_num_queries
):
    source = api.post(
        "/api/v1/harvest-sources",
        {"name": "mixed", "kind": "datajson", "url": mixed},
        format="json",
    ).json()
    job_id = api.post(f"/api/v1/harvest-sources/{source['id']}/jobs").json()["id"]
    settle(job_id)
    with django_assert_max_num_queries(8):  # auth + job + outcomes + groups + examples
        body = api.get(f"/api/v1/harvest-jobs/{job_id}").json()
    assert body["counts"]["added"] == 6
    assert body["outcomes"] == {
        "published": 3, "published_with_warnings": 2, "rejected": 1, "not_validated": 0,
        "pending": 0,
    }, body["findings"]  # fmt: skip
    assert body["progress"]["validated"] == body["progress"]["to_validate"] == 6
    groups = {(g["check"], g["field"], g["severity"]): g for g in body["findings"]}
    rejected = groups[("metadata_completeness", "distributions", "error")]
    assert rejected["count"] == rejected["datasets"] == 1
    assert [e["title"] for e in rejected["examples"]] == ["Generated record 5"]
    licence = groups[("metadata_completeness", "license", "warning")]
    assert licence["count"] == licence["datasets"] == 2
    assert {e["title"] for e in licence["examples"]} == {"Generated record 3", "Generated record 4"}
    assert all(len(g["examples"]) <= 3 for g in body["findings"])


def test_the_report_queries_do_not_grow_with_the_number_of_datasets(
    owner, catalogue_server, worker, django_assert_max_num_queries
):
    base = f"http://{catalogue_server.host_port}"
    kinds = ["good", "nolicence", "unreachable"] * 20
    url = serve_catalogue(
        catalogue_server,
        [generated_record(n, base, kind=kind) for n, kind in enumerate(kinds)],
        SlowCSV(catalogue_server),
    )
    source = harvest_source_create(institution=owner, name="sixty", kind="datajson", url=url)
    from harvest.services import harvest_job_start

    job = harvest_job_start(source=source)
    settle(job.pk)
    with django_assert_max_num_queries(3):
        report = harvest_job_report(job=job)
    assert report["outcomes"]["rejected"] == 20
    assert report["outcomes"]["published"] + report["outcomes"]["published_with_warnings"] == 40
    assert all(len(g["examples"]) <= 3 for g in report["findings"])


def test_the_console_shows_the_job_with_a_readable_progress_bar_outcomes_and_findings(
    owner, api, mixed, worker
):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="harvest.editor", password=PASSWORD)
    membership_add(institution=owner, user=user, role=Membership.Role.EDITOR)
    source = api.post(
        "/api/v1/harvest-sources",
        {"name": "mixed", "kind": "datajson", "url": mixed},
        format="json",
    ).json()
    job_id = api.post(f"/api/v1/harvest-sources/{source['id']}/jobs").json()["id"]
    settle(job_id)
    client = Client()
    assert client.login(username="harvest.editor", password=PASSWORD)
    page = client.get(f"/console/{owner.slug}/harvest-jobs/{job_id}")
    assert page.status_code == 200
    html = page.content.decode()
    # 6 imported + 6 validated of 6 + 6: the bar's text says it without JavaScript.
    assert '<progress id="job-progress" max="12" value="12">12/12</progress>' in html
    assert "Validation: 6/6" in html
    assert "Published with warnings" in html and 'class="outcome-rejected"' in html
    assert "Generated record 5" in html  # the rejected one, as an example of its finding
    assert 'http-equiv="refresh"' not in html  # settled: no more refreshing
    other = Client()
    assert other.get(f"/console/{owner.slug}/harvest-jobs/{job_id}").status_code == 302


def test_harvest_wait_prints_progress_and_the_report_once_validations_settled(owner, mixed, worker):
    harvest_source_create(institution=owner, name="mixed", kind="datajson", url=mixed)
    out = io.StringIO()
    call_command("harvest", "mixed", "--wait", stdout=out)
    text = out.getvalue()
    assert "import 6/6" in text
    assert "validation 6/6" in text
    assert (
        "published 3, published with warnings 2, rejected 1, not validated 0, pending 0" in text
    ), text
    assert (
        "error: metadata_completeness (distributions): 1 in 1 datasets, e.g. Generated record 5"
        in text
    )
    job = HarvestJob.objects.get()
    assert harvest_job_report(job=job)["progress"]["settled"]
