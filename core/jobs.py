"""Queueing background jobs, the one way every app does it.

Services name a task ("registry.tasks.validate_dataset") instead of importing it: tasks import
services, never the other way round, so there is no import loop to hold apart.

A job's row is always written before its message is sent, and a sweeper re-queues rows whose
message never arrived. So a broker outage never fails the caller: the send is logged and
dropped, and the rest of a batch is left to the sweeper too (each further try would only wait
for the same timeout).

In the embedded default (no broker) long jobs run on core.inprocess's thread pool instead of
inside the caller, so a request that starts a harvest answers at once.
"""

import logging
from collections.abc import Iterable, Sequence

from django.db import transaction

from . import inprocess

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args, countdown: float | None = None) -> bool:
    """Send `task_name(*args)` now. False (and a warning) if the broker cannot take it."""
    return enqueue_many(task_name, [args], countdown=countdown) == 1


def enqueue_many(
    task_name: str, calls: Iterable[Sequence], *, countdown: float | None = None
) -> int:
    """Send one job per argument tuple, in order; stop at the first broker failure. Returns
    how many were sent (the rest wait for the sweeper)."""
    calls = list(calls)
    if inprocess.wants(task_name):
        for args in calls:
            inprocess.submit(task_name, args)
        return len(calls)
    task = inprocess.task_named(task_name)
    for sent, args in enumerate(calls):
        try:
            task.apply_async(tuple(args), countdown=countdown)
        except Exception:
            logger.warning(
                "broker unavailable; %d job(s) left for the sweeper",
                len(calls) - sent,
                exc_info=True,
                extra={"task": task_name, "task_args": list(args)},
            )
            return sent
    return len(calls)


def enqueue_on_commit(task_name: str, *args) -> None:
    """Send `task_name(*args)` once the current transaction commits (never for a rollback)."""
    transaction.on_commit(lambda: enqueue(task_name, *args))


def enqueue_many_on_commit(task_name: str, calls: Iterable[Sequence]) -> None:
    """enqueue_many, once the current transaction commits."""
    calls = list(calls)
    transaction.on_commit(lambda: enqueue_many(task_name, calls))
