"""A real Celery worker in a child process, consuming this test session's queue."""

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from core.queues import all_queues, queue_name

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database this test is using (pytest-django's test database)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


class WorkerProcess:
    """`pool` is the worker's --pool: "solo" (one process, the default here), or "prefork"
    with `concurrency` processes, as docker-compose runs it."""

    def __init__(
        self,
        *,
        pool: str = "solo",
        concurrency: int = 1,
        kinds: tuple[str, ...] = (),
        **extra_env: str,
    ):
        """`kinds`: the queues it serves (core/queues.py's KINDS), all of them by default."""
        self.pool, self.concurrency = pool, concurrency
        self.kinds = kinds
        self.extra_env = extra_env
        self.queue = celery_app.conf.task_default_queue
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "WorkerProcess":
        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(*self.queues())  # nothing left over from an earlier test
        client.close()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "SUCHI_CELERY_QUEUE": self.queue,
            "DB_CONN_MAX_AGE": "0",
            # The worker may read the test session's local source server, like the tests.
            "SUCHI_SOURCE_ALLOWLIST": ",".join(settings.SUCHI_SOURCE_ALLOWLIST),
            # The worker signs webhooks with the session's key.
            "SUCHI_SIGNING_KEY_FILE": str(settings.SUCHI_SIGNING_KEY_FILE),
            **self.extra_env,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                f"--pool={self.pool}",
                f"--concurrency={self.concurrency}",
                "--queues",
                ",".join(self.queues()),
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"test-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any("ready." in line for line in self.lines):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("worker did not start:\n" + "\n".join(self.lines[-30:]))

    def queues(self) -> list[str]:
        if not self.kinds:
            return all_queues(self.queue)
        return [queue_name(kind, self.queue) for kind in self.kinds]

    def _read(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
