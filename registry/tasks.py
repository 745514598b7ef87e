"""Background jobs of the registry. Thin: load by id, call one service, own the retry policy."""

import logging
from datetime import datetime, timedelta

from celery import shared_task

from .services import (
    validation_rechecks_schedule,
    validation_run_execute,
    validation_runs_execute,
    validation_runs_sweep,
)

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5)
def validate_dataset(self, run_id: int) -> str:
    outcome = validation_run_execute(run_id=run_id)
    if outcome.retry:
        raise self.retry(countdown=min(300, 10 * 2**self.request.retries))
    return outcome.status


@shared_task(acks_late=True, reject_on_worker_lost=True)
def validate_datasets(run_ids: list[int]) -> dict[str, str]:
    """Runs queued in bulk, executed together. A run that must be retried becomes a job of its
    own, with validate_dataset's retry policy."""
    outcomes = validation_runs_execute(run_ids=run_ids)
    for run_id, outcome in outcomes.items():
        if outcome.retry:
            validate_dataset.apply_async((run_id,), countdown=10)
    return {str(run_id): outcome.status for run_id, outcome in outcomes.items()}


@shared_task(acks_late=True, ignore_result=True)
def sweep_validation_runs(stale_after: int | None = None, before: str | None = None) -> int:
    """`stale_after` (seconds) overrides SUCHI_RUN_STALE_AFTER. `before` (an ISO 8601 instant):
    as an embedded process starts, every run queued or started before the process did, and
    none it has taken on since (core/inprocess.py)."""
    return len(
        validation_runs_sweep(
            stale_after=None if stale_after is None else timedelta(seconds=stale_after),
            before=None if before is None else datetime.fromisoformat(before),
        )
    )


@shared_task(acks_late=True, ignore_result=True)
def schedule_rechecks() -> int:
    return len(validation_rechecks_schedule())
