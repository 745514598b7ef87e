"""Recording an exchange step: the event in the provider's chain, and the webhooks of both
parties through the consent outbox, in the caller's transaction."""

from datetime import datetime

from consent.services import outbox_write
from registry.models import Institution

from ..ledger import ledger_append
from ..models import AccessRequest, DataUseAgreement, ExchangeEvent


def instant_z(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def request_summary(request: AccessRequest) -> dict:
    return {
        "id": str(request.pk),
        "status": request.status,
        "consumer": request.consumer.slug,
        "provider": request.provider.slug,
        "purpose": request.purpose,
        "updated_at": instant_z(request.updated_at),
    }


def agreement_summary(agreement: DataUseAgreement) -> dict:
    return {
        "id": str(agreement.pk),
        "request": str(agreement.request_id),
        "status": agreement.status,
        "consumer": agreement.consumer.slug,
        "provider": agreement.provider.slug,
        "valid_until": instant_z(agreement.valid_until),
        "updated_at": instant_z(agreement.updated_at),
    }


def record(
    *, provider: Institution, kind: str, actor: str, at: datetime,
    request: AccessRequest | None = None, agreement: DataUseAgreement | None = None, **data,
) -> ExchangeEvent:  # fmt: skip
    """Append the step to the provider's chain (the caller holds the provider's lock) and send
    it to both parties' webhooks."""
    event = ledger_append(
        provider=provider,
        kind=kind,
        actor=actor,
        at=at,
        request=request,
        agreement=agreement,
        data=data,
    )
    if agreement is not None:
        payload = {"agreement": agreement_summary(agreement)}
        recipients = [agreement.consumer, agreement.provider]
    else:
        payload = {"access_request": request_summary(request)}
        recipients = [request.consumer, request.provider]
    outbox_write(event_id=event.event_id, kind=kind, at=at, recipients=recipients, payload=payload)
    return event
