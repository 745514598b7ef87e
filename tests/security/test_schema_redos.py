"""A Table Schema's `pattern` is a regular expression the publisher (or a harvested source)
chooses: an outside probe froze the whole server for 10 s with `(a+)+` and a 28-character cell,
doubling with each character. The check now runs in a child process with a time limit: the
publisher gets a clear finding, and nobody else waits."""

import threading
import time

import pytest

from registry.checks import sample

from ..factories import dataset_payload, run_queued_validations

pytestmark = pytest.mark.django_db

EVIL_CELL = b"a" * 40 + b"!"  # hours of backtracking for (a+)+ in Python's re


def evil_schema(pattern: str = "(a+)+") -> dict:
    return {"fields": [{"name": "col", "type": "string", "constraints": {"pattern": pattern}}]}


def test_a_backtracking_pattern_is_cut_off_and_the_process_stays_free(monkeypatch):
    monkeypatch.setattr(sample, "SCHEMA_CHECK_SECONDS", 2)
    outcome = {}

    def check():
        outcome["value"] = sample.validate_table(b"col\n" + EVIL_CELL + b"\n", "csv", evil_schema())

    started = time.monotonic()
    worker = threading.Thread(target=check)
    worker.start()
    # While the check runs, this process keeps working: the match holds another interpreter.
    ticks = 0
    while worker.is_alive():
        before = time.monotonic()
        sum(range(10_000))
        assert time.monotonic() - before < 0.5
        ticks += 1
        time.sleep(0.01)
    assert ticks > 20
    assert time.monotonic() - started < 10
    assert "took longer than 2 s" in outcome["value"]


def test_a_pattern_that_is_no_regular_expression_is_named_not_crashed():
    found = sample.validate_table(b"col\nabc\n", "csv", evil_schema("("))
    assert found.startswith("the Table Schema is invalid: a `pattern` is no regular expression")


def test_a_good_pattern_still_finds_the_rows_that_break_it():
    errors, stopped = sample.validate_table(b"col\nabc\nx1\n", "csv", evil_schema("[a-z]+"))
    assert [(e["type"], e["row"], e["field"]) for e in errors] == [("constraint-error", 3, "col")]
    assert not stopped


def test_the_publisher_is_told_why_and_the_dataset_is_not_published(
    api, source_server, monkeypatch
):
    monkeypatch.setattr(sample, "SCHEMA_CHECK_SECONDS", 2)
    url = source_server.serve("/evil.csv", b"col\n" + EVIL_CELL + b"\n")
    payload = dataset_payload(
        distributions=[{"access_url": url, "media_type": "text/csv", "schema": evil_schema()}]
    )
    created = api.post("/api/v1/datasets", payload, format="json")
    assert created.status_code == 201, created.content
    started = time.monotonic()
    assert run_queued_validations() == ["failed"]
    assert time.monotonic() - started < 15
    body = api.get(f"/api/v1/datasets/{created.json()['id']}").json()
    assert body["status"] == "rejected", body["status"]
    run = api.get(f"/api/v1/datasets/{created.json()['id']}/validations").json()["results"][0]
    findings = [f for f in run["findings"] if f["field"] == "distributions[0].schema"]
    assert any("took longer than 2 s" in f["message"] for f in findings), findings
