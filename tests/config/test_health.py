"""GET /healthz and /readyz."""

import json
import logging

import pytest

from ..services import free_port, redis_available, redis_url, require


def test_healthz_is_200_without_touching_anything(client):
    # No django_db mark: any database query here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_200_when_the_database_answers(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}, "failing": []}


@pytest.mark.django_db
def test_readyz_is_503_naming_redis_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert "Connection" in body["checks"]["redis"]


@pytest.mark.django_db
def test_readyz_is_200_with_a_reachable_redis(client, settings):
    require("Redis", redis_available(), f"a Redis server at {redis_url()}")
    settings.REDIS_URL = redis_url()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_every_response_carries_a_request_id_and_logs_one_json_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="suchi.request"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="req-123")
    assert response["X-Request-ID"] == "req-123"
    record = next(r for r in caplog.records if r.name == "suchi.request")
    assert record.request_id == "req-123"
    assert (record.method, record.path, record.status) == ("GET", "/healthz", 200)


def test_an_unsafe_client_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="suchi.request"):
        client.get("/healthz", HTTP_X_REQUEST_ID="json-check")
    record = next(r for r in caplog.records if r.name == "suchi.request")
    # Format it with the handler the settings configured, as production output would be.
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    entry = json.loads(handler.format(record))
    assert entry["request_id"] == "json-check"
    assert entry["status"] == 200
    assert entry["level"] == "INFO"


@pytest.mark.django_db
def test_bearer_tokens_never_reach_the_logs(institution, capfd, caplog):
    from rest_framework.test import APIClient

    from ..factories import make_token

    secret = make_token(institution)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    with caplog.at_level(logging.DEBUG):
        client.post("/api/v1/datasets", {"title": ""}, format="json")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}x")
        client.get("/api/v1/datasets")
    captured = capfd.readouterr()
    everything = captured.out + captured.err + caplog.text
    assert secret.split("_", 2)[2] not in everything
