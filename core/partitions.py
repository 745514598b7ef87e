"""Long-tail record tables partitioned by month (PostgreSQL declarative partitioning), with
retention by detaching whole partitions rather than by mass deletes.

Partitioned (settings.SUCHI_PARTITIONED: table → months kept): consent events, access
receipts, webhook deliveries, exchange events and agreement receipts, each by the month of its
`created_at` (UTC). A table has one partition a month, named `<table>_yYYYYmMM`, and a default
partition (`<table>_default`) that catches a row outside every month partition (a clock far
off), so an insert never fails for want of one. `partitions_ensure` creates the coming months
(beat runs it daily; a row already waiting in the default partition is moved into its month).

Retention: `partitions_detach` detaches (and with drop=True drops) the month partitions that
end before a given month, and refuses any that would take a record younger than the table's
retention, never less than RETENTION_FLOOR_MONTHS (seven years: consent records). A detached
partition is an ordinary table: dump it to the archive, then drop it.

On a partitioned table the primary key and every unique constraint include the partition
column (PostgreSQL requires it): `(id, created_at)`. The consent and exchange ledgers' order
within a chain is kept by the lock their writers take on the chain's head (consent/ledger.py,
exchange/ledger.py) and checked by the hash chain, not only by `(…, seq)` being unique.

SQLite (the embedded default) keeps plain tables; every function here is a no-op there.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.db import connection, transaction

from .errors import ServiceError

RETENTION_FLOOR_MONTHS = 84
COLUMN = "created_at"


class RetentionError(ServiceError):
    status_code = 409


def add_months(month: date, n: int) -> date:
    years, index = divmod(month.month - 1 + n, 12)
    return date(month.year + years, index + 1, 1)


def this_month() -> date:
    return datetime.now(UTC).date().replace(day=1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year}m{month.month:02d}"


def _bound(month: date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'"


def _checked(table: str) -> str:
    """Only the configured tables' names reach the SQL built here."""
    if table not in settings.SUCHI_PARTITIONED:
        raise ValueError(f"{table!r} is not a partitioned table (settings.SUCHI_PARTITIONED)")
    return table


def retention_months(table: str) -> int:
    return max(RETENTION_FLOOR_MONTHS, settings.SUCHI_PARTITIONED[table])


@dataclass(frozen=True)
class Partition:
    name: str
    start: date | None  # None: the default partition
    end: date | None


def partitions(table: str) -> list[Partition]:
    """The table's partitions, month partitions in order, then the default."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
            [table],
        )
        rows = cursor.fetchall()
    found = []
    for name, bound in rows:
        if bound == "DEFAULT":
            found.append(Partition(name, None, None))
            continue
        # FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')
        start, end = (piece.split("'")[1][:10] for piece in bound.split(" TO "))
        found.append(Partition(name, date.fromisoformat(start), date.fromisoformat(end)))
    return sorted(found, key=lambda p: (p.start is None, p.start or date.min))


def _create_month(cursor, table: str, month: date) -> bool:
    """The month's partition, if missing; rows of that month waiting in the default partition
    are moved into it. True if created."""
    name = partition_name(table, month)
    cursor.execute("SELECT to_regclass(%s)", [name])
    if cursor.fetchone()[0] is not None:
        return False
    start, end = _bound(month), _bound(add_months(month, 1))
    default = f"{table}_default"
    in_month = f"{COLUMN} >= {start} AND {COLUMN} < {end}"
    cursor.execute(f"SELECT 1 FROM {default} WHERE {in_month} LIMIT 1")  # noqa: S608 (names)
    if cursor.fetchone() is None:
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES FROM ({start}) TO ({end})"
        )
        return True
    cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default} WHERE {in_month} RETURNING *) "  # noqa: S608
        f"INSERT INTO {name} SELECT * FROM moved"
    )
    cursor.execute(
        f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ({start}) TO ({end})"
    )
    return True


def partitions_ensure(table: str, *, months_ahead: int = 3, since: date | None = None) -> int:
    """Month partitions from `since` (this month by default) through `months_ahead` months on;
    returns how many were created."""
    if connection.vendor != "postgresql":
        return 0
    table = _checked(table)
    month = (since or this_month()).replace(day=1)
    last = add_months(this_month(), months_ahead)
    created = 0
    with transaction.atomic(), connection.cursor() as cursor:
        while month <= last:
            created += _create_month(cursor, table, month)
            month = add_months(month, 1)
    return created


def partitions_ensure_all(*, months_ahead: int = 3) -> int:
    """partitions_ensure for every partitioned table (settings.SUCHI_PARTITIONED)."""
    return sum(partitions_ensure(t, months_ahead=months_ahead) for t in settings.SUCHI_PARTITIONED)


def partitions_detach(table: str, *, before: date, drop: bool = False) -> list[str]:
    """Detach (and with `drop`, drop) every month partition that ends on or before `before`.
    Refused, and nothing done, if any of them holds months younger than the retention."""
    if connection.vendor != "postgresql":
        return []
    keep = retention_months(_checked(table))
    oldest_kept = add_months(this_month(), -keep)
    chosen = [p for p in partitions(table) if p.end is not None and p.end <= before]
    young = [p.name for p in chosen if p.end > oldest_kept]
    if young:
        raise RetentionError(
            f"{table} keeps {keep} months ({keep // 12} years): records from {oldest_kept:%Y-%m} "
            f"on stay; refused to detach {', '.join(young)}.",
            field="before",
        )
    with transaction.atomic(), connection.cursor() as cursor:
        for partition in chosen:
            cursor.execute(f"ALTER TABLE {table} DETACH PARTITION {partition.name}")
            if drop:
                cursor.execute(f"DROP TABLE {partition.name}")
    return [p.name for p in chosen]


# --- the conversion, run once by a migration -------------------------------------------------


def convert_to_monthly(schema_editor, table: str) -> None:
    """Rebuild `table` as a table partitioned by month of created_at, keeping its rows, columns,
    defaults, checks, indexes and foreign keys; the primary key and unique constraints gain
    created_at. A migration's RunPython (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid), indisunique FROM pg_index WHERE indrelid = "
            "%s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        if any(unique for _, unique in indexes):
            raise RuntimeError(f"{table}: a unique index without a constraint; add {COLUMN} to it")
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attidentity <> ''",
            [table],
        )
        identity = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT min({COLUMN}) FROM {table}")  # noqa: S608 (a migration's table)
        oldest = cursor.fetchone()[0]

        old = f"{table}_unpartitioned"
        cursor.execute(f"ALTER TABLE {table} RENAME TO {old}")
        cursor.execute(
            f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({COLUMN})"
        )
        cursor.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        month = oldest.date().replace(day=1) if oldest else this_month()
        while month <= add_months(this_month(), 3):
            _create_month(cursor, table, month)
            month = add_months(month, 1)
        cursor.execute(f"INSERT INTO {table} SELECT * FROM {old}")  # noqa: S608 (names)
        cursor.execute(f"DROP TABLE {old}")  # its identity sequence and indexes with it

        for column in identity:  # PostgreSQL 15: no identity on a partitioned table
            sequence = f"{table}_{column}_seq"
            cursor.execute(f"CREATE SEQUENCE {sequence} OWNED BY {table}.{column}")
            cursor.execute(
                f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT nextval('{sequence}')"
            )
            highest = f"coalesce((SELECT max({column}) FROM {table}), 0) + 1"  # noqa: S608
            cursor.execute(f"SELECT setval('{sequence}', {highest}, false)")
        for name, kind, definition in constraints:
            if kind in ("p", "u") and not re.search(rf"\b{COLUMN}\b", definition):
                definition = definition[: definition.rindex(")")] + f", {COLUMN})"
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for definition, _ in indexes:
            cursor.execute(definition)
