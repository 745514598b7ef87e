"""Sign-in safety for the portal, the console and the admin: where a `?next=` may lead, and a
limit on wrong passwords in a row (counted in the cache, so shared by every web process in
production)."""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def safe_next(request, default: str) -> str:
    """`next` from the form or query if it is a path on this site, else `default`.

    Only local paths are accepted: `https://evil.example/`, `//evil.example` and
    `/\\evil.example` are refused, whatever host they name."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=set(), require_https=False)
    ):
        return candidate
    return default


def client_ip(request) -> str:
    """The client address; behind SUCHI_NUM_PROXIES trusted proxies, taken from
    X-Forwarded-For as they appended it."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def _keys(request, username: str) -> list[str]:
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"suchi:login-failures:ip:{client_ip(request)}", f"suchi:login-failures:acct:{account}"]


def login_throttled(request, username: str) -> bool:
    """True if this address or this account has had too many wrong passwords in a row."""
    counts = cache.get_many(_keys(request, username))
    return any(count >= settings.SUCHI_LOGIN_MAX_FAILURES for count in counts.values())


def login_failed(request, username: str) -> None:
    window = settings.SUCHI_LOGIN_FAILURE_WINDOW
    for key in _keys(request, username):
        if not cache.add(key, 1, window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, window)


def login_succeeded(request, username: str) -> None:
    """A right password ends the run of failures for the address and the account."""
    cache.delete_many(_keys(request, username))


def throttled_login(login_view):
    """Django admin's sign-in under the same limit as the portal's and the console's: staff
    accounts are the most valuable to guess."""

    @functools.wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        username = request.POST.get("username", "").strip().lower()
        if login_throttled(request, username):
            message = _(
                "Too many wrong passwords in a row. Wait %(minutes)d minutes and try again."
            ) % {"minutes": settings.SUCHI_LOGIN_FAILURE_WINDOW // 60}
            return HttpResponse(
                f"<!doctype html><title>429</title><p>{escape(message)}</p>", status=429
            )
        response = login_view(request, *args, **kwargs)
        if request.user.is_authenticated:
            login_succeeded(request, username)
        else:
            login_failed(request, username)
        return response

    return view
