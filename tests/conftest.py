import uuid

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app

from .factories import make_institution, make_token

# Jobs this test session queues go to a queue of its own, so a shared Redis never hands them
# to another session's worker (nor theirs to ours).
TEST_QUEUE = f"suchi-test-{uuid.uuid4().hex[:8]}"


def pytest_configure(config):
    celery_app.conf.task_default_queue = TEST_QUEUE


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
