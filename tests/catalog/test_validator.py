"""POST /api/v1/validate/dcat: anyone's DCAT-AP or DCAT-US document checked against the official
shapes and schemas, with the same findings as pyshacl and jsonschema run directly; bad input
refused with a 4xx that says why, and nothing fetched."""

import json
import time
from pathlib import Path

import jsonschema
import pytest
from django.core.cache import cache
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from rest_framework.test import APIClient

from catalog import validator
from catalog.validator import shacl

from ..sourceserver import SourceServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WITH_VIOLATIONS = FIXTURES / "validator" / "catalogue-with-violations.ttl"
OFFICIAL_SHAPES = FIXTURES / "dcat-ap" / "DERIVED_3.0.1_core+ranges_dangling-removed.ttl"
URL = "/api/v1/validate/dcat"
CONFORMING = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://data.example.in/d/rain> a dcat:Dataset ;
    dct:title "Rainfall"@en ; dct:description "Daily rainfall by district."@en .
"""


@pytest.fixture
def client(db):
    return APIClient()


def post(client, body: bytes | str, content_type: str | None):
    if isinstance(body, str):
        body = body.encode()
    extra = {} if content_type is None else {"content_type": content_type}
    return client.generic("POST", URL, body, **extra)


def _expand(name: str) -> str:
    prefix, _, local = name.partition(":")
    return shacl.PREFIXES[prefix] + local


def pyshacl_violations(graph: Graph) -> list[tuple]:
    """(focus node, path, constraint component) of every sh:Violation, by pyshacl itself."""
    shapes = Graph().parse(OFFICIAL_SHAPES, format="turtle")
    _, report, _ = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    found = []
    for result in report.objects(None, SH.result):
        if report.value(result, SH.resultSeverity) == SH.Violation:
            found.append(
                (
                    str(report.value(result, SH.focusNode)),
                    str(report.value(result, SH.resultPath)),
                    str(report.value(result, SH.sourceConstraintComponent)).rsplit("#")[-1],
                )
            )
    return sorted(found)


def api_violations(answer: dict) -> list[tuple]:
    return sorted(
        (r["focus_node"].strip("<>"), _expand(r["path"]), r["constraint"])
        for r in answer["results"]
        if r["severity"] == "Violation"
    )


@pytest.mark.parametrize(
    "fmt,media_type",
    [("turtle", "text/turtle"), ("xml", "application/rdf+xml"), ("json-ld", "application/ld+json")],
)
def test_the_validator_finds_the_same_violations_as_pyshacl_with_the_official_shapes(
    client, fmt, media_type
):
    graph = Graph().parse(WITH_VIOLATIONS, format="turtle")
    expected = pyshacl_violations(graph)
    assert len(expected) == 5  # the fixture's five mistakes, so the comparison means something
    response = post(client, graph.serialize(format=fmt), media_type)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["standard"] == "DCAT-AP 3.0.1"
    assert answer["conforms"] is False
    assert answer["violations"] == len(expected) == answer["total"]
    assert api_violations(answer) == expected


def test_each_result_reads_as_a_sentence_and_keeps_its_raw_fields(client):
    answer = post(client, WITH_VIOLATIONS.read_bytes(), "text/turtle").json()
    by_focus = {(r["focus_node"], r["path"]): r for r in answer["results"]}
    missing = by_focus[("<https://data.example.in/d/beds>", "dct:description")]
    assert missing["sentence"] == (
        "Dataset <https://data.example.in/d/beds> has no dct:description (required: at least 1)."
    )
    assert missing["constraint"] == "MinCountConstraintComponent"
    assert missing["severity"] == "Violation"
    assert "description" in missing["message"]
    publisher = by_focus[("<https://data.example.in/d/clinics>", "dct:publisher")]
    assert publisher["expected"] == "foaf:Agent"
    assert publisher["value"] == "<https://data.example.in/agent/unknown>"
    assert "is not declared a foaf:Agent" in publisher["sentence"]


def test_a_conforming_catalogue_conforms(client):
    answer = post(client, CONFORMING, "text/turtle; charset=utf-8").json()
    assert answer == {
        "standard": "DCAT-AP 3.0.1",
        "conforms": True,
        "violations": 0,
        "total": 0,
        "truncated": False,
        "results": [],
    }


def test_the_shapes_shipped_are_the_official_ones_and_import_nothing():
    assert shacl.SHAPES.read_bytes() == OFFICIAL_SHAPES.read_bytes()
    owl_imports = URIRef("http://www.w3.org/2002/07/owl#imports")
    assert not list(shacl.shapes().triples((None, owl_imports, None)))
    assert shacl.shapes() is shacl.shapes()  # parsed once per process


def _official_datajson_validator():
    schemas = [json.loads(p.read_text()) for p in (FIXTURES / "us-datajson-schema").glob("*.json")]
    registry = Registry().with_resources(
        (s["id"].rstrip("#"), Resource(s, specification=DRAFT4)) for s in schemas
    )
    catalog = next(s for s in schemas if s["id"].endswith("/catalog.json#"))
    return jsonschema.Draft4Validator(
        catalog, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


@pytest.mark.parametrize("name", ["fcc.json", "gsa.json"])
def test_a_data_json_gets_the_errors_of_the_official_dcat_us_schemas(client, name):
    raw = (FIXTURES / "datajson" / name).read_bytes()
    errors = list(_official_datajson_validator().iter_errors(json.loads(raw)))
    answer = post(client, raw, "application/json").json()
    assert answer["standard"] == "DCAT-US 1.1"
    assert answer["violations"] == len(errors) == answer["total"]
    assert answer["conforms"] is (not errors)
    assert sorted(r["message"] for r in answer["results"]) == sorted(e.message for e in errors)
    if name == "fcc.json":
        assert len(errors) == 10
        assert any(
            r["sentence"].endswith("has no “keyword” (required).") for r in answer["results"]
        )


def test_a_long_report_lists_the_first_results_and_counts_them_all(client, monkeypatch):
    monkeypatch.setattr(validator, "MAX_RESULTS", 2)
    answer = post(client, WITH_VIOLATIONS.read_bytes(), "text/turtle").json()
    assert (answer["total"], answer["violations"], len(answer["results"])) == (5, 5, 2)
    assert answer["truncated"] is True


# --- bad input: a clear 4xx, never a 500 --------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", None, ""])
def test_a_wrong_or_missing_content_type_is_415_naming_the_accepted_types(client, content_type):
    response = post(client, CONFORMING, content_type)
    assert response.status_code == 415
    detail = response.json()["detail"]
    for accepted in validator.MEDIA_TYPES:
        assert accepted in detail


def test_malformed_turtle_is_400_naming_the_line(client):
    body = CONFORMING + b"<https://data.example.in/d/x> a dcat:Dataset ; dct:title \n"
    response = post(client, body, "text/turtle")
    assert response.status_code == 400
    assert "line" in response.json()["detail"]


def test_malformed_json_is_400_naming_line_and_column(client):
    response = post(client, b'{\n  "dataset": [1,\n}', "application/json")
    assert response.status_code == 400
    assert "line 3, column 1" in response.json()["detail"]
    response = post(client, b'{"@id": "x",', "application/ld+json")
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


def test_nan_and_infinity_are_not_json(client):
    # Python's json module takes them; RFC 8259 does not, nor does any other JSON reader.
    datajson = b'{"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": [NaN]}'
    for body, content_type, name in (
        (datajson, "application/json", "NaN"),
        (b'{"@id": "https://x.example/a", "https://x.example/p": -Infinity}', "application/ld+json",
         "-Infinity"),
    ):  # fmt: skip
        response = post(client, body, content_type)
        assert response.status_code == 400, response.content
        assert f"{name} is not valid JSON" in response.json()["detail"]


def test_what_trips_the_parser_is_told_in_the_documents_terms_not_pythons(client):
    for body, content_type, said in (
        (b'{"@context": {"@vocab": 5}, "a": 1}', "application/ld+json", "a value has a type"),
        (b"\xff\xfe<a> <b> <c> .", "text/turtle", "not UTF-8 text (byte 0"),
    ):
        response = post(client, body, content_type)
        assert response.status_code == 400, response.content
        detail = response.json()["detail"]
        assert said in detail
        assert not any(word in detail for word in ("operand", "codec", "'int'", "Error"))


def test_an_empty_body_is_400(client):
    response = post(client, b"", "text/turtle")
    assert response.status_code == 400
    assert response.json()["detail"] == "The document is empty."


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://data.example.in/d/x"><dct:title>&secret;</dct:title>
  </rdf:Description>
</rdf:RDF>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [ <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://data.example.in/d/x"><dct:title>&lol9;</dct:title>
  </rdf:Description>
</rdf:RDF>"""


@pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["external-entity", "billion-laughs"])
def test_rdf_xml_with_entity_declarations_is_refused_with_a_clear_message(client, body):
    started = time.monotonic()
    response = post(client, body, "application/rdf+xml")
    assert response.status_code == 422
    assert "entities" in response.json()["detail"]
    assert "root:" not in response.content.decode()
    assert time.monotonic() - started < 10


@pytest.fixture
def counting_server():
    """A real HTTP server that would serve a valid JSON-LD context, counting every request."""
    server = SourceServer()
    context = {"@context": {"dct": "http://purl.org/dc/terms/"}}
    server.serve("/context.jsonld", json.dumps(context).encode(), "application/ld+json")
    server.hits.clear()
    yield server
    server.stop()


def test_a_remote_json_ld_context_is_never_fetched_and_is_refused(client, counting_server):
    url = counting_server.url("/context.jsonld")
    document = {"@context": url, "@id": "https://data.example.in/d/x", "dct:title": "x"}
    response = post(client, json.dumps(document), "application/ld+json")
    assert response.status_code == 422
    assert "remote contexts are never fetched" in response.json()["detail"]
    assert url in response.json()["detail"]
    assert sum(counting_server.hits.values()) == 0


def test_owl_imports_in_a_document_are_not_followed(client, counting_server):
    url = counting_server.url("/context.jsonld")
    body = (
        CONFORMING
        + f"<https://data.example.in/d/rain> <http://www.w3.org/2002/07/owl#imports> <{url}> .\n".encode()
    )
    response = post(client, body, "text/turtle")
    assert response.status_code == 200
    assert response.json()["conforms"] is True
    assert sum(counting_server.hits.values()) == 0


def test_a_declared_length_over_the_validators_limit_is_413_before_reading(client, settings):
    settings.SUCHI_VALIDATOR_MAX_BYTES = 100
    response = post(client, CONFORMING, "text/turtle")
    assert response.status_code == 413
    assert "the limit is 100 bytes" in response.json()["detail"]


def _catalogue(count: int) -> bytes:
    lines = [b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"]
    lines += [f"<https://data.example.in/d/{n}> a dcat:Dataset .\n".encode() for n in range(count)]
    return b"".join(lines)


def test_a_check_past_its_time_is_stopped_with_a_clear_message(client, settings):
    settings.SUCHI_VALIDATOR_SECONDS = 0.5
    started = time.monotonic()
    response = post(client, _catalogue(3000), "text/turtle")
    assert response.status_code == 422
    assert "took longer than 0 seconds; it was stopped" in response.json()["detail"]
    assert time.monotonic() - started < 5


def test_a_check_past_its_memory_is_stopped_with_a_clear_message(client, settings):
    settings.SUCHI_VALIDATOR_MAX_BYTES = 64 * 1024 * 1024
    settings.SUCHI_VALIDATOR_MEMORY_BYTES = 16 * 1024 * 1024  # more than this process has free
    # Larger than glibc's largest mmap threshold (32 MiB), so every copy the parser makes is
    # new address space, not memory this process freed earlier.
    title = b"x" * (40 * 1024 * 1024)
    body = (
        CONFORMING
        + b'<https://data.example.in/d/rain> <http://purl.org/dc/terms/alternative> "'
        + title
        + b'" .\n'
    )
    response = post(client, body, "text/turtle")
    assert response.status_code == 422
    assert "more memory than the validator may use" in response.json()["detail"]
    settings.SUCHI_VALIDATOR_MEMORY_BYTES = 512 * 1024 * 1024
    assert post(client, body, "text/turtle").json()["conforms"] is True


def test_anonymous_validation_is_rate_limited(client, settings):
    settings.SUCHI_ANON_RATE = "2/minute"
    cache.clear()
    codes = [post(client, CONFORMING, "text/turtle").status_code for _ in range(3)]
    cache.clear()
    assert codes == [200, 200, 429]


def test_the_validator_has_a_rate_of_its_own_below_the_anonymous_one(client, settings):
    settings.SUCHI_ANON_RATE = "100/minute"
    settings.SUCHI_VALIDATOR_RATE = "2/minute"
    cache.clear()
    codes = [post(client, CONFORMING, "text/turtle").status_code for _ in range(3)]
    other = client.get("/api/v1/datasets").status_code  # the rest of the API is not held back
    cache.clear()
    assert codes == [200, 200, 429]
    assert other == 200
