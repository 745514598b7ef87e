"""One error shape for the whole API: `{"detail": str, "errors": {field: [messages]}}`.

`detail` is a sentence a person can read and names the first offending field; `errors` maps
each offending field (a dotted path such as `distributions[0].access_url`) to its messages.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import ServiceError, TooManyAttempts
from ..middleware import database_unavailable, unavailable_response
from ..replicas import retry_on_primary

logger = logging.getLogger("suchi.api")


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"a.b[0].c": [messages]}: every field named by its path."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == "non_field_errors":
                path = prefix
            elif isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif prefix:
                path = f"{prefix}.{key}"
            else:
                path = str(key)
            for k, v in flatten_errors(value, path).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out.setdefault(prefix, []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                for k, v in flatten_errors(item, f"{prefix}[{index}]").items():
                    out.setdefault(k, []).extend(v)
    else:
        out.setdefault(prefix, []).append(str(detail))
    return {k: v for k, v in out.items() if v}


def validation_response(errors: dict[str, list[str]], status_code: int = 400) -> Response:
    first_field, first_messages = next(iter(errors.items()))
    where = f"{first_field}: " if first_field else ""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return Response(
        {"detail": f"{where}{first_messages[0]}{more}", "errors": errors}, status=status_code
    )


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": "Request body is larger than the limit."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ServiceError):
        if not exc.field:
            response = Response({"detail": exc.message}, status=exc.status_code)
        else:
            response = validation_response({exc.field: [exc.message]}, status_code=exc.status_code)
        if isinstance(exc, TooManyAttempts):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        if errors:
            return validation_response(errors)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if database_unavailable(exc):
        request = getattr(context["request"], "_request", context["request"])
        # A read whose replica went away is answered again from the primary.
        return retry_on_primary(request, exc) or unavailable_response(request, exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        # Not an API error: a bug. Log it with its traceback; answer in the API's own shape.
        request = context.get("request")
        logger.error("unhandled error in API view", exc_info=exc)
        request_id = getattr(getattr(request, "_request", request), "request_id", "")
        return Response(
            {"detail": f"Internal error. Quote request id {request_id} when reporting it."},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response
