"""What the consent API's views share: error shapes and auth for the OpenAPI document, and
the query-parameter helpers."""

import uuid

from rest_framework.exceptions import ValidationError

from core.api.serializers import ErrorOutput

ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}
ERRORS_WRITE = {**ERRORS, 409: ErrorOutput, 415: ErrorOutput}
TOKEN_AUTH = [{"institutionToken": []}]
CITIZEN_AUTH = [{"citizenToken": []}, {"cookieAuth": []}]


def status_filter(request, choices) -> str | None:
    value = request.query_params.get("status")
    if value and value not in choices:
        raise ValidationError({"status": [f"Unknown status; use one of {', '.join(choices)}."]})
    return value or None


def citizen_actor(request) -> str:
    return f"citizen {request.user.citizen.handle}"


def uuid_param(value: str, field: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({field: ["Must be a UUID."]}) from None
