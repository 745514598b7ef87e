#!/bin/sh
# Runs once, when the primary's data volume is first initialised (docker-entrypoint-initdb.d):
# a role for streaming replicas and the rule that lets them connect; search settings that a
# pooler cannot pass as connection options (docs/operations.md). ALTER DATABASE is replicated.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD:-replicator}';
ALTER DATABASE "$POSTGRES_DB" SET jit = off;
ALTER DATABASE "$POSTGRES_DB" SET max_parallel_workers_per_gather = 0;
GRANT pg_monitor TO "$POSTGRES_USER";
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
