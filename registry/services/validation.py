"""Running validation: claim a queued run, run the checks, record findings, settle the dataset.

The job is idempotent: a run is claimed with a conditional UPDATE, so a duplicate delivery of
the same message finds nothing to claim; results are written only by the attempt that holds
the claim.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..checks import CheckContext, Severity, run_checks
from ..models import Dataset, DatasetRevision, ValidationFinding, ValidationRun
from .datasets import dataset_apply_revision

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOutcome:
    status: str  # a ValidationRun.Status, or "skipped" when there was nothing to claim
    retry: bool = False


def validation_run_execute(*, run_id: int) -> RunOutcome:
    """Execute one queued validation run. Safe to call twice for the same run."""
    now = timezone.now()
    claimed = ValidationRun.objects.filter(id=run_id, status=ValidationRun.Status.QUEUED).update(
        status=ValidationRun.Status.RUNNING, started_at=now, attempt=F("attempt") + 1
    )
    if not claimed:
        logger.info("validation run not claimable", extra={"run_id": run_id})
        return RunOutcome(status="skipped")
    run = ValidationRun.objects.select_related("revision", "dataset__institution").get(id=run_id)
    context = CheckContext(
        institution_slug=run.dataset.institution.slug, dataset_id=str(run.dataset_id)
    )
    try:
        results = run_checks(run.revision.snapshot, context)
    except Exception as exc:
        logger.exception("validation run crashed", extra={"run_id": run_id})
        return _record_crash(run, exc)

    failed = any(finding.severity == Severity.ERROR for _, finding in results)
    with transaction.atomic():
        locked = ValidationRun.objects.select_for_update().get(id=run_id)
        if locked.status != ValidationRun.Status.RUNNING or locked.attempt != run.attempt:
            # The sweeper handed this run to another attempt; that one owns the result.
            return RunOutcome(status="skipped")
        ValidationFinding.objects.bulk_create(
            ValidationFinding(
                run=locked,
                check_name=name,
                severity=f.severity,
                message=f.message,
                field=f.field,
                distribution_id=f.distribution_id,
                detail=f.detail,
            )
            for name, f in results
        )
        locked.status = ValidationRun.Status.FAILED if failed else ValidationRun.Status.PASSED
        locked.finished_at = timezone.now()
        locked.error = ""
        locked.save(update_fields=["status", "finished_at", "error"])
        _settle(locked)
    logger.info(
        "validation run finished",
        extra={"run_id": run_id, "status": locked.status, "findings": len(results)},
    )
    return RunOutcome(status=locked.status)


def _settle(run: ValidationRun) -> None:
    """Publish or reject the run's revision. Call inside the transaction holding the run lock."""
    dataset = Dataset.objects.select_for_update().get(pk=run.dataset_id)
    revision = DatasetRevision.objects.select_for_update().get(pk=run.revision_id)
    if (
        revision.status != DatasetRevision.Status.PENDING
        or dataset.pending_revision_id != revision.pk
    ):
        return  # superseded by a later change, or the dataset was withdrawn meanwhile
    if run.status == ValidationRun.Status.PASSED:
        try:
            with transaction.atomic():
                dataset_apply_revision(dataset=dataset, revision=revision)
            return
        except IntegrityError:
            # Another dataset took the slug while this change was being validated.
            dataset.refresh_from_db()
            ValidationFinding.objects.create(
                run=run,
                check_name="publication",
                severity=Severity.ERROR,
                message=f"Slug {revision.snapshot['slug']!r} was taken by another dataset "
                "while this change was validated (field `slug`).",
                field="slug",
            )
            run.status = ValidationRun.Status.FAILED
            run.save(update_fields=["status"])
    revision.status = DatasetRevision.Status.REJECTED
    revision.save(update_fields=["status"])
    dataset.pending_revision = None
    if dataset.status != Dataset.Status.PUBLISHED:
        dataset.status = Dataset.Status.REJECTED
    dataset.save(update_fields=["pending_revision", "status"])


def _record_crash(run: ValidationRun, exc: Exception) -> RunOutcome:
    """A check raised: put the run back in the queue, or give up after the last attempt."""
    give_up = run.attempt >= settings.SUCHI_RUN_MAX_ATTEMPTS
    status = ValidationRun.Status.ERROR if give_up else ValidationRun.Status.QUEUED
    ValidationRun.objects.filter(
        id=run.id, status=ValidationRun.Status.RUNNING, attempt=run.attempt
    ).update(
        status=status,
        error=f"{type(exc).__name__}: {exc}"[:2000],
        finished_at=timezone.now() if give_up else None,
        queued_at=timezone.now(),
    )
    return RunOutcome(status=status, retry=not give_up)


def validation_runs_sweep(*, stale_after: timedelta | None = None) -> list[int]:
    """Re-queue runs whose job was lost: queued or running for longer than `stale_after`.

    Returns the ids re-queued. A running run past the timeout is taken back (its worker died or
    hung); one past the attempt limit is closed as an error instead.
    """
    from ..tasks import enqueue_on_commit, validate_dataset

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
            if run.attempt >= settings.SUCHI_RUN_MAX_ATTEMPTS:
                run.status = ValidationRun.Status.ERROR
                run.finished_at = timezone.now()
                run.error = run.error or "Gave up after the maximum number of attempts."
                run.save(update_fields=["status", "finished_at", "error"])
                continue
            run.status = ValidationRun.Status.QUEUED
            run.queued_at = timezone.now()
            run.save(update_fields=["status", "queued_at"])
            requeued.append(run.id)
        for run_id in requeued:
            enqueue_on_commit(validate_dataset, run_id)
    if requeued:
        logger.warning("re-queued stale validation runs", extra={"run_ids": requeued})
    return requeued
