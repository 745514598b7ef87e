"""Recording a consent change: the ledger event and the webhook outbox rows, in the caller's
transaction, and the delivery jobs queued once it commits."""

import json
from datetime import UTC, datetime

from core.jobs import enqueue_many_on_commit
from registry.models import Institution

from ..ledger import ledger_append
from ..models import (
    CitizenProfile,
    ConsentArtefact,
    ConsentEvent,
    ConsentRequest,
    WebhookDelivery,
    WebhookEndpoint,
)

# Ledger kinds that are also delivered as webhooks. Request events go to the consumer only (a
# provider has no business knowing that a citizen denied someone else); artefact events go to
# the consumer and the artefact's provider.
WEBHOOK_EVENTS = {
    ConsentEvent.Kind.REQUEST_GRANTED,
    ConsentEvent.Kind.REQUEST_DENIED,
    ConsentEvent.Kind.REQUEST_EXPIRED,
    ConsentEvent.Kind.REQUEST_CANCELLED,
    ConsentEvent.Kind.ARTEFACT_ISSUED,
    ConsentEvent.Kind.ARTEFACT_PAUSED,
    ConsentEvent.Kind.ARTEFACT_RESUMED,
    ConsentEvent.Kind.ARTEFACT_REVOKED,
    ConsentEvent.Kind.ARTEFACT_EXPIRED,
    ConsentEvent.Kind.ERASURE_CONFIRMED,
}


def instant_z(value: datetime) -> str:
    """An instant as UTC ISO 8601 with a `Z` (what artefacts and webhooks carry)."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def citizen_lock_optional(citizen_id: int | None) -> CitizenProfile | None:
    """citizen_lock, or None for a request addressed to no one."""
    return citizen_lock(citizen_id) if citizen_id is not None else None


def citizen_lock(citizen_id: int) -> CitizenProfile:
    """Lock the citizen's row for the rest of the transaction. Every consent change takes this
    lock first: it serialises the citizen's changes and orders their ledger."""
    return CitizenProfile.objects.select_for_update().get(pk=citizen_id)


def request_summary(request: ConsentRequest) -> dict:
    return {
        "id": str(request.id),
        "status": request.status,
        "consumer": request.consumer.slug,
        "citizen": request.citizen_handle,
        "updated_at": instant_z(request.updated_at),
    }


def artefact_summary(artefact: ConsentArtefact) -> dict:
    return {
        "id": str(artefact.id),
        "request": str(artefact.request_id),
        "status": artefact.status,
        "consumer": artefact.consumer.slug,
        "provider": artefact.provider.slug,
        "valid_until": instant_z(artefact.valid_until),
        "updated_at": instant_z(artefact.updated_at),
    }


def event_record(
    *,
    citizen: CitizenProfile | None,
    kind: str,
    actor: str,
    at: datetime,
    request: ConsentRequest | None = None,
    artefact: ConsentArtefact | None = None,
    data: dict | None = None,
) -> ConsentEvent:
    """Append a ledger event and, for status changes, write the webhook outbox rows.

    Call inside the transaction that locked `citizen`. `citizen` is None only for a request to
    a handle no one holds: there is no ledger to extend, but the consumer's webhooks go out
    exactly as for any other request.
    """
    if citizen is None:
        event = ConsentEvent(
            kind=kind, actor=actor, request=request, data=data or {}, created_at=at
        )
    else:
        event = ledger_append(
            citizen=citizen,
            kind=kind,
            actor=actor,
            request=request,
            artefact=artefact,
            data=data,
            at=at,
        )
    if kind in WEBHOOK_EVENTS:
        if artefact is not None:
            recipients = [artefact.consumer, artefact.provider]
            payload = {"consent_artefact": artefact_summary(artefact)}
        else:
            recipients = [request.consumer]
            payload = {"consent_request": request_summary(request)}
        _outbox_write(event, recipients, payload)
    return event


def request_event(request: ConsentRequest, kind: str, *, actor: str, at: datetime, **data):
    """A ledger event about a consent request; the ledger is the request's citizen's."""
    return event_record(
        citizen=request.citizen, kind=kind, actor=actor, at=at, request=request, data=data
    )


def artefact_event(artefact: ConsentArtefact, kind: str, *, actor: str, at: datetime, **data):
    """A ledger event about a consent artefact; the ledger is the artefact's citizen's."""
    return event_record(
        citizen=artefact.citizen,
        kind=kind,
        actor=actor,
        at=at,
        request=artefact.request,
        artefact=artefact,
        data=data,
    )


def _outbox_write(event: ConsentEvent, recipients: list[Institution], payload: dict) -> None:
    outbox_write(
        event_id=event.event_id,
        kind=event.kind,
        at=event.created_at,
        recipients=recipients,
        payload=payload,
    )


# Event types other modules send through this outbox (the data exchange's), registered by
# their app at start-up so that endpoints may subscribe to them.
OTHER_WEBHOOK_EVENTS: set[str] = set()


def webhook_event_types_register(kinds) -> None:
    OTHER_WEBHOOK_EVENTS.update(str(kind) for kind in kinds)


def webhook_event_types() -> list[str]:
    """Every event type an endpoint may subscribe to."""
    return sorted({str(kind) for kind in WEBHOOK_EVENTS} | OTHER_WEBHOOK_EVENTS)


def outbox_write(
    *, event_id, kind: str, at: datetime, recipients: list[Institution], payload: dict
) -> None:
    """Write one event's webhook deliveries, one per active endpoint of the recipients that
    takes its kind, in the caller's transaction; their jobs are queued once it commits."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            institution__in={i.pk for i in recipients}, is_active=True
        )
        if not endpoint.events or kind in endpoint.events
    ]
    if not endpoints:
        return
    body = json.dumps(
        {"id": str(event_id), "type": kind, "created_at": instant_z(at), "data": payload},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_id=event_id,
            event_type=kind,
            body=body,
            next_attempt_at=at,
            created_at=at,
        )
        for endpoint in endpoints
    )
    enqueue_many_on_commit("consent.tasks.deliver_webhook", [(str(d.id),) for d in deliveries])
