"""The validator's bounds against an attacker (from an independent review): a small document
cannot make a large report, a check cannot outlive the worker that asked for it, odd IRIs are
checked rather than reported as a crash, the page has the API's rate, and the site runs only
so many checks in requests at once."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from core.isolation import run_isolated

from .test_validator import CONFORMING, post

pytestmark = pytest.mark.django_db


def test_a_small_document_naming_long_iris_gets_a_small_report(client):
    prefix = "http://e.org/" + "a" * 20_000 + "/"
    body = (
        f"@prefix x: <{prefix}> .\n@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
        + "".join(f"x:d{n} a dcat:Dataset .\n" for n in range(300))
    ).encode()
    assert len(body) < 30_000
    response = post(client, body, "text/turtle")
    assert response.status_code == 200
    assert len(response.content) < 3_000_000  # some 25 MB before fields were bounded
    for result in response.json()["results"]:
        assert all(len(v) <= 300 for k, v in result.items() if k != "sentence")


def test_relative_iris_and_iris_rdflib_cannot_write_are_checked(client):
    relative = b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<d/1> a dcat:Dataset .\n"
    response = post(client, relative, "text/turtle")
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["focus_node"] == "<d/1>"
    spaced = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#">
  <dcat:Dataset rdf:about="http://data.example.in/my dataset"/>
</rdf:RDF>"""
    response = post(client, spaced, "application/rdf+xml")
    assert response.status_code in (200, 400), response.content
    assert "memory" not in response.content.decode()


def test_bad_literals_do_not_flood_the_logs(client, capfd):
    body = b"@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + b"".join(
        b'<https://d.example/x%d> <https://p.example/d> "z"^^xsd:date .\n' % n for n in range(2000)
    )
    capfd.readouterr()
    assert post(client, body, "text/turtle").status_code == 200
    out, err = capfd.readouterr()
    assert len(out.splitlines()) + len(err.splitlines()) < 20  # it was one traceback a value


def _sleep_and_note(path: str) -> None:
    with open(path, "w") as note:
        note.write(str(os.getpid()))
    time.sleep(60)


def test_a_check_dies_with_the_worker_that_asked_for_it(tmp_path):
    note = str(tmp_path / "child.pid")
    worker = os.fork()
    if worker == 0:  # a web worker, asking for a check that would take a minute
        try:
            run_isolated(_sleep_and_note, note, seconds=25, memory_bytes=0)
        finally:
            os._exit(0)
    deadline = time.monotonic() + 10
    while not os.path.exists(note) or not Path(note).read_text():
        assert time.monotonic() < deadline, "the check never started"
        time.sleep(0.05)
    child = int(Path(note).read_text())
    os.kill(worker, signal.SIGKILL)  # gunicorn's timeout kills the worker
    os.waitpid(worker, 0)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return  # gone with its parent
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    pytest.fail("the check outlived the worker that asked for it")


def test_the_page_has_the_apis_rate(client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.SUCHI_VALIDATOR_RATE = "2/minute"
    cache.clear()

    def upload():
        document = SimpleUploadedFile("c.ttl", CONFORMING, content_type="text/turtle")
        return client.post("/validate", {"document": document, "media_type": ""}).status_code

    codes = [upload() for _ in range(3)]
    cache.clear()
    assert codes == [200, 200, 429]


def test_the_site_runs_only_so_many_checks_in_requests_at_once(client, settings):
    settings.SUCHI_VALIDATOR_CONCURRENCY = 1
    cache.clear()
    cache.add("validator:place:0", "another request's", timeout=30)  # a check under way
    busy = post(client, CONFORMING, "text/turtle")
    assert busy.status_code == 503 and busy["Retry-After"]
    cache.delete("validator:place:0")  # it ends
    assert post(client, CONFORMING, "text/turtle").status_code == 200
    assert cache.get("validator:place:0") is None  # each check gives its place back
