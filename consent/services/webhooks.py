"""Webhook endpoints and delivery of the outbox.

Delivery is at least once: a delivery is claimed with a lease (a conditional UPDATE moving
`next_attempt_at` forward), POSTed, then settled. A worker that dies between POST and settle
leaves the lease to run out and the delivery is sent again with the same event id, which
receivers use to drop duplicates.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import NotFound, ServiceError
from core.outbox import due_ids, next_attempt_at
from registry.models import Institution
from registry.sources import fetch, url_refused

from ..keys import sign_detached
from ..models import WebhookDelivery, WebhookEndpoint
from .events import webhook_event_types

MAX_ENDPOINTS = 10
SIGNATURE_TYP = "suchi-webhook+jws"
USER_AGENT = "Suchi-webhooks/1"


def webhook_endpoint_create(
    *, institution: Institution, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """Register a URL for the institution's consent events (empty `events` = all)."""
    url_refused(url, what="webhook URL")
    known = webhook_event_types()
    unknown = sorted(set(events) - set(known))
    if unknown:
        raise ServiceError(
            f"Unknown event type(s) {', '.join(unknown)}; use {', '.join(known)}.",
            field="events",
        )
    with transaction.atomic():
        existing = WebhookEndpoint.objects.select_for_update().filter(
            institution=institution, is_active=True
        )
        if len(existing) >= MAX_ENDPOINTS:
            raise ServiceError(
                f"At most {MAX_ENDPOINTS} webhook endpoints per institution.", field="url"
            )
        return WebhookEndpoint.objects.create(
            institution=institution,
            url=url,
            events=sorted(set(events)),
            description=description.strip(),
        )


def webhook_endpoint_disable(*, institution: Institution, endpoint_id) -> WebhookEndpoint:
    """Stop delivering to an endpoint. Its delivery log stays readable."""
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, institution=institution).first()
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    endpoint.is_active = False
    return endpoint


def _claim(delivery_id, now: datetime) -> WebhookDelivery | None:
    lease = now + timedelta(seconds=settings.SUCHI_WEBHOOK_TIMEOUT * 2 + 5)
    with transaction.atomic():
        claimed = WebhookDelivery.objects.filter(
            pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=lease)
    if claimed != 1:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def webhook_deliver(*, delivery_id, now: datetime | None = None) -> str:
    """Try one delivery if it is due. Returns what happened: delivered, retry, failed or
    skipped (not due, already settled, or claimed by another worker)."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "skipped"
    body = delivery.body.encode()
    result = None
    if delivery.endpoint.is_active:
        result = fetch(
            delivery.endpoint.url,
            method="POST",
            body=body,
            max_bytes=4096,
            max_redirects=0,
            total_timeout=settings.SUCHI_WEBHOOK_TIMEOUT,
            extra_headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Suchi-Event": delivery.event_type,
                "X-Suchi-Event-Id": str(delivery.event_id),
                "X-Suchi-Delivery": str(delivery.id),
                "X-Suchi-Signature": sign_detached(body, typ=SIGNATURE_TYP),
            },
        )
    finished = timezone.now()
    fields = {"attempts": delivery.attempts + 1, "last_attempt_at": finished}
    if result is not None and result.status is not None and 200 <= result.status < 300:
        fields.update(
            status=WebhookDelivery.Status.DELIVERED,
            delivered_at=finished,
            last_status_code=result.status,
            last_error="",
        )
        outcome = "delivered"
    else:
        if result is None:
            error = "endpoint disabled"
        elif result.unsafe:
            error = f"unsafe URL: {result.unsafe}"
        elif result.error:
            error = result.error
        else:
            error = f"HTTP {result.status}"
        fields.update(last_status_code=result.status if result else None, last_error=error[:300])
        again = next_attempt_at(
            attempts=fields["attempts"], created_at=delivery.created_at, finished=finished
        )
        if result is None or again is None:
            fields["status"] = WebhookDelivery.Status.FAILED
            outcome = "failed"
        else:
            fields["next_attempt_at"] = again
            outcome = "retry"
    WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.PENDING).update(
        **fields
    )
    return outcome


def webhook_deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[str]:
    """Ids of deliveries waiting for an attempt (for the periodic sweep)."""
    return due_ids(WebhookDelivery, now=now or timezone.now(), limit=limit)
