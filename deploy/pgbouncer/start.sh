#!/bin/sh
# The password file from the environment (never baked into the image), then PgBouncer.
set -eu
printf '"%s" "%s"\n' "$POSTGRES_USER" "$POSTGRES_PASSWORD" > /tmp/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
