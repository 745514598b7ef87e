"""Every operation in the OpenAPI document has examples, and every example fits its schema."""

import copy

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

_METHODS = {"get", "post", "put", "patch", "delete"}
_DOC = "urn:suchi:openapi"


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in _METHODS:
                yield f"{method.upper()} {path}", operation


def _as_json_schema(node):
    """OpenAPI 3.0 → JSON Schema 2020-12: `nullable` becomes a null alternative and local
    references point into the whole document, registered under one URN."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if "$ref" in node and node["$ref"].startswith("#/"):
        node["$ref"] = _DOC + node["$ref"]
    if "oneOf" in node:
        # drf-spectacular writes a blank-or-URL field as oneOf [maxLength 0, format uri];
        # without format checks "" fits both, so read it as the anyOf it means.
        node["anyOf"] = node.pop("oneOf")
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def test_every_operation_has_an_example_for_its_success_and_its_request(document):
    missing = []
    for name, operation in _operations(document):
        success = [
            content
            for code, response in operation["responses"].items()
            if code.startswith("2")
            for content in response.get("content", {}).values()
        ]
        if not any("examples" in content for content in success):
            missing.append(f"{name}: no example of a successful response")
        body = operation.get("requestBody", {}).get("content", {})
        if body and not any("examples" in content for content in body.values()):
            missing.append(f"{name}: no request example")
    assert not missing, "\n".join(missing)


def test_every_example_fits_its_schema(document):
    converted = _as_json_schema(copy.deepcopy(document))
    registry = Registry().with_resource(
        _DOC, Resource(contents=converted, specification=DRAFT202012)
    )
    checked, problems = 0, []

    def check(where, content):
        nonlocal checked
        validator = Draft202012Validator(content.get("schema", {}), registry=registry)
        for label, example in content.get("examples", {}).items():
            checked += 1
            for error in validator.iter_errors(example["value"]):
                problems.append(f"{where} example {label!r}: {error.message} at {error.json_path}")

    for name, operation in _operations(document):
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            if media == "application/json":
                check(f"{name} request", _as_json_schema(content))
        for code, response in operation["responses"].items():
            for content in response.get("content", {}).values():
                check(f"{name} {code}", _as_json_schema(content))
    assert checked >= 30
    assert not problems, "\n".join(problems[:20])


def test_search_documents_page_numbers_and_cursors(document):
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/datasets"]["get"]["parameters"]}
    assert {"page", "cursor", "page_size"} <= set(parameters)
    assert "10,000" in parameters["page"]["description"]
