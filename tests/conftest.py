import os
import uuid

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app
from core.lockout import signin_forget_all

from . import factories, pgbouncer
from .factories import make_institution, make_token
from .sourceserver import SourceServer

# Jobs this test session queues go to a queue of its own, so a shared Redis never hands them
# to another session's worker (nor theirs to ours).
TEST_QUEUE = f"suchi-test-{uuid.uuid4().hex[:8]}"


def pytest_configure(config):
    celery_app.conf.task_default_queue = TEST_QUEUE


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Through PgBouncer (DATABASE_POOLER=pgbouncer, as CI's PostgreSQL pass runs), the test
    database can be dropped at the end only once the pooler lets go of its server connections
    to it: its admin console's KILL does that (docs/operations.md, "Pooling")."""
    yield
    if os.environ.get("DATABASE_POOLER") != "pgbouncer":
        return
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    for connection in connections.all():
        connection.close()
    pgbouncer.admin(
        settings_dict, f"KILL {settings_dict['NAME']}", f"RESUME {settings_dict['NAME']}"
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked slow run only with SUCHI_SLOW_TESTS=1 (CI sets it), so a plain `make test`
    stays under three minutes; they are deselected, and the summary counts them."""
    if os.environ.get("SUCHI_SLOW_TESTS") == "1":
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


@pytest.fixture(scope="session")
def source_server():
    """The local stand-in for institutions' data sources, for the whole session."""
    server = SourceServer()
    factories.SOURCE["base"] = f"http://{server.host_port}"
    yield server
    server.stop()


@pytest.fixture(scope="session")
def signing_key_file(tmp_path_factory):
    """One Ed25519 signing key for the session (tests run with DEBUG off, where Suchi never
    generates a key by itself)."""
    from consent.keys import _write_new_key

    path = tmp_path_factory.mktemp("keys") / "signing-key.pem"
    _write_new_key(path)
    return path


@pytest.fixture(autouse=True)
def _test_settings(settings, source_server, signing_key_file):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Only the local source server may be on a non-public address.
    settings.SUCHI_SOURCE_ALLOWLIST = [source_server.host_port]
    # The suite makes thousands of anonymous requests from one address; the rate limit has
    # its own test.
    settings.SUCHI_ANON_RATE = ""
    settings.SUCHI_AUTH_RATE = ""
    settings.SUCHI_VALIDATOR_RATE = ""
    settings.SUCHI_SIGNING_KEY_FILE = str(signing_key_file)
    # Wrong-password counters live in the cache, which outlives a test: start each test afresh.
    signin_forget_all()


@pytest.fixture
def client_anon():
    return APIClient()


@pytest.fixture
def institution(db):
    return make_institution(slug="ka-health", name="Department of Health, Karnataka")


@pytest.fixture
def other_institution(db):
    return make_institution(slug="bmtc", name="Bengaluru Metropolitan Transport Authority")


@pytest.fixture
def token(institution):
    return make_token(institution)


@pytest.fixture
def api(token):
    """An API client authenticated as the `institution` with scope datasets:write."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def other_api(other_institution):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(other_institution)}")
    return client
