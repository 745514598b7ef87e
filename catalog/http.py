"""HTTP manners for the open catalogue: CORS for anonymous reads, and a per-IP rate limit."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

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
            from django.http import HttpResponse

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


class AnonymousRateThrottle(AnonRateThrottle):
    """Anonymous requests per client IP, counted in the cache (Redis in production, so the
    count is shared by every web process). SUCHI_ANON_RATE like `600/minute`; empty disables."""

    def get_rate(self):
        return settings.SUCHI_ANON_RATE or None

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
