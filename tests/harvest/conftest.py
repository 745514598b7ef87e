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
