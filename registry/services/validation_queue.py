"""Queueing validation runs: re-queueing runs whose job was lost (the sweeper), queueing the
re-checks that are due, and putting a run that could not finish back in the queue."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.jobs import enqueue_on_commit

from ..models import Dataset, ValidationRun
from .datasets import queue_validation

logger = logging.getLogger(__name__)


def requeue_or_close(run, *, error: str, give_up: bool) -> str:
    """Put a run (a ValidationRun, or a run an attempt has claimed) back in the queue, unless it
    is out of attempts or a newer run is queued for the same dataset (runs are deduplicated).
    Returns the new status. Call inside a transaction."""
    newer_queued = ValidationRun.objects.filter(
        dataset_id=run.dataset_id, status=ValidationRun.Status.QUEUED
    ).exclude(pk=run.id)
    if give_up or newer_queued.exists():
        status = ValidationRun.Status.ERROR
    else:
        status = ValidationRun.Status.QUEUED
    ValidationRun.objects.filter(pk=run.id, status=run.status, attempt=run.attempt).update(
        status=status,
        error=error[:2000],
        finished_at=timezone.now() if status == ValidationRun.Status.ERROR else None,
        queued_at=timezone.now(),
    )
    return status


def validation_runs_sweep(
    *, stale_after: timedelta | None = None, before: datetime | None = None
) -> list[int]:
    """Re-queue runs whose job was lost: queued or running for longer than `stale_after`, or
    (`before`, as an embedded process starts) queued or started before that instant — never a
    run this process itself has queued or is running since.

    Returns the ids re-queued. A running run past the timeout is taken back (its worker died or
    hung); one past the attempt limit is closed as an error instead.
    """
    if before is not None:
        cutoff = before
    else:
        if stale_after is None:
            stale_after = timedelta(seconds=settings.SUCHI_RUN_STALE_AFTER)
        cutoff = timezone.now() - stale_after
    requeued: list[int] = []
    with transaction.atomic():
        stale = ValidationRun.objects.select_for_update(skip_locked=True).filter(
            Q(status=ValidationRun.Status.QUEUED, queued_at__lt=cutoff)
            | Q(status=ValidationRun.Status.RUNNING, started_at__lt=cutoff)
        )
        for run in stale:
            if run.status == ValidationRun.Status.QUEUED:
                ValidationRun.objects.filter(pk=run.pk).update(queued_at=timezone.now())
                requeued.append(run.id)
                continue
            status = requeue_or_close(
                run,
                error=run.error or "The worker running this job stopped answering.",
                give_up=run.attempt >= settings.SUCHI_RUN_MAX_ATTEMPTS,
            )
            if status == ValidationRun.Status.QUEUED:
                requeued.append(run.id)
        for run_id in requeued:
            enqueue_on_commit("registry.tasks.validate_dataset", run_id)
    if requeued:
        logger.warning("re-queued stale validation runs", extra={"run_ids": requeued})
    return requeued


def validation_rechecks_schedule(*, limit: int | None = None) -> list[int]:
    """Queue a re-check for every published dataset that is due. Returns the new run ids.

    Each dataset is due once per SUCHI_RECHECK_INTERVAL at its own phase, so the load spreads
    over the period. Datasets already waiting in the queue are skipped (runs are deduplicated).
    The runs are queued SUCHI_RUN_BATCH to a job.
    """
    limit = limit or settings.SUCHI_RECHECK_BATCH
    now = timezone.now()
    period = timedelta(seconds=settings.SUCHI_RECHECK_INTERVAL)
    queued = ValidationRun.objects.filter(
        dataset=OuterRef("pk"), status=ValidationRun.Status.QUEUED
    )
    run_ids = []
    with transaction.atomic():
        due = (
            Dataset.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Dataset.Status.PUBLISHED, next_check_at__lte=now, pending_revision=None)
            .exclude(Exists(queued))
            .select_related("current_revision")
            .order_by("next_check_at")[:limit]
        )
        for dataset in due:
            run = queue_validation(
                dataset=dataset,
                revision=dataset.current_revision,
                trigger=ValidationRun.Trigger.RECHECK,
                enqueue=False,
            )
            # Keep the dataset's phase: the next check is one period after this one was due.
            next_at = dataset.next_check_at + period
            while next_at <= now:
                next_at += period
            Dataset.objects.filter(pk=dataset.pk).update(next_check_at=next_at)
            run_ids.append(run.id)
        batch = settings.SUCHI_RUN_BATCH
        for start in range(0, len(run_ids), batch):
            enqueue_on_commit("registry.tasks.validate_datasets", run_ids[start : start + batch])
    if run_ids:
        logger.info("queued re-checks", extra={"count": len(run_ids)})
    return run_ids
