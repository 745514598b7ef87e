"""A large catalogue checked as a queued job (`Prefer: respond-async`): 202 at once, then the
report at the job's address. With DATABASE_URL and REDIS_URL set, a real Celery worker checks
it (forking the bounded child from its own process) and the report travels through Redis; in
the embedded default the job runs on the web process's pool."""

import pytest
from rdflib import Graph

from core import inprocess

from ..catalog.test_validator import WITH_VIOLATIONS, api_violations
from .test_worker import wait_for, worker  # noqa: F401  (pytest finds fixtures by name here)

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/v1/validate/dcat"


def queue(client, body: bytes, content_type: str = "text/turtle"):
    return client.post(URL, data=body, content_type=content_type, HTTP_PREFER="respond-async")


def finished(client, location: str) -> dict:
    inprocess.drain(timeout=60)  # the embedded pool; with a worker, nothing to wait for here
    state = wait_for(
        lambda: (s := client.get(location).json())["status"] in ("done", "failed") and s,
        timeout=90,
    )
    assert state, client.get(location).json()
    return state


def test_a_queued_check_answers_202_then_gives_the_same_report(client, worker):  # noqa: F811
    body = Graph().parse(WITH_VIOLATIONS, format="turtle").serialize(format="turtle").encode()
    direct = client.post(URL, data=body, content_type="text/turtle").json()
    queued = queue(client, body)
    assert queued.status_code == 202, queued.content
    assert queued["Preference-Applied"] == "respond-async"
    location = queued["Location"]
    assert location == f"/api/v1/validate/dcat/jobs/{queued.json()['id']}"
    assert queued.json()["status"] == "queued" and queued.json()["size"] == len(body)
    state = finished(client, location)
    assert state["status"] == "done", state
    report = state["report"]
    assert (
        (report["conforms"], report["violations"])
        == (False, direct["violations"])
        == (
            False,
            5,
        )
    )
    assert api_violations(report) == api_violations(direct)
    assert state["finished_at"] >= state["submitted_at"]


def test_a_queued_document_that_cannot_be_read_fails_with_the_reason(client, worker):  # noqa: F811
    queued = queue(client, b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<a> dcat:x ")
    assert queued.status_code == 202
    state = finished(client, queued["Location"])
    assert state["status"] == "failed"
    assert "could not be read" in state["detail"]
    assert "report" not in state


def test_what_would_never_be_checked_is_refused_before_it_is_queued(client):
    assert queue(client, b" \n", "text/turtle").status_code == 400  # empty
    assert queue(client, b"hello", "text/plain").status_code == 415


def test_an_unknown_or_expired_job_is_404(client):
    missing = client.get(f"{URL}/jobs/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert client.get(f"{URL}/jobs/not-a-uuid").status_code == 404


def test_a_check_too_long_for_a_request_says_how_to_queue_it(client, settings):
    settings.SUCHI_VALIDATOR_SECONDS = 0
    body = Graph().parse(WITH_VIOLATIONS, format="turtle").serialize(format="turtle").encode()
    response = client.post(URL, data=body, content_type="text/turtle")
    assert response.status_code == 422
    assert "Prefer: respond-async" in response.json()["detail"]
