"""Catalogue reads on PostgreSQL streaming replicas; everything else on the primary.

Which requests read from a replica (ReplicaMiddleware): an anonymous request (no
`Authorization`, no session cookie) to a view marked with @replica_reads (search, dataset
detail, DCAT, CKAN's Action API, sitemaps, Croissant), with a method the view marks as a read.
Everything else reads from the primary, and so do:
- every write, and every read inside a transaction (ReplicaRouter);
- the writer's next requests: an unsafe request (POST, PUT, PATCH, DELETE to any other view)
  gets a short-lived cookie (PIN_COOKIE) that keeps its reads on the primary for as long as a
  replica may lag;
- consent and agreement status checks and every token or session check, which are never
  anonymous catalogue reads;
- Celery tasks and commands (no request).

A replica is in rotation while it answers, is streaming from the primary and is within
SUCHI_REPLICA_MAX_LAG seconds of the primary (see _LAG_SQL); each process checks each replica at
most once every SUCHI_REPLICA_CHECK_INTERVAL seconds, in the request that needs it, and
replica_status() says why one is out (/readyz). A read that fails on a replica because the
replica went away is answered again from the primary (the view is run again: these are reads),
and the replica leaves the rotation until it passes a check. One request reads from one
database throughout, so its answer is consistent with itself.
"""

import contextlib
import contextvars
import random
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections

from .middleware import database_unavailable

REPLICA_PREFIX = "replica_"
PIN_COOKIE = "suchi_primary"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The primary's position now: a replica that has replayed past it is not behind.
_PRIMARY_SQL = "SELECT pg_current_wal_lsn()::text"
# In recovery; the WAL receiver's state (NULL without pg_read_all_stats, no row when none
# runs); 0 when replay has reached the primary's position read just before (or, if that could
# not be read, what the replica has received), else the seconds since the primary committed
# the last transaction the replica replayed (NULL when nothing has been replayed yet). A
# receiver that stalls silently is so seen to fall behind the primary, not only its own
# receive position.
_LAG_SQL = (
    "SELECT pg_is_in_recovery(), "
    "EXISTS (SELECT 1 FROM pg_stat_wal_receiver), "
    "(SELECT status FROM pg_stat_wal_receiver), "
    "CASE WHEN pg_last_wal_replay_lsn() >= coalesce(%s::pg_lsn, pg_last_wal_receive_lsn()) "
    "THEN 0 ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END"
)
# A replica cancels a read that conflicts with what it replays (SQLSTATE 40001); the primary
# answers it instead, and the replica stays in rotation.
_RECOVERY_CONFLICT = ("40001", "40P01")


def _primary_position() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(_PRIMARY_SQL)
            return cursor.fetchone()[0]
    except Error:
        return None  # then the replica is judged against what it has received


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def replica_reads(view=None, *, methods=("GET", "HEAD")):
    """Mark a view (function or class) as a catalogue read that may be answered from a replica
    for the given methods (CKAN's Action API reads on POST too)."""

    def mark(target):
        target.replica_read_methods = frozenset(methods)
        return target

    return mark(view) if view is not None else mark


# --- the health of each replica, per process --------------------------------------------------


@dataclass
class Health:
    in_rotation: bool
    reason: str
    lag: float | None
    checked_at: float


_health: dict[str, Health] = {}
_health_lock = threading.Lock()


def _measure(alias: str) -> Health:
    now = time.monotonic()
    primary = _primary_position()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(_LAG_SQL, [primary])
            in_recovery, receiving, status, lag = cursor.fetchone()
    except Error as exc:
        connections[alias].close()
        return Health(False, f"unreachable: {type(exc).__name__}: {exc}".strip()[:300], None, now)
    lag = float(lag) if lag is not None else None
    bound = settings.SUCHI_REPLICA_MAX_LAG
    if not in_recovery:
        return Health(False, "not a replica: the server is not in recovery", lag, now)
    if not receiving or (status is not None and status != "streaming"):
        state = status or "no WAL receiver"
        return Health(False, f"not streaming from the primary ({state})", lag, now)
    if lag is None:
        return Health(False, "lag unknown: nothing replayed yet", None, now)
    if lag > bound:
        return Health(False, f"lagging: {lag:.1f} s behind, the bound is {bound:g} s", lag, now)
    return Health(True, "ok", lag, now)


def health(alias: str, *, fresh: bool = False) -> Health:
    """The replica's health, measured again when older than the check interval. One thread of
    the process measures; the others use the last measurement meanwhile."""
    with _health_lock:
        known = _health.get(alias)
        due = (
            fresh
            or known is None
            or time.monotonic() - known.checked_at >= settings.SUCHI_REPLICA_CHECK_INTERVAL
        )
        if due and known is not None and not fresh:
            # Claim this check: the others go on with what is known.
            _health[alias] = Health(known.in_rotation, known.reason, known.lag, time.monotonic())
    if not due:
        return known
    measured = _measure(alias)
    with _health_lock:
        _health[alias] = measured
    return measured


def take_out(alias: str, reason: str) -> None:
    """Out of rotation until its next check (a query on it failed)."""
    with _health_lock:
        _health[alias] = Health(False, reason[:300], None, time.monotonic())


def replica_status() -> dict[str, dict]:
    """Each replica as last measured (again if older than the check interval): in rotation or
    not, why, and its lag in seconds. Never slower than one check a replica."""
    report = {}
    for alias in replica_aliases():
        measured = health(alias)
        report[alias] = {
            "in_rotation": measured.in_rotation,
            "reason": measured.reason,
            "lag_seconds": None if measured.lag is None else round(measured.lag, 3),
        }
    return report


def _choose() -> str:
    aliases = replica_aliases()
    random.shuffle(aliases)
    for alias in aliases:
        if health(alias).in_rotation:
            return alias
    return DEFAULT_DB_ALIAS


# --- per request ------------------------------------------------------------------------------


@dataclass
class _Routing:
    alias: str | None = None  # the database this request reads from, once chosen


_routing: contextvars.ContextVar[_Routing | None] = contextvars.ContextVar(
    "suchi_replica_routing", default=None
)


def reading_from() -> str | None:
    """The replica the current request reads from, if any."""
    routing = _routing.get()
    if routing is None or routing.alias in (None, DEFAULT_DB_ALIAS):
        return None
    return routing.alias


class ReplicaRouter:
    """Installed when replicas are configured (config/settings.py)."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if routing is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if routing.alias is None:
            routing.alias = _choose()
        return routing.alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data everywhere

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _read_methods(view_func) -> frozenset:
    for target in (view_func, getattr(view_func, "view_class", None)):
        methods = getattr(target, "replica_read_methods", None)
        if methods is not None:
            return methods
    return frozenset()


class ReplicaMiddleware:
    """Routes a request's reads (see the module's docstring); a no-op without replicas."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = bool(replica_aliases())

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        request._replica_token = None
        try:
            response = self.get_response(request)
            routing = _routing.get()
        finally:
            if request._replica_token is not None:
                _routing.reset(request._replica_token)
        if response.streaming and request._replica_token is not None:
            # A streamed body (data.json, sitemaps) is read after this returns: it reads
            # from the same database as the rest of the request.
            response.streaming_content = _routed(response.streaming_content, routing)
        if request.method not in READ_METHODS and not getattr(request, "_replica_read", False):
            # The writer's next requests read from the primary until any replica has its write.
            pin = settings.SUCHI_REPLICA_MAX_LAG + settings.SUCHI_REPLICA_CHECK_INTERVAL + 1
            response.set_cookie(PIN_COOKIE, "1", max_age=int(pin) + 1, samesite="Lax")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self.enabled:
            return None
        anonymous = (
            "HTTP_AUTHORIZATION" not in request.META
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and PIN_COOKIE not in request.COOKIES
        )
        if anonymous and request.method in _read_methods(view_func):
            request._replica_read = True
            request._replica_view = (view_func, view_args, view_kwargs)
            request._replica_token = _routing.set(_Routing())
        return None

    def process_exception(self, request, exc):
        return retry_on_primary(request, exc)


def _routed(content, routing):
    token = _routing.set(routing)
    try:
        yield from content
    finally:
        with contextlib.suppress(ValueError):  # closed from another context: nothing to undo
            _routing.reset(token)


def retry_on_primary(request, exc) -> object | None:
    """The view's answer again, read from the primary, when `exc` is the replica the request
    read from going away (a GET or HEAD: a read on POST is not repeated, its body may have
    been consumed); the replica leaves the rotation until its next check. Else None. Called by
    ReplicaMiddleware for views, and by the API's exception handler (core/api/errors.py),
    which answers database errors itself."""
    alias = reading_from()
    if alias is None or request.method not in ("GET", "HEAD") or not database_unavailable(exc):
        return None  # a read on POST is not repeated: its body may have been consumed
    raw = connections[alias].connection
    conflict = getattr(exc.__cause__, "sqlstate", None) in _RECOVERY_CONFLICT
    if not conflict:
        if raw is not None and not raw.closed and not raw.broken:
            return None  # the replica's connection is fine: the failure came from elsewhere
        take_out(alias, f"a query failed: {type(exc).__name__}: {exc}")
        connections[alias].close()
    _routing.get().alias = DEFAULT_DB_ALIAS
    view_func, view_args, view_kwargs = request._replica_view
    return view_func(request, *view_args, **view_kwargs)
