"""core.dbhealth: a kept PostgreSQL connection the server has closed is seen on its socket and
replaced, and a live one is spared Django's `SELECT 1` — with no round trip either way."""

import os
import time

import psycopg
import pytest
from django.db import connection

from core.dbhealth import check_connections

from .. import pgbouncer

pytestmark = pytest.mark.django_db(transaction=True)  # outside a transaction, as a request is


@pytest.fixture
def kept():
    if connection.vendor != "postgresql":
        pytest.skip("the check polls PostgreSQL connections (set DATABASE_URL)")
    connection.ensure_connection()
    connection.health_check_done = False  # as at the start of a request
    return connection.connection


def _terminate(pid: int) -> None:
    """The server ends the session: PostgreSQL terminates the backend; through PgBouncer (CI's
    PostgreSQL pass), which hides a server connection's end from its clients, the pooler
    itself closes the client connections to the database (its admin console's KILL)."""
    if os.environ.get("DATABASE_POOLER") == "pgbouncer":
        settings_dict = connection.settings_dict
        pgbouncer.admin(
            settings_dict, f"KILL {settings_dict['NAME']}", f"RESUME {settings_dict['NAME']}"
        )
        return
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_live_connection_is_kept_and_needs_no_select_1(kept):
    check_connections()
    assert connection.connection is kept
    assert connection.health_check_done  # Django will not send SELECT 1 in this request
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_a_connection_the_server_closed_is_replaced_before_it_is_used(kept):
    old_pid = kept.info.backend_pid
    _terminate(old_pid)
    time.sleep(0.2)  # the server's goodbye reaches the socket
    check_connections()
    assert connection.connection is None
    with connection.cursor() as cursor:  # the first query opens a new one
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.connection.info.backend_pid != old_pid
