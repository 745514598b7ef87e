"""Settings read from the environment; production refuses to start insecurely."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("import django; django.setup()", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_with_a_secret_key_starts_with_secure_defaults():
    result = run_python(
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0]))",
        DEBUG="0",
        SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [False, True, True]


def test_embedded_default_uses_sqlite_in_process_tasks_and_local_cache():
    result = run_python(
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CACHES['default']['BACKEND']]))",
        SUCHI_VAR_DIR="/tmp/suchi-settings-test",
    )
    assert result.returncode == 0, result.stderr
    engine, eager, cache = json.loads(result.stdout.strip().splitlines()[-1])
    assert engine == "django.db.backends.sqlite3"
    assert eager is True
    assert cache.endswith("LocMemCache")


def test_redis_url_switches_broker_result_backend_and_cache_to_redis():
    result = run_python(
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND, s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CACHES['default']['BACKEND']]))",
        REDIS_URL="redis://127.0.0.1:6399/3",
    )
    assert result.returncode == 0, result.stderr
    broker, backend, eager, cache = json.loads(result.stdout.strip().splitlines()[-1])
    assert broker == backend == "redis://127.0.0.1:6399/3"
    assert eager is False
    assert cache.endswith("RedisCache")


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("SUCHI_RUN_STALE_AFTER", "soon")])
def test_malformed_environment_values_fail_loudly_naming_the_variable(name, value):
    result = run_python("import django; django.setup()", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_manage_py_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "kJ8#vP2@qL5!xR9$" * 4,
            "ALLOWED_HOSTS": "suchi.example",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_migrations_are_complete():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env={**os.environ, "SUCHI_VAR_DIR": "/tmp/suchi-migrations-check"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
