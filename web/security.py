"""Sign-in safety for the portal, the console and the admin: where a `?next=` may lead, and the
admin's sign-in under the wrong-password policy of core.lockout."""

import functools

from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core.lockout import remember_device, signin_begin, signin_failed, signin_succeeded


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


def too_many_message(wait: int) -> str:
    return _("Too many wrong passwords in a row. Wait %(seconds)d seconds and try again.") % {
        "seconds": wait
    }


def throttled_login(login_view):
    """Django admin's sign-in under the same policy as every other sign-in (core.lockout):
    staff accounts are the most valuable to guess."""

    @functools.wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        username = request.POST.get("username", "").strip().lower()
        wait = signin_begin(request, username)
        if wait:
            response = HttpResponse(
                f"<!doctype html><title>429</title><p>{escape(too_many_message(wait))}</p>",
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        response = login_view(request, *args, **kwargs)
        # Signed in by this very request: the login view answers a valid form (and only that)
        # with its redirect. Whoever was signed in before (a citizen, say) does not make a
        # wrong password a success.
        if response.status_code in (301, 302) and request.session.get(SESSION_KEY) is not None:
            signin_succeeded(request, username)
            remember_device(request, response, username)
        else:
            signin_failed(request, username)
        return response

    return view
