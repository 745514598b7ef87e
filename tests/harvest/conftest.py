"""A catalogue server for harvest tests: real HTTP on loopback, allow-listed, whose files the
tests can edit between runs."""

import json
from pathlib import Path

import pytest

from ..factories import make_institution
from ..sourceserver import SourceServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "datajson"


@pytest.fixture
def catalogue_server(settings):
    server = SourceServer()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, server.host_port]
    yield server
    server.stop()


@pytest.fixture
def dhs() -> dict:
    return json.loads((FIXTURES / "dhs.json").read_text(encoding="utf-8"))


@pytest.fixture
def owner(db):
    return make_institution(slug="national", name="National Data Registry")


def serve_json(server: SourceServer, path: str, document) -> str:
    return server.serve(path, json.dumps(document).encode(), "application/json")


def datajson_item(**fields) -> dict:
    """A DCAT-US record that harvests and publishes as it stands; `fields` change it."""
    return {
        "identifier": "r-1",
        "title": "Rainfall by district",
        "description": "Monthly rainfall at every rain gauge, by district.",
        "keyword": ["rain"],
        "modified": "2024-01-01",
        "publisher": {"name": "Weather Office"},
        "contactPoint": {"fn": "Desk", "hasEmail": "mailto:desk@example.org"},
        "accessLevel": "public",
        "distribution": [{"downloadURL": "https://example.org/rain.csv", "mediaType": "text/csv"}],
        **fields,
    }


def serve_ckan_package(server: SourceServer, **fields) -> str:
    """A CKAN site of one package (package_search); its base URL, for a source."""
    package = {
        "id": "p-1",
        "name": "road-accidents",
        "title": "Road accidents",
        "notes": "Road accidents by district and month, with their causes.",
        "resources": [{"url": "https://data.example.org/accidents.csv", "format": "CSV"}],
        **fields,
    }
    page = {"success": True, "result": {"count": 1, "results": [package]}}
    serve_json(server, "/api/3/action/package_search", page)
    return server.url("")
