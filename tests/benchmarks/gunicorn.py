"""Suchi under gunicorn in a child process, on a free loopback port, for the HTTP benchmarks."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production web process (DEBUG off), on loopback without TLS."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 40,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL or "",
        "SECURE_SSL_REDIRECT": "0",
        "SUCHI_SIGNING_KEY_FILE": str(settings.SUCHI_SIGNING_KEY_FILE),
        **extra,
    }


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int,
    options: tuple[str, ...] = ("--worker-class", "gthread", "--threads", "4"),
    log: Path | None = None,
    timeout: float = 60,
) -> Iterator[str]:
    """Starts `gunicorn config.wsgi:application`, waits until /readyz answers 200 (the database
    and Redis reachable), yields its base URL and stops it. Its stdout and stderr go to `log`
    (a pipe nobody reads would fill and stall the server)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log or os.devnull, "w") as output:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(workers), *options,
            ],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/readyz", timeout=5) as response:
                        if response.status == 200:
                            break
                except OSError:  # refused, or a 503 while the database or Redis is not up
                    pass
                if server.poll() is not None:
                    tail = log.read_text()[-3000:] if log else ""
                    raise RuntimeError(f"gunicorn exited with {server.returncode}\n{tail}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"gunicorn not ready within {timeout:.0f} s")
                time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
