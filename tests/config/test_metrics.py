"""/metrics: Prometheus text with request latency by route and the database's counts."""

import time
import uuid

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app as celery_app
from core.jobs import enqueue
from core.queues import all_queues

from ..factories import publish
from ..services import using_broker

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


def test_each_queue_reports_its_length_and_the_age_of_its_oldest_message(client, settings):
    """Per-queue metrics (core/queues.py): a harvest job waits on the harvest queue, nothing on
    the others."""
    if not using_broker():
        pytest.skip("queues exist only with a broker: the PostgreSQL + Redis shape (CI runs both)")
    base = f"suchi-metrics-{uuid.uuid4().hex[:8]}"
    kept = celery_app.conf.task_default_queue
    settings.CELERY_TASK_DEFAULT_QUEUE = celery_app.conf.task_default_queue = base
    redis_client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        assert enqueue("harvest.tasks.run_harvest_job", 0)
        time.sleep(1.1)
        families = scrape(client)
    finally:
        celery_app.conf.task_default_queue = kept
        redis_client.delete(*all_queues(base))
        redis_client.close()
    depth = {s.labels["queue"]: s.value for s in families["suchi_queue_depth"].samples}
    oldest = {s.labels["queue"]: s.value for s in families["suchi_queue_oldest_seconds"].samples}
    assert depth == {queue: float(queue == f"{base}.harvest") for queue in all_queues(base)}
    assert set(oldest) == set(depth)
    assert 1.0 <= oldest[f"{base}.harvest"] < 30
    assert oldest[f"{base}.notifications"] == 0.0
