"""Exchange services: the only code that writes access requests, agreements and receipts."""

from .agreements import (
    ReleaseInput,
    access_request_approve,
    agreement_for_party,
    agreement_status,
    agreement_transition,
    agreements_expire,
    release_record,
)
from .requests import (
    RequestInput,
    access_request_create,
    access_request_for_party,
    access_request_message,
    access_request_reject,
    access_request_withdraw,
    max_duration_days,
)

__all__ = [
    "ReleaseInput",
    "RequestInput",
    "access_request_approve",
    "access_request_create",
    "access_request_for_party",
    "access_request_message",
    "access_request_reject",
    "access_request_withdraw",
    "agreement_for_party",
    "agreement_status",
    "agreement_transition",
    "agreements_expire",
    "max_duration_days",
    "release_record",
]
