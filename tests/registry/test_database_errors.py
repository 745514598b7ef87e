"""Which database errors are an outage (503, try again) and which are bugs (500). The outage
itself, against a real PostgreSQL that goes away, is tests/integration/test_database_outage.py."""

import sqlite3

import pytest
from django.db import DatabaseError, connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from core.middleware import database_unavailable


@pytest.fixture
def own_database_allowed(django_db_blocker):
    """Lets a test open a SQLite file of its own (pytest-django blocks every connection)."""
    with django_db_blocker.unblock():
        yield


def raised_by(run) -> BaseException:
    with pytest.raises(DatabaseError) as caught:
        run()
    return caught.value


@pytest.mark.django_db
def test_a_mistake_in_a_statement_is_a_bug_not_an_outage():
    def bad_statement():
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM registry_dataset")

    assert not database_unavailable(raised_by(bad_statement))


@pytest.mark.parametrize(
    "match",
    ["NEAR(", '"zorb', "zorb AND", "*"],
    ids=["near", "open-quote", "dangling-and", "star"],
)
def test_an_fts5_syntax_error_is_a_bug_not_an_outage(tmp_path, match, own_database_allowed):
    wrapper = sqlite_wrapper(tmp_path / "fts.sqlite3")
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE VIRTUAL TABLE t USING fts5(body)")

    def search():
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT rowid FROM t WHERE t MATCH %s", [match])

    error = raised_by(search)
    assert not database_unavailable(error)
    wrapper.close()


def test_a_locked_sqlite_database_is_an_outage(tmp_path, own_database_allowed):
    """Another process holds the write lock: repeating the request later may succeed."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    wrapper = sqlite_wrapper(path, timeout=0)

    def write():
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")

    error = raised_by(write)
    assert "database is locked" in str(error)
    assert database_unavailable(error)
    wrapper.close()
    holder.close()


def test_a_read_only_sqlite_database_is_an_outage(tmp_path, own_database_allowed):
    """The file became read-only (a remount, a restore in progress): try again later."""
    path = tmp_path / "readonly.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE t (x)")
    wrapper = sqlite_wrapper(path)
    wrapper.settings_dict["NAME"] = f"file:{path}?mode=ro"
    wrapper.settings_dict["OPTIONS"]["uri"] = True

    def write():
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")

    error = raised_by(write)
    assert "readonly" in str(error)
    assert database_unavailable(error)
    wrapper.close()


@pytest.mark.django_db
def test_a_statement_beyond_postgresqls_limits_is_a_bug_not_an_outage():
    """SQLSTATE class 54 (program limit exceeded) is an OperationalError in psycopg, but
    repeating the request fails the same way: a 500, not a 503 asking to try again."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's program limits (the PostgreSQL CI run covers them)")

    def too_long():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT to_tsvector('simple', string_agg(md5(n::text), ' ')) "
                "FROM generate_series(1, 40000) AS n"
            )

    error = raised_by(too_long)
    assert error.__cause__.sqlstate.startswith("54"), error.__cause__.sqlstate
    assert not database_unavailable(error)


def sqlite_wrapper(path, *, timeout: float = 5) -> DatabaseWrapper:
    """A Django connection of its own to a SQLite file: errors come wrapped as Django's."""
    return DatabaseWrapper(
        {
            "NAME": str(path),
            "OPTIONS": {"timeout": timeout},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        }
    )
