"""The app served by gunicorn in a child process on a free loopback port, production settings."""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..services import free_port

ROOT = Path(__file__).resolve().parents[2]


class AppServer:
    def __init__(self, *, database_url: str, workers: int = 1, threads: int = 2, **extra_env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
            "DEBUG": "0",
            "SECRET_KEY": "test-" + "x" * 50,
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            **extra_env,
        }
        self.args = [
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
        ]
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, timeout: float = 300) -> str:
        """Runs `manage.py ARGS` with the server's settings; returns its stdout."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def __enter__(self) -> "AppServer":
        self.log = tempfile.TemporaryFile("w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", *self.args],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while self.get("/healthz")[0] != 200:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"gunicorn did not start: {self.output()[-3000:]}")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def request(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, dict, str]:
        """(status, headers, body text); never raises for an HTTP status."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()
        except OSError as error:
            return 0, {}, str(error)

    def get(self, path: str, **headers) -> tuple[int, dict, str]:
        return self.request("GET", path, headers=headers)
