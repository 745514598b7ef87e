"""OPTIONS on every API route, anonymous, as an institution and as a citizen: never a 500. An
outside probe had one from 23 routes for any signed-in OPTIONS (DRF asked views that read their
body themselves for a serializer they do not have)."""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from consent.services import citizen_token_for
from registry.scopes import SCOPES

from ..factories import make_citizen, make_institution, make_token

pytestmark = pytest.mark.django_db
_SAMPLES = {"uuid": str(uuid.UUID(int=0)), "int": "1", "slug": "x", "str": "x", "path": "x"}


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        route = str(pattern.pattern)
        if "(" in route or "^" in route:
            continue  # a regular expression: no route to fill in
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


def api_paths() -> list[str]:
    paths = set()
    for route in _routes(get_resolver().url_patterns):
        if route.startswith("api/"):
            filled = re.sub(
                r"<(?:(\w+):)?\w+>", lambda m: _SAMPLES.get(m.group(1) or "str", "x"), route
            )
            paths.add("/" + filled)
    return sorted(paths)


def test_every_api_route_answers_options_without_an_error():
    paths = api_paths()
    assert len(paths) > 80 and "/api/v1/me/close" in paths
    institution = make_institution(slug="opts", is_consumer=True)
    citizen = make_citizen("opts.citizen@suchi")
    clients = {"anonymous": APIClient(), "institution": APIClient(), "citizen": APIClient()}
    clients["institution"].credentials(
        HTTP_AUTHORIZATION=f"Bearer {make_token(institution, scopes=list(SCOPES))}"
    )
    token, _ = citizen_token_for(citizen.user)
    clients["citizen"].credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    failed = [
        (who, path, response.status_code)
        for path in paths
        for who, client in clients.items()
        if (response := client.options(path)).status_code >= 500
    ]
    assert not failed, failed
