"""Redis down while institutions register datasets: the API keeps answering, the writes and
their job rows are kept, and once Redis is back the sweeper queues every job (none lost).

Runs the real app in a child process with REDIS_URL pointing at a port where, at first,
nothing listens; then starts a throwaway redis-server on that port.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import redis

from core.queues import queue_name

from ..services import free_port, redis_server_binary, require

ROOT = Path(__file__).resolve().parents[2]

REGISTER = """
import json, time
from django.test import Client
from registry.services import institution_create, token_issue
from registry.models import ValidationRun
inst = institution_create(slug="ka-health", name="Health", verified=True)
token = token_issue(institution=inst, name="t", scopes=["datasets:write"]).secret
client = Client()
statuses, slowest = [], 0.0
for n in range({count}):
    payload = {payload}
    payload["slug"] = f"d{{n}}"
    started = time.monotonic()
    r = client.post("/api/v1/datasets", json.dumps(payload), content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {{token}}")
    slowest = max(slowest, time.monotonic() - started)
    statuses.append(r.status_code)
ready = client.get("/readyz")
print(json.dumps({{"statuses": statuses, "slowest": slowest, "ready": ready.status_code,
    "failing": ready.json()["failing"],
    "queued": ValidationRun.objects.filter(status="queued").count()}}))
"""

SWEEP = """
import json
from datetime import timedelta
from registry.services import validation_runs_sweep
print(json.dumps(validation_runs_sweep(stale_after=timedelta(seconds=0))))
"""


def run_app(code: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def test_writes_survive_a_redis_outage_and_the_sweeper_queues_them_all(tmp_path):
    from ..factories import dataset_payload

    binary = redis_server_binary()
    require(
        "redis-server",
        binary is not None,
        "the redis-server binary on PATH (apt-get install redis-server)",
    )
    port = free_port()
    queue = f"suchi-outage-{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'outage.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "SUCHI_CELERY_QUEUE": queue,
        "LOG_LEVEL": "ERROR",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120
    )

    count = 20
    outcome = json.loads(
        run_app(REGISTER.format(count=count, payload=repr(dataset_payload())), env)
    )
    assert outcome["statuses"] == [201] * count
    assert outcome["slowest"] < 5, "a write hung on the dead broker"
    assert (outcome["ready"], outcome["failing"]) == (503, ["redis"])
    assert outcome["queued"] == count

    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        requeued = json.loads(run_app(SWEEP, env))
        assert len(requeued) == count
        # Every job is now on the validation queue (core/queues.py): none lost.
        assert client.llen(queue_name("validation", queue)) == count
    finally:
        server.terminate()
        server.wait(10)
