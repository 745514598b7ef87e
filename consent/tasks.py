"""Background jobs of the consent manager: webhook delivery and expiry. Thin and idempotent."""

import logging

from celery import shared_task

from core.jobs import enqueue_many

from .services import (
    consents_expire,
    ledger_checkpoint_write,
    webhook_deliver,
    webhook_deliveries_due,
)

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: str) -> str:
    return webhook_deliver(delivery_id=delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_due_webhooks() -> int:
    due = webhook_deliveries_due()
    # A broker outage loses nothing: the rows wait and the next sweep queues them.
    return enqueue_many("consent.tasks.deliver_webhook", [(delivery_id,) for delivery_id in due])


@shared_task(acks_late=True, ignore_result=True)
def expire_consents() -> list[int]:
    return list(consents_expire())


@shared_task(acks_late=True, ignore_result=True)
def checkpoint_ledger() -> int | None:
    checkpoint = ledger_checkpoint_write()
    return checkpoint.seq if checkpoint else None
