"""Which external services this machine offers to the tests, and how a test asks for one.

Without a service, a test that needs it skips with a reason naming what is missing; with
SUCHI_REQUIRE_SERVICES=1 (as CI sets) the skip becomes a failure.
"""

import os
import shutil
import socket

import pytest
from django.conf import settings
from django.db import connection

REDIS_DEFAULT_URL = "redis://127.0.0.1:6379/0"


def require(service: str, available: bool, how: str) -> None:
    if available:
        return
    message = f"needs {service}: {how}"
    if os.environ.get("SUCHI_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (SUCHI_REQUIRE_SERVICES=1 forbids skipping)")
    pytest.skip(message)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def redis_url() -> str:
    """The Redis the suite may use: the configured one, else the machine's default."""
    return settings.REDIS_URL or os.environ.get("SUCHI_TEST_REDIS_URL", REDIS_DEFAULT_URL)


def redis_available() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(redis_url(), socket_connect_timeout=0.5)
        client.ping()
        client.close()
        return True
    except Exception:
        return False


def using_postgres() -> bool:
    return connection.vendor == "postgresql"


def using_broker() -> bool:
    return bool(settings.REDIS_URL)


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
