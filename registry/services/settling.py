"""Settling a checked validation run: publish or reject its revision, or record the health of
the public version. What most runs of a batch settle the same way (a new record published as it
stands, a re-check's health) is collected and written with one statement for the batch.
"""

import hashlib
import uuid
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import mqa
from ..checks import Severity
from ..models import Dataset, DatasetRevision, ValidationFinding, ValidationRun
from ..rawsql import rows_update
from .datasets import PUBLISHED_FIELDS, dataset_apply_revision, dataset_mark_published

# Findings of these kinds mean the source could not be read (as opposed to bad content).
SOURCE_FAILURE_KINDS = {"unreachable"}


@dataclass
class ClaimedRun:
    """A run this attempt holds, with what its checks need and, once checked, their results."""

    id: int
    attempt: int
    dataset_id: uuid.UUID
    revision_id: int
    snapshot: dict
    revision_created_at: datetime
    institution_slug: str
    harvested: bool = False  # written by a harvest from another catalogue (docs/harvest.md)
    source_modified: str = ""  # when its source says it last changed (Dataset.source_modified)
    trigger: str = ValidationRun.Trigger.SUBMISSION
    status: str = ValidationRun.Status.RUNNING
    quality: dict | None = None
    results: list = dataclass_field(default_factory=list)  # (check name, Finding) pairs


def links_deferred(run: ClaimedRun) -> bool:
    """Whether the run leaves the links to a later check: a harvested record's submission is
    published without waiting for its links (docs/harvest.md); the re-check that follows soon
    after checks them and records the dataset's health. The personal-data scan of an open
    sample still runs first: it can keep a record out."""
    return run.harvested and run.trigger != ValidationRun.Trigger.RECHECK


def recheck_offset(dataset_id) -> timedelta:
    """A stable per-dataset phase within the re-check period, so re-checks spread out."""
    period = settings.SUCHI_RECHECK_INTERVAL
    digest = hashlib.sha256(str(dataset_id).encode()).digest()
    return timedelta(seconds=int.from_bytes(digest[:4], "big") % max(1, period))


# What set_health sets.
HEALTH_FIELDS = (
    "quality",
    "quality_score",
    "ml_ready",
    "fair_score",
    "fair_met",
    "last_checked_at",
    "check_status",
    "source_failures",
    "next_check_at",
)


class Writes:
    """Rows that settling a batch of runs changes the same way, each kind written with one
    statement: the health of a public version, and a new record published as it stands."""

    def __init__(self):
        self.health: list[Dataset] = []
        self.published: list[Dataset] = []
        self.applied: list[int] = []  # their revisions

    def write(self) -> None:
        rows_update(self.health, HEALTH_FIELDS)
        if self.published:
            rows_update(self.published, (*PUBLISHED_FIELDS, *HEALTH_FIELDS))
            DatasetRevision.objects.filter(pk__in=self.applied).update(
                status=DatasetRevision.Status.APPLIED
            )


def set_health(dataset: Dataset, run: ClaimedRun, *, source_failed: bool) -> tuple[str, ...]:
    """Set the public version's health from a run: quality, last check, consecutive source
    failures. Returns the fields set, for the caller's save."""
    now = timezone.now()
    dataset.quality = run.quality or {}
    dataset.quality_score = (run.quality or {}).get("score")
    dataset.ml_ready = bool(((run.quality or {}).get("ml_ready") or {}).get("ready"))
    fair = mqa.assess(run.snapshot, reachable=mqa.reachable_in(run.quality), published=True)
    dataset.fair_score, dataset.fair_met = fair["points"], fair["met"]
    dataset.last_checked_at = now
    # A source that could not be reached is a failing check, even where the harvest policy makes
    # its finding a warning (a harvested record's dead link) and the run passes.
    passed = run.status == ValidationRun.Status.PASSED and not source_failed
    dataset.check_status = "ok" if passed else "failing"
    dataset.source_failures = dataset.source_failures + 1 if source_failed else 0
    if links_deferred(run):
        # Its links are not checked yet: the re-check scheduler takes it up shortly.
        dataset.check_status = "unknown"
        dataset.next_check_at = now + timedelta(seconds=settings.SUCHI_HARVEST_LINK_CHECK_DELAY)
    elif dataset.next_check_at is None:
        dataset.next_check_at = now + recheck_offset(dataset.pk)
    return HEALTH_FIELDS


# What settling reads of the dataset; the rest of the row is loaded only when a change is applied.
SETTLE_READS = (
    "status",
    "current_revision",
    "pending_revision",
    "published_at",
    "source_failures",
    "next_check_at",
)


def settle(run: ClaimedRun, revision: DatasetRevision, dataset: Dataset, writes: Writes) -> None:
    """Publish or reject the run's revision, or record the health of the public version.
    Call inside the transaction that wrote the run's result and locked revision and dataset;
    what `writes` collects is written by the caller, before the transaction ends."""
    source_failed = any(f.detail.get("kind") in SOURCE_FAILURE_KINDS for _, f in run.results)
    if dataset.status == Dataset.Status.WITHDRAWN:
        return
    if revision.status == DatasetRevision.Status.APPLIED:
        # A re-check of the published version: flag problems, never unpublish silently.
        if dataset.current_revision_id == revision.pk:
            set_health(dataset, run, source_failed=source_failed)
            writes.health.append(dataset)
        return
    if (
        revision.status != DatasetRevision.Status.PENDING
        or dataset.pending_revision_id != revision.pk
    ):
        return  # superseded by a later change
    if run.status == ValidationRun.Status.PASSED:
        health = set_health(dataset, run, source_failed=source_failed)
        if dataset.current_revision_id == revision.pk:
            # The row already shows this revision (a new or never-published dataset).
            dataset_mark_published(dataset, revision)
            writes.published.append(dataset)
            writes.applied.append(revision.pk)
            return
        try:
            with transaction.atomic():  # a savepoint: applying may change the slug
                dataset_apply_revision(dataset=dataset, revision=revision, also_save=health)
            return
        except IntegrityError:
            # Another dataset took the slug while this change was being validated.
            dataset.refresh_from_db()
            ValidationFinding.objects.create(
                run_id=run.id,
                check_name="publication",
                severity=Severity.ERROR,
                message=f"Slug {revision.snapshot['slug']!r} was taken by another dataset "
                "while this change was validated (field `slug`).",
                field="slug",
            )
            run.status = ValidationRun.Status.FAILED
            ValidationRun.objects.filter(pk=run.id).update(status=run.status)
    revision.status = DatasetRevision.Status.REJECTED
    revision.save(update_fields=["status"])
    dataset.pending_revision = None
    if dataset.status != Dataset.Status.PUBLISHED:
        dataset.status = Dataset.Status.REJECTED
    dataset.save(update_fields=["pending_revision", "status"])
