"""Background jobs of the exchange: expiry. Thin and idempotent."""

from celery import shared_task

from .services import agreements_expire


@shared_task(acks_late=True, ignore_result=True)
def expire_agreements() -> int:
    return agreements_expire()
