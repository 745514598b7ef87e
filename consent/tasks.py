"""Background jobs of the consent manager: webhook delivery and expiry. Thin and idempotent."""

import logging

from celery import shared_task

from .services import (
    consents_expire,
    ledger_checkpoint_write,
    webhook_deliver,
    webhook_deliveries_due,
)

logger = logging.getLogger(__name__)


def enqueue_deliveries(delivery_ids: list[str]) -> None:
    """Queue delivery jobs (called after the outbox rows committed). A broker outage loses
    nothing: the rows wait and the periodic sweep queues them."""
    for delivery_id in delivery_ids:
        try:
            deliver_webhook.delay(delivery_id)
        except Exception:
            logger.warning(
                "broker unavailable; delivery left for the sweep",
                exc_info=True,
                extra={"delivery": delivery_id},
            )
            return


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: str) -> str:
    return webhook_deliver(delivery_id=delivery_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_due_webhooks() -> int:
    due = webhook_deliveries_due()
    enqueue_deliveries(due)
    return len(due)


@shared_task(acks_late=True, ignore_result=True)
def expire_consents() -> list[int]:
    return list(consents_expire())


@shared_task(acks_late=True, ignore_result=True)
def checkpoint_ledger() -> int | None:
    checkpoint = ledger_checkpoint_write()
    return checkpoint.seq if checkpoint else None
