"""`/metrics` in the Prometheus text format.

Two kinds of figures:
- **per process**: request latency by route, method and status class, recorded by
  `MetricsMiddleware`. Under gunicorn with several workers set `PROMETHEUS_MULTIPROC_DIR` to an
  empty directory (prometheus_client's multiprocess mode) so a scrape sees every worker;
- **from the database and the broker at scrape time**: validation runs, webhook deliveries,
  harvest jobs and consent artefacts by status, the age of the oldest waiting item, recent run
  durations, and the Celery queue's depth. These are the same whichever process answers.

Who may scrape: with `SUCHI_METRICS_TOKEN` set, whoever sends `Authorization: Bearer <token>`.
Without a token, with DEBUG on (development), anyone; with DEBUG off, only clients whose address
is in SUCHI_METRICS_NETWORKS (loopback by default). No figure names a person.

Labels are bounded: the route is the URL pattern (never the path), the method one of the HTTP
verbs Suchi answers (anything else is `other`), the status its class. Invented method names or
paths cannot grow the number of series.
"""

import hmac
import ipaddress
import json
import os
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from core.http import KNOWN_METHODS, client_ip
from core.queues import SENT_HEADER, all_queues

REQUESTS = Histogram(
    "suchi_http_request_duration_seconds",
    "Time to answer an HTTP request, by route pattern, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def method_label(method: str | None) -> str:
    return method if method in KNOWN_METHODS else "other"


class MetricsMiddleware:
    """Times every request; labels it with its URL pattern (not the path: ids stay out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match and match.route else "unmatched"
        REQUESTS.labels(
            route=route,
            method=method_label(request.method),
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
        return response


class DatabaseCollector:
    """Counts and ages read from the database (and the queue depth from Redis) at scrape time."""

    # Long: one block per family of figures read at scrape time.
    def collect(self):
        from consent.models import ConsentArtefact, WebhookDelivery
        from harvest.models import HarvestJob
        from registry.models import Dataset, ValidationRun

        now = timezone.now()
        yield _by_status(
            "suchi_validation_runs", "Validation runs by status.", ValidationRun.objects
        )
        yield _by_status("suchi_datasets", "Datasets by status.", Dataset.objects)
        yield _by_status(
            "suchi_webhook_deliveries", "Webhook deliveries by status.", WebhookDelivery.objects
        )
        yield _by_status("suchi_harvest_jobs", "Harvest jobs by status.", HarvestJob.objects)
        yield _by_status(
            "suchi_consent_artefacts", "Consent artefacts by status.", ConsentArtefact.objects
        )
        oldest = GaugeMetricFamily(
            "suchi_oldest_waiting_seconds",
            "Age of the oldest item still waiting, by kind (0 when none waits).",
            labels=["kind"],
        )
        queued = (
            ValidationRun.objects.filter(status="queued")
            .order_by("queued_at")
            .values_list("queued_at", flat=True)
            .first()
        )
        pending = (
            WebhookDelivery.objects.filter(status="pending")
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        oldest.add_metric(["validation_run"], (now - queued).total_seconds() if queued else 0)
        oldest.add_metric(["webhook_delivery"], (now - pending).total_seconds() if pending else 0)
        yield oldest
        durations = GaugeMetricFamily(
            "suchi_validation_run_seconds_last_hour",
            "Duration of validation runs finished in the last hour, by status and statistic.",
            labels=["status", "stat"],
        )
        recent = ValidationRun.objects.filter(
            finished_at__gte=now - timedelta(hours=1), started_at__isnull=False
        ).values_list("status", "started_at", "finished_at")
        by_status: dict[str, list[float]] = {}
        for status, started, finished in recent.iterator():
            by_status.setdefault(status, []).append((finished - started).total_seconds())
        for status, values in sorted(by_status.items()):
            values.sort()
            durations.add_metric([status, "count"], len(values))
            durations.add_metric([status, "mean"], sum(values) / len(values))
            durations.add_metric(
                [status, "p95"], values[min(len(values) - 1, int(len(values) * 0.95))]
            )
        yield durations
        depth = GaugeMetricFamily(
            "suchi_queue_depth",
            "Messages waiting on each Celery queue (Redis only).",
            labels=["queue"],
        )
        oldest = GaugeMetricFamily(
            "suchi_queue_oldest_seconds",
            "Age of the oldest message waiting on each Celery queue (Redis only; 0 when empty).",
            labels=["queue"],
        )
        if settings.REDIS_URL:
            _queue_metrics(depth, oldest)
        yield depth
        yield oldest


def _queue_metrics(depth: GaugeMetricFamily, oldest: GaugeMetricFamily) -> None:
    """Each queue's length, and the age of its oldest message (the list's tail: kombu pushes
    on the left and workers pop from the right), from the time stamped on it when it was sent
    (core/queues.py). A message sent without the stamp counts as 0."""
    import redis

    now = time.time()
    queues = all_queues(settings.CELERY_TASK_DEFAULT_QUEUE)
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)
        with client.pipeline(transaction=False) as pipe:
            for queue in queues:
                pipe.llen(queue)
                pipe.lindex(queue, -1)
            answers = pipe.execute()
        client.close()
    except redis.RedisError:
        return  # /readyz reports Redis; a scrape should still answer
    for index, queue in enumerate(queues):
        length, tail = answers[2 * index], answers[2 * index + 1]
        depth.add_metric([queue], length)
        oldest.add_metric([queue], max(0.0, now - _sent_at(tail)) if tail else 0.0)


def _sent_at(message: bytes) -> float:
    try:
        return float(json.loads(message)["headers"][SENT_HEADER])
    except (ValueError, KeyError, TypeError):
        return time.time()


def _by_status(name: str, documentation: str, manager) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["status"])
    for row in manager.order_by().values("status").annotate(n=Count("pk")).order_by("status"):
        family.add_metric([row["status"]], row["n"])
    return family


def _from_allowed_network(request) -> bool:
    try:
        address = ipaddress.ip_address(client_ip(request).split("%", 1)[0])
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.SUCHI_METRICS_NETWORKS
    )


def scrape_refusal(request) -> HttpResponse | None:
    """Why this request may not read /metrics, as a response; None if it may."""
    expected = settings.SUCHI_METRICS_TOKEN
    if expected:
        given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
        if hmac.compare_digest(given.encode(), expected.encode()):
            return None
        return HttpResponse(
            "Send Authorization: Bearer <SUCHI_METRICS_TOKEN>.\n",
            status=401,
            content_type="text/plain",
        )
    if settings.DEBUG or _from_allowed_network(request):
        return None
    return HttpResponse(
        "Metrics are served to SUCHI_METRICS_NETWORKS only; set SUCHI_METRICS_TOKEN to scrape "
        "from elsewhere.\n",
        status=403,
        content_type="text/plain",
    )


def metrics(request):
    refusal = scrape_refusal(request)
    if refusal is not None:
        return refusal
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
    registry.register(DatabaseCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
