"""PostgreSQL: the catalogue's version, which every change to what the catalogue shows moves
(registry/version.py). Anonymous search answers are cached and given ETags under it, so a
change is visible on the very next request, however it was made: the ORM, a bulk update, raw
SQL, a cascade.

A statement trigger on each table a search answer is built from sets one of SLOTS rows to a
fresh value of a sequence. The row is written in the writer's transaction, so the new version
becomes visible exactly when the change does (a reader never caches old data under a new
version). The row is picked with SKIP LOCKED among those no other transaction holds, so a
writer never waits for another one here (no added contention, no deadlock); only if every row
is held does it wait for one. A sequence value is never handed out twice, not even after a
rollback, so a version is never reused. The version is the list of the rows' values (and the
count and last id of the log that writers at a stricter isolation level append to).
SQLite catalogues (the embedded default) are not cached.
"""

from django.db import migrations

SLOTS = 32
TABLES = (
    "registry_dataset",
    "registry_distribution",
    "registry_institution",
    "registry_datasetrevision",
)

TABLE, SEQUENCE, BUMP, LOG = (
    "registry_catalogue_version",
    "registry_catalogue_version_seq",
    "registry_catalogue_version_bump",
    "registry_catalogue_version_log",
)
CREATE = [
    f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}",
    f"CREATE TABLE IF NOT EXISTS {TABLE} (slot smallint PRIMARY KEY, n bigint NOT NULL)",
    f"INSERT INTO {TABLE} SELECT s, 0 FROM generate_series(0, {SLOTS - 1}) AS s "  # noqa: S608
    "ON CONFLICT DO NOTHING",
    # Slot -1, never bumped: this database's own random epoch, so that two databases (a test
    # database made afresh, a restored copy) never share a version in one shared cache.
    f"INSERT INTO {TABLE} VALUES (-1, floor(random() * 9e18)::bigint) ON CONFLICT DO NOTHING",  # noqa: S608
    # Writers at REPEATABLE READ or SERIALIZABLE (an operator's script) cannot update a row
    # another writer changed since their snapshot: they append a row here instead.
    f"CREATE TABLE IF NOT EXISTS {LOG} (id bigserial PRIMARY KEY)",
    f"""
    CREATE OR REPLACE FUNCTION {BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      picked smallint;
    BEGIN
      IF current_setting('transaction_isolation') <> 'read committed' THEN
        INSERT INTO {LOG} DEFAULT VALUES;
        RETURN NULL;
      END IF;
      SELECT slot INTO picked FROM {TABLE} WHERE slot >= 0
        ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
      IF picked IS NULL THEN  -- every row held by other writers: wait for one
        picked := floor(random() * (SELECT count(*) FROM {TABLE} WHERE slot >= 0));
      END IF;
      UPDATE {TABLE} SET n = nextval('{SEQUENCE}') WHERE slot = picked;
      RETURN NULL;
    END
    $$
    """,  # noqa: S608 (names, all constants)
    *(f"DROP TRIGGER IF EXISTS {BUMP} ON {table}" for table in TABLES),
    *(
        f"CREATE TRIGGER {BUMP} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {BUMP}()"
        for table in TABLES
    ),
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS {BUMP} ON {table}" for table in TABLES),
    f"DROP FUNCTION IF EXISTS {BUMP}()",
    f"DROP TABLE IF EXISTS {TABLE}",
    f"DROP TABLE IF EXISTS {LOG}",
    f"DROP SEQUENCE IF EXISTS {SEQUENCE}",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_dataset_data_card_ml_ready")]

    operations = [migrations.RunPython(forward, backward)]
