"""Benchmark databases kept between runs (loading a large catalogue takes minutes)."""

import psycopg
from django.db import connection


def recreate_postgres_database(name: str, *, drop: bool) -> None:
    """Create the database `name` on the default connection's server if it is missing (after
    dropping it, with `drop`)."""
    s = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        if drop:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
