"""Liveness and readiness probes."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.replicas import replica_aliases, replica_status


@never_cache
@require_GET
def healthz(request):
    """The process is alive and serving. Touches nothing else."""
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None


def _check_redis() -> str | None:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None


@never_cache
@require_GET
def readyz(request):
    """Ready to take traffic: the database answers and, when configured, so does Redis. Read
    replicas are reported, each in rotation or not and why; one out of rotation does not make
    the service unready (the primary answers its reads)."""
    checks = {"database": _check_database()}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis()
    failing = [name for name, error in checks.items() if error]
    body = {
        "status": "unavailable" if failing else "ok",
        "checks": {name: error or "ok" for name, error in checks.items()},
        "failing": failing,
    }
    if replica_aliases():
        body["replicas"] = replica_status()
    return JsonResponse(body, status=503 if failing else 200)
