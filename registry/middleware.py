"""Request id + one JSON log line per request, and the request body size limit."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import JsonResponse

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


class BodySizeLimitMiddleware:
    """Refuses a declared body over SUCHI_MAX_BODY_BYTES with 413 before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            size = int(declared)
        except ValueError:
            return JsonResponse({"detail": "Content-Length header is not a number."}, status=400)
        if size > settings.SUCHI_MAX_BODY_BYTES:
            return JsonResponse(
                {
                    "detail": f"Request body is {size} bytes; the limit is "
                    f"{settings.SUCHI_MAX_BODY_BYTES} bytes."
                },
                status=413,
            )
        return self.get_response(request)
