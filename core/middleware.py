"""Middleware every app needs."""

from django.http import HttpResponse

from .http import KNOWN_METHODS

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
