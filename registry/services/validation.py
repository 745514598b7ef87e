"""Running validation: claim a queued run, run the checks, record findings and the quality
score, then settle the dataset (publish, reject, or update the health of the public version).

The job is idempotent: a run is claimed with a conditional UPDATE, so a duplicate delivery of
the same message finds nothing to claim; results are written only by the attempt that holds
the claim.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from ..checks import CheckContext, Severity, run_checks
from ..models import Dataset, DatasetRevision, ValidationFinding, ValidationRun
from ..quality import quality_score
from .datasets import dataset_apply_revision, queue_validation

logger = logging.getLogger(__name__)

# Findings of these kinds mean the source could not be read (as opposed to bad content).
SOURCE_FAILURE_KINDS = {"unreachable"}


def _relax_durability() -> None:
    """Let PostgreSQL acknowledge this transaction's commit before it reaches disk.

    Safe for validation results: if a crash loses the last moments of commits, the affected
    runs are left queued or running, and the sweeper runs them again (runs are idempotent).
    It halves the cost of a run. Call first thing inside the transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@dataclass(frozen=True)
class RunOutcome:
    status: str  # a ValidationRun.Status, or "skipped" when there was nothing to claim
    retry: bool = False


def validation_run_execute(*, run_id: int, resolver=None, check_sources: bool = True) -> RunOutcome:
    """Execute one queued validation run. Safe to call twice for the same run.

    `resolver` replaces DNS resolution (tests only; production resolves for real).
    `check_sources=False` skips the checks that contact sources (demo data only); the run
    records that it did.
    """
    now = timezone.now()
    claimed = ValidationRun.objects.filter(id=run_id, status=ValidationRun.Status.QUEUED).update(
        status=ValidationRun.Status.RUNNING, started_at=now, attempt=F("attempt") + 1
    )
    if not claimed:
        logger.info("validation run not claimable", extra={"run_id": run_id})
        return RunOutcome(status="skipped")
    run = ValidationRun.objects.select_related("revision", "dataset__institution").get(id=run_id)
    context = CheckContext(
        institution_slug=run.dataset.institution.slug,
        dataset_id=str(run.dataset_id),
        resolver=resolver,
        check_sources=check_sources,
    )
    snapshot = run.revision.snapshot
    try:
        results = run_checks(snapshot, context)
        quality = quality_score(
            snapshot, results, context=context, modified_at=run.revision.created_at
        )
    except Exception as exc:
        logger.exception("validation run crashed", extra={"run_id": run_id})
        return _record_crash(run, exc)

    failed = any(finding.severity == Severity.ERROR for _, finding in results)
    status = ValidationRun.Status.FAILED if failed else ValidationRun.Status.PASSED
    with transaction.atomic():
        _relax_durability()
        # Only the attempt that still holds the claim writes a result; if the sweeper handed
        # the run to another attempt meanwhile, that one owns it.
        owned = ValidationRun.objects.filter(
            id=run_id, status=ValidationRun.Status.RUNNING, attempt=run.attempt
        ).update(status=status, finished_at=timezone.now(), error="", quality=quality)
        if not owned:
            return RunOutcome(status="skipped")
        if results:
            ValidationFinding.objects.bulk_create(
                ValidationFinding(
                    run_id=run_id,
                    check_name=name,
                    severity=f.severity,
                    message=f.message,
                    field=f.field,
                    distribution_id=f.distribution_id,
                    detail=f.detail,
                )
                for name, f in results
            )
        run.status, run.quality = status, quality
        source_failed = any(f.detail.get("kind") in SOURCE_FAILURE_KINDS for _, f in results)
        _settle(run, source_failed=source_failed)
    logger.info(
        "validation run finished",
        extra={"run_id": run_id, "status": run.status, "findings": len(results)},
    )
    return RunOutcome(status=run.status)


def _recheck_offset(dataset_id) -> timedelta:
    """A stable per-dataset phase within the re-check period, so re-checks spread out."""
    period = settings.SUCHI_RECHECK_INTERVAL
    digest = hashlib.sha256(str(dataset_id).encode()).digest()
    return timedelta(seconds=int.from_bytes(digest[:4], "big") % max(1, period))


def _set_health(dataset: Dataset, run: ValidationRun, *, source_failed: bool) -> tuple[str, ...]:
    """Set the public version's health from a run: quality, last check, consecutive source
    failures. Returns the fields set, for the caller's save."""
    now = timezone.now()
    dataset.quality = run.quality or {}
    dataset.quality_score = (run.quality or {}).get("score")
    dataset.last_checked_at = now
    dataset.check_status = "ok" if run.status == ValidationRun.Status.PASSED else "failing"
    dataset.source_failures = dataset.source_failures + 1 if source_failed else 0
    if dataset.next_check_at is None:
        dataset.next_check_at = now + _recheck_offset(dataset.pk)
    return (
        "quality",
        "quality_score",
        "last_checked_at",
        "check_status",
        "source_failures",
        "next_check_at",
    )


def _settle(run: ValidationRun, *, source_failed: bool) -> None:
    """Publish or reject the run's revision, or record the health of the public version.
    Call inside the transaction that wrote the run's result."""
    revision = (
        DatasetRevision.objects.select_for_update(of=("self", "dataset"))
        .select_related("dataset")
        .get(pk=run.revision_id)
    )
    dataset = revision.dataset
    if dataset.status == Dataset.Status.WITHDRAWN:
        return
    if revision.status == DatasetRevision.Status.APPLIED:
        # A re-check of the published version: flag problems, never unpublish silently.
        if dataset.current_revision_id == revision.pk:
            dataset.save(update_fields=_set_health(dataset, run, source_failed=source_failed))
        return
    if (
        revision.status != DatasetRevision.Status.PENDING
        or dataset.pending_revision_id != revision.pk
    ):
        return  # superseded by a later change
    if run.status == ValidationRun.Status.PASSED:
        health = _set_health(dataset, run, source_failed=source_failed)
        if dataset.current_revision_id == revision.pk:
            # The row already shows this revision (a new or never-published dataset).
            dataset_apply_revision(dataset=dataset, revision=revision, also_save=health)
            return
        try:
            with transaction.atomic():  # a savepoint: applying may change the slug
                dataset_apply_revision(dataset=dataset, revision=revision, also_save=health)
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
            ValidationRun.objects.filter(pk=run.pk).update(status=run.status)
    revision.status = DatasetRevision.Status.REJECTED
    revision.save(update_fields=["status"])
    dataset.pending_revision = None
    if dataset.status != Dataset.Status.PUBLISHED:
        dataset.status = Dataset.Status.REJECTED
    dataset.save(update_fields=["pending_revision", "status"])


def _requeue_or_close(run: ValidationRun, *, error: str, give_up: bool) -> str:
    """Put a run back in the queue, unless it is out of attempts or a newer run is queued for
    the same dataset (runs are deduplicated). Returns the new status."""
    newer_queued = ValidationRun.objects.filter(
        dataset_id=run.dataset_id, status=ValidationRun.Status.QUEUED
    ).exclude(pk=run.pk)
    if give_up or newer_queued.exists():
        status = ValidationRun.Status.ERROR
    else:
        status = ValidationRun.Status.QUEUED
    ValidationRun.objects.filter(pk=run.pk, status=run.status, attempt=run.attempt).update(
        status=status,
        error=error[:2000],
        finished_at=timezone.now() if status == ValidationRun.Status.ERROR else None,
        queued_at=timezone.now(),
    )
    return status


def _record_crash(run: ValidationRun, exc: Exception) -> RunOutcome:
    """The run itself failed (not a check: those are isolated): retry, or give up."""
    give_up = run.attempt >= settings.SUCHI_RUN_MAX_ATTEMPTS
    with transaction.atomic():
        status = _requeue_or_close(run, error=f"{type(exc).__name__}: {exc}", give_up=give_up)
    return RunOutcome(status=status, retry=status == ValidationRun.Status.QUEUED)


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
            if run.status == ValidationRun.Status.QUEUED:
                ValidationRun.objects.filter(pk=run.pk).update(queued_at=timezone.now())
                requeued.append(run.id)
                continue
            status = _requeue_or_close(
                run,
                error=run.error or "The worker running this job stopped answering.",
                give_up=run.attempt >= settings.SUCHI_RUN_MAX_ATTEMPTS,
            )
            if status == ValidationRun.Status.QUEUED:
                requeued.append(run.id)
        for run_id in requeued:
            enqueue_on_commit(validate_dataset, run_id)
    if requeued:
        logger.warning("re-queued stale validation runs", extra={"run_ids": requeued})
    return requeued


def validation_rechecks_schedule(*, limit: int | None = None) -> list[int]:
    """Queue a re-check for every published dataset that is due. Returns the new run ids.

    Each dataset is due once per SUCHI_RECHECK_INTERVAL at its own phase, so the load spreads
    over the period. Datasets already waiting in the queue are skipped (runs are deduplicated).
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
            )
            # Keep the dataset's phase: the next check is one period after this one was due.
            next_at = dataset.next_check_at + period
            while next_at <= now:
                next_at += period
            Dataset.objects.filter(pk=dataset.pk).update(next_check_at=next_at)
            run_ids.append(run.id)
    if run_ids:
        logger.info("queued re-checks", extra={"count": len(run_ids)})
    return run_ids
