"""A health check of the request's database connection that costs no round trip.

Django's CONN_HEALTH_CHECKS sends `SELECT 1` before a request's first query on a kept
connection: one more round trip a request, a third of the statements of a status check. A
connection PostgreSQL has closed (a restart, a failover, `pg_terminate_backend`, an idle
timeout) says so on its socket: the server's goodbye, then end of file, make it readable while
the client has asked nothing. So at the start of a request each kept PostgreSQL connection's
socket is polled, without waiting: readable, or in error, means closed here and opened afresh
by the first query; otherwise the `SELECT 1` is skipped for this request
(DatabaseHealthMiddleware).

A path that dies silently (no goodbye: a cable, a firewall dropping state) is not seen here; the
request that meets it answers 503 with Retry-After and the connection is replaced after it, as
for a connection dropped mid-query. Workers and commands keep Django's own check.
"""

import select

from django.db import connections


def _closed_by_server(raw) -> bool:
    if raw.closed or getattr(raw, "broken", False):
        return True
    try:
        poller = select.poll()
        poller.register(raw.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    except (OSError, ValueError):  # no descriptor any more
        return True


def check_connections() -> None:
    """Close each kept PostgreSQL connection of this thread that the server has closed, and
    spare the others Django's `SELECT 1` for the rest of this request."""
    for conn in connections.all(initialized_only=True):
        if conn.vendor != "postgresql" or conn.connection is None or conn.in_atomic_block:
            continue
        if _closed_by_server(conn.connection):
            conn.close()
        conn.health_check_done = True


class DatabaseHealthMiddleware:
    """check_connections() before each request's view. A middleware, not a request_started
    receiver: it must run after Django's close_old_connections, whatever order receivers
    were connected in (the test client reconnects that one for every request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check_connections()
        return self.get_response(request)
