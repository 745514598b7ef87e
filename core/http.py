"""HTTP helpers every app needs."""

import csv
import email.utils
import io
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponse


def client_ip(request) -> str:
    """The client address; behind SUCHI_NUM_PROXIES trusted proxies, taken from
    X-Forwarded-For as they appended it (never an address the client wrote itself)."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        # Fewer hops than trusted proxies: the header did not come through them all, so
        # every hop in it may be the client's own words.
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


# The HTTP methods Suchi answers anywhere. Anything else (TRACE, CONNECT, invented names) is
# refused before any view, authentication or metric label sees it.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    """A CSV download: the header row, then each row's cells made safe (csv_cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(csv_cell(value) for value in row)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Answers of a host (or its gateway) too busy now: worth asking again, after its Retry-After.
BUSY_STATUSES = frozenset({429, 502, 503, 504})


def retry_after(value: str | None) -> float | None:
    """Retry-After's seconds, from either of its forms (a number, an HTTP date)."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
