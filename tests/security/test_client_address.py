"""The address the rate limits count by is not the client's to choose: without trusted proxies
(SUCHI_NUM_PROXIES=0, the default) X-Forwarded-For is ignored; behind N proxies only the hop the
nearest proxy appended counts, whatever the client put before it."""

import pytest
from django.core.cache import cache

from ..factories import make_citizen

pytestmark = pytest.mark.django_db

REAL = "198.51.100.20"  # the address a trusted proxy saw
KEYS = [
    "throttle_anon_127.0.0.1",
    f"throttle_anon_{REAL}",
    "throttle_anon_198.51.100.21",
    "throttle_citizen-auth_127.0.0.1",
]


@pytest.fixture(autouse=True)
def _fresh_counts():
    # Not cache.clear(): with Redis that would flush the database the broker shares.
    cache.delete_many(KEYS)
    yield
    cache.delete_many(KEYS)


def forged(n: int) -> str:
    return f"203.0.113.{n}"


def test_a_forged_forwarded_for_does_not_reset_the_anonymous_limit(client_anon, settings):
    settings.SUCHI_ANON_RATE = "3/minute"
    statuses = [
        client_anon.get("/api/v1/themes", HTTP_X_FORWARDED_FOR=forged(n)).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_password_guesses_do_not_escape_their_limit_with_a_forged_forwarded_for(
    client_anon, settings
):
    settings.SUCHI_AUTH_RATE = "2/minute"
    make_citizen("guessed@suchi")
    statuses = [
        client_anon.post(
            "/api/v1/auth/token",
            {"handle": "guessed@suchi", "password": f"guess-{n}"},
            format="json",
            HTTP_X_FORWARDED_FOR=forged(n),
        ).status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_behind_one_proxy_the_address_it_appended_is_counted(client_anon, settings):
    settings.SUCHI_ANON_RATE = "3/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    statuses = [
        client_anon.get("/api/v1/themes", HTTP_X_FORWARDED_FOR=f"{forged(n)}, {REAL}").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Another client behind the same proxy has an allowance of its own.
    other = client_anon.get("/api/v1/themes", HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert other.status_code == 200
