"""The catalogue's version: moved by every change to what a search answer is built from
(registry migration 0007, PostgreSQL), so an answer cached or tagged under one version is
never served for another. None where it is not kept (SQLite, the embedded default)."""

import hashlib

from django.db import DatabaseError, connections, router

from .models import Dataset

_READ = (
    "SELECT string_agg(n::text, '.' ORDER BY slot) || ':' || (SELECT count(*) || '.' || "
    "coalesce(max(id), 0) FROM registry_catalogue_version_log) FROM registry_catalogue_version"
)


def catalogue_version() -> str | None:
    """A short digest of the version, read in one small statement (33 rows and the log, which
    is empty unless writers ran at a stricter isolation level than ours); None where the
    catalogue has none (then nothing is cached). Read from the database the request's other
    reads come from (a replica's version names that replica's data)."""
    connection = connections[router.db_for_read(Dataset)]
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(_READ)
            row = cursor.fetchone()
    except DatabaseError:  # not migrated yet: answer uncached
        return None
    if not row or not row[0]:
        return None
    return hashlib.blake2b(row[0].encode(), digest_size=12).hexdigest()
