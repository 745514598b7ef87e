"""docker-compose.yml cannot run here (no Docker engine), so check it agrees with the code."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import dj_database_url
import yaml

from core.queues import all_queues

from ..services import require

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_env_names() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|float|list)\(\s*"([A-Z_]+)"', source)) | set(
        re.findall(r'os\.environ\.get\("([A-Z_]+)"', source)
    )


def test_has_the_production_services():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    # Bounded, and only keys that expire give way (never the queue's).
    command = services["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "volatile-lru"


def test_every_stateful_service_keeps_its_data_in_a_named_volume():
    data = compose()
    volumes = set(data["volumes"])
    assert any(v.split(":")[0] in volumes for v in data["services"]["postgres"]["volumes"])


def test_databases_and_web_have_healthchecks_and_app_waits_for_them():
    services = compose()["services"]
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name].get("healthcheck", {}).get("test"), name
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])


def test_commands_run_the_real_entry_points():
    services = compose()["services"]
    web = " ".join(services["web"]["command"])
    assert web.startswith("gunicorn config.wsgi:application")
    assert " ".join(services["worker"]["command"]).startswith("celery -A config worker")
    # No --queues: the worker serves the settings' CELERY_TASK_QUEUES, every queue.
    assert not any(arg.startswith("--queues") for arg in services["worker"]["command"])
    assert " ".join(services["beat"]["command"]).startswith("celery -A config beat")
    assert (ROOT / "config" / "wsgi.py").exists()
    assert (ROOT / "config" / "celery.py").exists()


# Read by a library rather than by config/settings.py.
LIBRARY_ENV = {"PROMETHEUS_MULTIPROC_DIR"}


def test_environment_names_only_settings_that_exist_and_matching_urls():
    services = compose()["services"]
    known = settings_env_names() | LIBRARY_ENV
    postgres_env = services["postgres"]["environment"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert set(env) <= known, set(env) - known
        assert env["DEBUG"] == "0"
        assert "SECRET_KEY" in env
        db = dj_database_url.parse(env["DATABASE_URL"].replace("${POSTGRES_PASSWORD:-suchi}", "p"))
        assert (db["ENGINE"], db["HOST"], db["PORT"]) == (
            "django.db.backends.postgresql", "postgres", 5432
        )  # fmt: skip
        assert db["NAME"] == postgres_env["POSTGRES_DB"]
        assert db["USER"] == postgres_env["POSTGRES_USER"]
        assert db["OPTIONS"]["options"] == "-c jit=off -c max_parallel_workers_per_gather=0"
        assert env["REDIS_URL"].startswith("redis://redis:6379")


def test_worker_queue_is_the_default_queue_of_the_settings():
    from django.conf import settings

    # Tests move tasks to a queue of their own; the settings' default is what compose must serve.
    assert 'env_str("SUCHI_CELERY_QUEUE", "suchi")' in (ROOT / "config" / "settings.py").read_text()
    assert settings.CELERY_TASK_ACKS_LATE is True


def test_the_signing_key_lives_in_a_volume_that_web_and_worker_share():
    data = compose()
    for name in ("web", "worker"):
        service = data["services"][name]
        key_file = service["environment"]["SUCHI_SIGNING_KEY_FILE"]
        mounts = {v.split(":")[1]: v.split(":")[0] for v in service["volumes"]}
        assert mounts[str(Path(key_file).parent)] in data["volumes"], name
    # Every gunicorn worker's requests reach one scrape, from a directory empty at each start.
    web = data["services"]["web"]
    assert web["environment"]["PROMETHEUS_MULTIPROC_DIR"] in web["tmpfs"]


def test_dockerfile_installs_the_locked_versions_and_serves_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -c requirements.lock ." in dockerfile
    assert "COPY pyproject.toml requirements.lock" in dockerfile
    assert "gunicorn" in dockerfile and "config.wsgi:application" in dockerfile
    assert "USER suchi" in dockerfile


def test_the_image_holds_every_package_the_settings_load():
    """Each app in INSTALLED_APPS, config and core are copied into the image (a package left
    out builds an image that cannot start)."""
    from django.conf import settings

    copied = set(re.findall(r"^COPY (\S+) \1$", (ROOT / "Dockerfile").read_text(), re.M))
    ours = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    assert ours | {"config", "core"} <= copied, sorted(ours | {"config", "core"} - copied)


def test_the_scale_profile_validates_and_has_the_shape_operations_md_describes():
    binary = shutil.which("docker-compose") or shutil.which("docker")
    require("docker-compose", binary is not None, "apt-get install docker-compose")
    command = [binary] if binary.endswith("docker-compose") else [binary, "compose"]
    env = {**os.environ, "SECRET_KEY": "x" * 50}
    for profile in ([], ["--profile", "scale"]):
        done = subprocess.run(
            [*command, *profile, "config", "-q"], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    services = compose()["services"]
    scale = {name for name, service in services.items() if "scale" in service.get("profiles", [])}
    assert scale == {
        "postgres-replica", "pgbouncer", "web-a", "web-b", "worker-validation",
        "worker-harvest", "worker-notifications", "worker-maintenance",
    }  # fmt: skip
    queues = {
        name: next(arg for arg in services[name]["command"] if arg.startswith("--queues="))
        for name in scale
        if name.startswith("worker-")
    }
    served = {q for arg in queues.values() for q in arg.removeprefix("--queues=").split(",")}
    assert served == set(all_queues("suchi"))
    for name in ("web-a", "web-b"):
        env = services[name]["environment"]
        assert env["DATABASE_POOLER"] == "pgbouncer"
        assert env["DATABASE_URL"].split("@")[1] == "pgbouncer:6432/suchi"
        assert env["DATABASE_REPLICA_URLS"].split("@")[1] == "pgbouncer:6432/suchi_replica"


def test_beat_schedules_sweeps_rechecks_expiry_and_webhooks_and_compose_runs_beat():
    from django.conf import settings

    from config.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {
        "registry.tasks.sweep_validation_runs",
        "registry.tasks.schedule_rechecks",
        "consent.tasks.expire_consents",
        "exchange.tasks.expire_agreements",
        "consent.tasks.deliver_due_webhooks",
        "consent.tasks.checkpoint_ledger",
        "harvest.tasks.schedule_harvests",
        "harvest.tasks.sweep_harvest_jobs",
        "catalog.tasks.fold_facet_counts",
        "identity.tasks.sweep_notifications",
        "rights.tasks.escalate_grievances",
        "rights.tasks.sweep_breach_notices",
        "identity.tasks.end_guardianships_at_majority",
        "core.tasks.ensure_partitions",
        "transparency.tasks.warm_statistics",
    }
    app.loader.import_default_modules()
    assert tasks <= set(app.tasks)
    assert "beat" in compose()["services"]


def test_every_environment_variable_the_settings_read_is_documented():
    runbook = (ROOT / "docs" / "operations.md").read_text()
    undocumented = sorted(name for name in settings_env_names() if f"`{name}`" not in runbook)
    assert not undocumented, f"add these to docs/operations.md's settings table: {undocumented}"
