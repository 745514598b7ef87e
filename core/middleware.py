"""The site's middleware, in one place: request id + one JSON log line per request, the request
body size limit, a clean 503 when the database is unavailable, 405 for unknown methods, CORS on
the open catalogue's reads, and on pages the reader's language, time zone and a strict CSP."""

import logging
import re
import sqlite3
import sys
import time
import uuid
import zoneinfo

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views import defaults

from .http import KNOWN_METHODS
from .logging import request_id_var

logger = logging.getLogger("suchi.request")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestIdMiddleware:
    """Takes a sane X-Request-ID from the client or makes one; echoes it; logs the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _CLIENT_ID.match(supplied) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            # The path only: query strings may carry things that do not belong in logs.
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def body_limit(limit):
    """Mark a view (function or class) as taking bodies up to `limit` bytes (an int, or a
    callable giving one) instead of SUCHI_MAX_BODY_BYTES: a file upload, a document to check."""

    def mark(view):
        view.max_body_bytes = limit
        return view

    return mark


def _limit_of(view_func) -> int:
    limit = getattr(view_func, "max_body_bytes", None)
    if limit is None:  # a class-based view: as_view() keeps the class
        limit = getattr(getattr(view_func, "view_class", None), "max_body_bytes", None)
    if limit is None:
        return settings.SUCHI_MAX_BODY_BYTES
    return limit() if callable(limit) else limit


class BodySizeLimitMiddleware:
    """Refuses a declared body over the view's limit (SUCHI_MAX_BODY_BYTES unless the view says
    otherwise, `body_limit`) with 413 before anything reads it: the check runs when the view is
    known and before any later middleware's process_view (CSRF reads a form's body)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            request.declared_body_size = int(declared)
        except ValueError:
            return JsonResponse({"detail": "Content-Length header is not a number."}, status=400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        size, limit = getattr(request, "declared_body_size", 0), _limit_of(view_func)
        if size > limit:
            return JsonResponse(
                {"detail": f"Request body is {size} bytes; the limit is {limit} bytes."},
                status=413,
            )
        return None


# --- the database is unavailable: a clean 503, not a 500 ----------------------------------------

_UNAVAILABLE = "The database is unavailable just now. Try again in a few seconds."
RETRY_AFTER_SECONDS = 5


# OperationalError also covers a statement's own mistakes: on SQLite "no such column" or "fts5:
# syntax error" (SQLITE_ERROR), on PostgreSQL "program limit exceeded" (SQLSTATE class 54: a
# tsvector or an index row too big, a statement too deep). Those are bugs, answered 500 with
# their traceback logged; repeating the request would fail the same way.
_SQLITE_OUTAGE_CODES = {
    sqlite3.SQLITE_BUSY,
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_READONLY,  # a read-only remount, the file swapped during a restore
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PROTOCOL,
}
_POSTGRES_BUG_CLASSES = ("54",)


def database_unavailable(exc: BaseException | None) -> bool:
    """The connection failed, was dropped, or the database is refusing work for now (down,
    restarting, a failover, locked, out of disk): the request may succeed if repeated."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        return (getattr(cause, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_OUTAGE_CODES
    sqlstate = getattr(cause, "sqlstate", None) or ""
    return not sqlstate.startswith(_POSTGRES_BUG_CLASSES)


def unavailable_response(request, exc: BaseException) -> HttpResponse:
    """503 with Retry-After, in the caller's language: the API's error shape, CKAN's for the
    Action API, a page for browsers. Nothing here touches the database."""
    logger.warning(
        "database unavailable",
        extra={"path": request.path, "error": f"{type(exc).__name__}: {exc}".strip()[:300]},
    )
    if request.path.startswith(("/api/3/", "/api/action/")):
        response = JsonResponse(
            {
                "help": request.build_absolute_uri(),
                "success": False,
                "error": {"__type": "Service Unavailable", "message": _UNAVAILABLE},
            },
            status=503,
        )
    elif request.path.startswith(("/api/", "/.well-known/")):
        response = JsonResponse({"detail": _UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", request=request), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that fails because the database connection failed or dropped answers 503 (the
    connection is then discarded by Django's request_finished handler, so the next request
    connects afresh). Errors raised outside views reach `server_error`, Django's handler500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if database_unavailable(exc):
            return unavailable_response(request, exc)
        return None


def server_error(request):
    """handler500: the 503 above when the cause is the database, else Django's 500 page."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return unavailable_response(request, exc)
    return defaults.server_error(request)


_ALLOW = ", ".join(sorted(KNOWN_METHODS))


class UnknownMethodMiddleware:
    """405 for a method Suchi answers nowhere (TRACE, FOO, …): before authentication, so an
    API route says "not allowed" rather than "sign in" (a probe found 401s)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in KNOWN_METHODS:
            response = HttpResponse(
                f"Method {request.method[:20]!r} is not allowed.\n",
                status=405,
                content_type="text/plain; charset=utf-8",
            )
            response["Allow"] = _ALLOW
            return response
        return self.get_response(request)


# The open catalogue's public paths: CORS for anonymous reads.
_PUBLIC_PREFIXES = ("/api/v1/", "/api/3/action/", "/api/action/", "/catalog.", "/datasets/")


class CorsForReadsMiddleware:
    """Any origin may read the open catalogue from a browser. Writes need a token and are not
    offered cross-origin (no credentials, no Authorization header in preflight)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = request.path.startswith(_PUBLIC_PREFIXES)
        if (
            public
            and request.method == "OPTIONS"
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
        ):
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Accept, If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
        if public and request.method in {"GET", "HEAD", "OPTIONS"}:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = (
                "ETag, Last-Modified, Retry-After, X-Request-ID"
            )
        return response


# --- Pages: the reader's language and time zone, and a strict CSP ---------------------------
# Machine-facing paths: they answer in English and UTC whatever the client's language.
_MACHINE_PREFIXES = ("/api/", "/.well-known/", "/catalog.", "/healthz", "/readyz", "/admin/")
_ZONED_PREFIXES = ("/portal/", "/console/")
# No script, no inline style, nothing from elsewhere: the pages need none of it.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# The Django admin brings scripts and styles of its own, all as files from this site (no inline
# script since Django 4.x); the SVG icons are data: URLs in its stylesheets.
ADMIN_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'self'"
)
# Swagger UI (the API docs) starts itself with an inline script; it keeps its own rules.
_CSP_EXEMPT_PREFIXES = ("/api/docs/",)


class PageLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (language cookie, then Accept-Language) for pages only."""

    def process_request(self, request):
        if request.path.startswith(_MACHINE_PREFIXES):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            # The zone is per thread: a portal page served before on this thread must not
            # leave the API answering in +05:30.
            timezone.deactivate()
            return
        super().process_request(request)
        if request.path.startswith(_ZONED_PREFIXES):
            timezone.activate(zoneinfo.ZoneInfo(settings.SUCHI_PAGE_TIME_ZONE))
        else:
            timezone.deactivate()

    def process_response(self, request, response):
        timezone.deactivate()  # the page is rendered; leave the thread in UTC
        if request.path.startswith(_MACHINE_PREFIXES):
            return response
        # The language cookie chooses the language before Accept-Language does, so a shared
        # cache must not hand one reader's Hindi page to another who asked for English.
        patch_vary_headers(response, ("Cookie",))
        return super().process_response(request, response)


class PageSecurityMiddleware:
    """A strict CSP on HTML pages; the portal's and console's pages are never stored by a
    browser or proxy cache (they show one person's consents or an institution's tokens)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and not request.path.startswith(
            _CSP_EXEMPT_PREFIXES
        ):
            policy = ADMIN_CSP if request.path.startswith("/admin/") else CSP
            response.setdefault("Content-Security-Policy", policy)
        if request.path.startswith(_ZONED_PREFIXES):
            add_never_cache_headers(response)
        return response
