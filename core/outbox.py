"""Outboxes: rows waiting to be sent (webhook deliveries, e-mails and SMS), each tried by a job
and, after a failure, again later with exponential back-off and jitter, until a deadline.
One policy for all of them: SUCHI_WEBHOOK_RETRY_BASE and SUCHI_WEBHOOK_GIVE_UP_HOURS."""

import random
from datetime import datetime, timedelta

from django.conf import settings


def retry_delay(attempts: int, base: float) -> timedelta:
    """Exponential backoff: base, 2·base, 4·base … capped at one hour."""
    return timedelta(seconds=min(3600.0, base * 2 ** max(0, attempts - 1)))


def next_attempt_at(*, attempts: int, created_at: datetime, finished: datetime) -> datetime | None:
    """When to try again after the `attempts`-th attempt failed at `finished`; None once that
    would be past the give-up deadline (counted from `created_at`)."""
    give_up_at = created_at + timedelta(hours=settings.SUCHI_WEBHOOK_GIVE_UP_HOURS)
    delay = retry_delay(attempts, settings.SUCHI_WEBHOOK_RETRY_BASE)
    delay *= random.uniform(1.0, 1.2)  # noqa: S311  (jitter spreads one receiver's backlog)
    return None if finished + delay > give_up_at else finished + delay


def due_ids(model, *, now: datetime, limit: int) -> list[str]:
    """Ids of `model`'s pending rows whose next attempt is due, the longest waiting first."""
    return [
        str(pk)
        for pk in model.objects.filter(status=model.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    ]
