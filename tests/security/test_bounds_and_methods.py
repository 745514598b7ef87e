"""Probe findings 4, 5 and 8 (in part): huge page numbers gave 500s (an integer overflow in the
offset); invented HTTP methods each became a metrics label (750 series from 50 requests) and
API routes answered TRACE/FOO with 401; /metrics was open to anyone with DEBUG off; a JSON
array body passed for an object."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from ..factories import make_citizen, make_institution, make_token, publish

pytestmark = pytest.mark.django_db

HUGE = ["9223372036854775807", str(2**63), "1" + "0" * 19, "-1", "0", "1e3", "x", "٣"]


@pytest.fixture
def parties(db):
    provider = make_institution(slug="bounds-provider", name="Bounds Provider")
    publish(provider, title="Bounded dataset")
    token = make_token(
        provider, scopes=("datasets:write", "consents:request", "consents:verify", "webhooks:write")
    )
    institution = APIClient()
    institution.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    make_citizen("bounds@suchi", password="correct-horse-battery")
    citizen = APIClient()
    issued = citizen.post(
        "/api/v1/auth/token",
        {"handle": "bounds@suchi", "password": "correct-horse-battery"},
        format="json",
    )
    citizen.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.json()['access_token']}")
    return institution, citizen


PAGED = {
    # anonymous: the catalogue in every shape
    "anonymous": [
        "/catalog.ttl?page={n}",
        "/catalog.jsonld?page={n}",
        "/datasets?page={n}",
        "/datasets?q=bounded&page={n}",
        "/api/v1/datasets?page={n}",
        "/api/v1/datasets?page_size={n}",
        "/api/3/action/package_search?start={n}",
        "/api/3/action/package_search?rows={n}",
        "/api/3/action/package_list?offset={n}",
        "/api/3/action/package_list?limit={n}",
        "/api/3/action/tag_list?offset={n}",
    ],
    "institution": [
        "/api/v1/consent-requests?page={n}",
        "/api/v1/consent-artefacts?page={n}",
        "/api/v1/webhooks/deliveries?page={n}",
        "/api/v1/harvest-sources?page={n}",
        "/api/v1/datasets?mine=1&page={n}",
    ],
    "citizen": [
        "/api/v1/me/consent-requests?page={n}",
        "/api/v1/me/consent-artefacts?page={n}",
        "/api/v1/me/access-log?page={n}",
    ],
}


@pytest.mark.parametrize("who", sorted(PAGED))
def test_huge_and_odd_page_numbers_are_4xx_never_5xx(parties, who):
    client = {"anonymous": Client(), "institution": parties[0], "citizen": parties[1]}[who]
    failures = []
    for template in PAGED[who]:
        for n in HUGE:
            response = client.get(template.format(n=n))
            if response.status_code >= 500:
                failures.append((template.format(n=n), response.status_code))
            elif response.status_code >= 400:
                # A 4xx says which parameter (REST and DCAT name it; CKAN and pages state it).
                body = response.content.decode(errors="replace")
                name = re.search(r"[?&]([\w.]+)=\{n\}", template).group(1)
                if response.status_code == 400 and name not in body:
                    failures.append((template.format(n=n), "no parameter named", body[:200]))
    assert failures == []


def test_dcat_page_past_the_end_is_404_not_an_empty_page(db):
    assert Client().get("/catalog.ttl?page=2").status_code == 404
    assert Client().get("/catalog.ttl?page=999999999").status_code == 404


def test_unknown_methods_are_405_everywhere_before_authentication(db):
    client = Client()
    for path in ("/api/v1/consent-requests", "/api/v1/me", "/api/v1/datasets", "/", "/portal/"):
        for method in ("TRACE", "FOO", "CONNECT", "PROPFIND"):
            response = client.generic(method, path)
            assert response.status_code == 405, (method, path, response.status_code)
            assert "GET" in response["Allow"]


def test_metrics_labels_stay_bounded_after_junk_methods(db, settings):
    client = Client()

    def series() -> set[str]:
        text = client.get("/metrics").content.decode()
        return {
            line.split(" ")[0]
            for line in text.splitlines()
            if line.startswith("suchi_http_request_duration_seconds_count")
            and 'route="metrics"' not in line
        }

    before = series()
    for n in range(1000):
        client.generic(f"JUNK{n}", f"/no-such-path-{n}")
    client.generic("X" * 3000, "/")
    after = series()
    new = after - before
    assert all('method="other"' in s for s in new), sorted(new)[:5]
    assert len(new) <= 2, sorted(new)  # the one "other" series (and at most one route class)
    text = client.get("/metrics").content.decode()
    assert "XXXX" not in text and "JUNK" not in text and "no-such-path" not in text


def test_metrics_are_refused_off_the_allowed_networks_when_debug_is_off(db, settings):
    settings.DEBUG = False
    settings.SUCHI_METRICS_TOKEN = ""
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    # A forged X-Forwarded-For does not make an outsider local.
    forged = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert forged.get("/metrics").status_code == 403
    settings.SUCHI_METRICS_TOKEN = "scrape-me"
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    assert outsider.get("/metrics").status_code == 401
    assert outsider.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me").status_code == 200


@pytest.mark.parametrize("body", ["[]", "[{}]", '"text"', "1", "null", "true"])
def test_json_bodies_must_be_objects(parties, body):
    institution, citizen = parties
    for client, path in (
        (citizen, "/api/v1/me/consent-requests/00000000-0000-4000-8000-000000000000/grant"),
        (institution, "/api/v1/datasets"),
        (institution, "/api/v1/consent-requests"),
        (APIClient(), "/api/v1/auth/token"),
    ):
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, body, response.status_code)
        assert "JSON object is expected" in response.json()["detail"]
    ckan = (
        Client().post("/api/3/action/package_search", body, content_type="application/json").json()
    )
    assert ckan["success"] is False and "needs to be a dictionary" in ckan["error"]["message"]
