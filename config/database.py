"""The DATABASES setting: the primary from DATABASE_URL (SQLite under var/ when unset), read
replicas from DATABASE_REPLICA_URLS, and what a connection pooler in transaction mode needs.

- **Replicas** (`DATABASE_REPLICA_URLS`, comma-separated PostgreSQL URLs) become the aliases
  `replica_1`, `replica_2`, …; core/replicas.py decides which reads go to them. In tests they
  mirror the primary (Django's TEST MIRROR), so a suite run with replicas configured reads what
  it wrote.
- **A pooler** (`DATABASE_POOLER=pgbouncer`, PgBouncer in transaction mode): a server
  connection belongs to a client only for one transaction, so no server-side cursor may outlive
  one (Django's DISABLE_SERVER_SIDE_CURSORS) and no statement is prepared on the server
  (psycopg's prepare_threshold=None: the next transaction may run on another connection).
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REPLICA_PREFIX = "replica_"
POOLERS = ("pgbouncer",)


def _parse(url: str, *, conn_max_age: int, pooler: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    if pooler:
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
        config.setdefault("OPTIONS", {})["prepare_threshold"] = None
    return config


def databases(
    *,
    url: str,
    replica_urls: list[str],
    var_dir: Path,
    conn_max_age: int,
    pooler: str = "",
    replica_connect_timeout: int = 2,
) -> dict:
    if pooler and pooler not in POOLERS:
        raise ImproperlyConfigured(f"DATABASE_POOLER must be one of {POOLERS}, got {pooler!r}")
    if not url:
        var_dir.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{var_dir / 'suchi.sqlite3'}"
    primary = _parse(url, conn_max_age=conn_max_age, pooler=pooler)
    if primary["ENGINE"] == "django.db.backends.sqlite3":
        if replica_urls:
            raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL")
        primary.pop("DISABLE_SERVER_SIDE_CURSORS", None)
        # WAL lets the dev server read while a write is in flight; the timeout rides out
        # short locks.
        primary["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        primary["CONN_MAX_AGE"] = 0
        # Tests use a file too (not shared-cache memory, whose table locks ignore the busy
        # timeout), so concurrent-writer tests see what the embedded server does.
        primary["TEST"] = {"NAME": str(var_dir / "test-suchi.sqlite3")}
        return {"default": primary}
    configured = {"default": primary}
    for number, replica_url in enumerate(replica_urls, start=1):
        replica = _parse(replica_url, conn_max_age=conn_max_age, pooler=pooler)
        if replica["ENGINE"] != primary["ENGINE"]:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS item {number} is not a PostgreSQL URL: {replica_url!r}"
            )
        # A replica that does not answer is skipped quickly; the primary serves meanwhile.
        replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", replica_connect_timeout)
        replica["TEST"] = {"MIRROR": "default"}
        configured[f"{REPLICA_PREFIX}{number}"] = replica
    return configured
