"""Page-wide manners: the reader's language and time zone on pages (not on the APIs), and a
strict Content-Security-Policy on every HTML page."""

import zoneinfo

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

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
