"""/metrics: Prometheus text with request latency by route and the database's counts."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from ..factories import publish

pytestmark = pytest.mark.django_db


def scrape(client, **headers) -> dict:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(response.content.decode())}


def test_metrics_show_requests_by_route_and_counts_by_status(client, institution):
    dataset = publish(institution)
    client.get(f"/api/v1/datasets/{dataset.pk}")
    families = scrape(client)
    routes = {
        s.labels["route"]
        for s in families["suchi_http_request_duration_seconds"].samples
        if s.name.endswith("_count")
    }
    assert "api/v1/datasets/<anyuuid:pk>" in routes  # the pattern, never the id
    assert not any(str(dataset.pk) in route for route in routes)
    runs = {s.labels["status"]: s.value for s in families["suchi_validation_runs"].samples}
    assert runs == {"passed": 1.0}
    datasets = {s.labels["status"]: s.value for s in families["suchi_datasets"].samples}
    assert datasets == {"published": 1.0}
    oldest = {s.labels["kind"]: s.value for s in families["suchi_oldest_waiting_seconds"].samples}
    assert oldest == {"validation_run": 0.0, "webhook_delivery": 0.0}


def test_metrics_need_the_token_when_one_is_set(client, settings):
    settings.SUCHI_METRICS_TOKEN = "scrape-me"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert "suchi_datasets" in scrape(client, HTTP_AUTHORIZATION="Bearer scrape-me")
