"""ETag / Last-Modified / 304, CORS for anonymous reads, and the anonymous rate limit."""

import pytest
from django.core.cache import cache

from registry.services import Actor, dataset_register, validation_run_execute

from ..factories import dataset_payload, make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(db):
    made = dataset_register(
        institution=make_institution(), data=dataset_payload(slug="beds"), actor=Actor.system("t")
    )
    validation_run_execute(run_id=made.validation_runs.get().id, check_sources=False)
    return made


@pytest.mark.parametrize(
    "path", ["/api/v1/datasets/{id}", "/datasets/{id}.ttl", "/catalog.ttl", "/api/v1/datasets"]
)
def test_etag_and_304(client, dataset, path):
    url = path.format(id=dataset.pk)
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_last_modified_and_if_modified_since(client, dataset):
    first = client.get(f"/api/v1/datasets/{dataset.pk}")
    assert first["Last-Modified"]
    assert (
        client.get(
            f"/api/v1/datasets/{dataset.pk}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        ).status_code
        == 304
    )
    assert client.get(f"/datasets/{dataset.pk}.ttl")["Last-Modified"] == first["Last-Modified"]


def test_cors_is_open_for_anonymous_reads_only(client, dataset):
    assert (
        client.get("/api/v1/datasets", HTTP_ORIGIN="https://app.example")[
            "Access-Control-Allow-Origin"
        ]
        == "*"
    )
    preflight = client.options(
        "/api/v1/datasets",
        HTTP_ORIGIN="https://app.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 204
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    post = client.post(
        "/api/v1/datasets", {}, content_type="application/json", HTTP_ORIGIN="https://app.example"
    )
    assert "Access-Control-Allow-Origin" not in post


def test_anonymous_clients_are_rate_limited_per_ip_with_retry_after(client, dataset, settings):
    settings.SUCHI_ANON_RATE = "3/minute"
    # Not cache.clear(): with Redis that would flush the database the broker shares.
    keys = ["throttle_anon_127.0.0.1", "throttle_anon_10.1.2.3"]
    cache.delete_many(keys)
    statuses = [client.get("/api/v1/datasets").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/datasets")
    assert int(limited["Retry-After"]) > 0
    # Another address has its own allowance.
    assert client.get("/api/v1/datasets", REMOTE_ADDR="10.1.2.3").status_code == 200
    cache.delete_many(keys)
