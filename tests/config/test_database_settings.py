"""config/database.py: DATABASES from DATABASE_URL, DATABASE_REPLICA_URLS and DATABASE_POOLER."""

import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.database import databases

from .. import pgbouncer

PRIMARY = "postgres://suchi@db:5432/suchi"


def test_replicas_become_aliases_that_mirror_the_primary_in_tests(tmp_path):
    configured = databases(
        url=PRIMARY,
        replica_urls=["postgres://suchi@r1:5432/suchi", "postgres://suchi@r2:5432/suchi"],
        var_dir=tmp_path,
        conn_max_age=60,
    )
    assert list(configured) == ["default", "replica_1", "replica_2"]
    assert configured["replica_2"]["HOST"] == "r2"
    assert configured["replica_1"]["TEST"] == {"MIRROR": "default"}
    assert configured["replica_1"]["OPTIONS"]["connect_timeout"] == 2
    assert not configured["default"]["DISABLE_SERVER_SIDE_CURSORS"]


def test_a_pooler_in_transaction_mode_gets_no_server_side_cursors_or_prepared_statements(tmp_path):
    configured = databases(
        url=PRIMARY, replica_urls=[PRIMARY], var_dir=tmp_path, conn_max_age=0, pooler="pgbouncer"
    )
    for alias in ("default", "replica_1"):
        assert configured[alias]["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert configured[alias]["OPTIONS"]["prepare_threshold"] is None


@pytest.mark.parametrize(
    ("url", "replicas", "pooler", "named"),
    [
        ("", ["postgres://r/suchi"], "", "DATABASE_REPLICA_URLS"),
        ("sqlite:///x.sqlite3", ["postgres://r/suchi"], "", "DATABASE_REPLICA_URLS"),
        (PRIMARY, ["sqlite:///x.sqlite3"], "", "DATABASE_REPLICA_URLS item 1"),
        (PRIMARY, [], "pgpool", "DATABASE_POOLER"),
    ],
)
def test_a_configuration_that_cannot_work_stops_the_process_naming_the_variable(
    tmp_path, url, replicas, pooler, named
):
    with pytest.raises(ImproperlyConfigured, match=named):
        databases(url=url, replica_urls=replicas, var_dir=tmp_path, conn_max_age=0, pooler=pooler)


def test_the_embedded_default_is_sqlite_under_var(tmp_path):
    configured = databases(url="", replica_urls=[], var_dir=tmp_path / "var", conn_max_age=60)
    assert configured["default"]["NAME"] == str(tmp_path / "var" / "suchi.sqlite3")
    assert configured["default"]["CONN_MAX_AGE"] == 0
    assert (tmp_path / "var").is_dir()


@pytest.mark.django_db
def test_through_the_pooler_the_suite_really_goes_through_pgbouncer_in_transaction_mode():
    """CI's PostgreSQL pass (DATABASE_POOLER=pgbouncer): this very connection reaches
    PostgreSQL through PgBouncer, whose pool for the test database is in transaction mode."""
    if os.environ.get("DATABASE_POOLER") != "pgbouncer":
        pytest.skip("CI's PostgreSQL pass runs the suite through PgBouncer (DATABASE_POOLER)")
    settings_dict = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_server_port()")
        assert cursor.fetchone()[0] != int(settings_dict["PORT"])  # a proxy in between
    pools = pgbouncer.admin(settings_dict, "SHOW POOLS")
    assert any(row[0] == settings_dict["NAME"] and row[-1] == "transaction" for row in pools), pools
