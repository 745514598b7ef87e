"""Background jobs of citizens' notifications. Thin and idempotent."""

from celery import shared_task

from core.jobs import enqueue_many

from .guardians import guardianships_end_at_majority
from .notifications import DELIVER_TASK, notification_deliver, notifications_due, reminders_create


@shared_task(acks_late=True, ignore_result=True)
def deliver_notification(notification_id: str) -> str:
    return notification_deliver(notification_id=notification_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_notifications() -> int:
    """Write the 24-hour reminders, then queue every e-mail and SMS that is due (new ones the
    broker never took, and retries). A broker outage loses nothing: the next sweep queues them."""
    reminders_create()
    return enqueue_many(DELIVER_TASK, [(pk,) for pk in notifications_due()])


@shared_task(acks_late=True, ignore_result=True)
def end_guardianships_at_majority() -> int:
    """End the guardianships of children who turned 18 (hourly; idempotent)."""
    return guardianships_end_at_majority()
