#!/bin/sh
# A hot standby of the `postgres` service: on an empty volume, a base backup of the primary
# (pg_basebackup -R writes the standby's connection to it), then the server, streaming.
set -eu
mkdir -p "$PGDATA"
chown -R postgres:postgres "$PGDATA"
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until PGPASSWORD="$REPLICATION_PASSWORD" gosu postgres pg_basebackup \
      -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -R -X stream -c fast; do
    echo "waiting for the primary to take a base backup"; rm -rf "${PGDATA:?}"/*; sleep 2
  done
fi
exec gosu postgres postgres -c hot_standby=on
