"""Harvest jobs: start, abort, run (gather → import → withdraw) and sweep.

A job finishes itself (finished, failed or aborted), beats its heart while it runs, and a
sweep fails a job whose heart stopped. One job per source at a time (a partial unique index).
Records are keyed by (source, remote guid): a re-harvest never duplicates, an unchanged record
(same content hash) is skipped, and records gone from the source are withdrawn once the grace
period has passed — but only after a gather that read the whole source.
"""

import logging
import os
import socket
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, reset_queries, transaction
from django.utils import timezone
from rest_framework import serializers

from catalog.standards.common import UNREADABLE
from core.api.errors import flatten_errors
from core.batches import in_batches
from core.errors import Conflict, ServiceError
from core.jobs import enqueue_on_commit
from registry.models import Dataset
from registry.payload import HarvestedDatasetInput
from registry.services import (
    Actor,
    dataset_register,
    dataset_update,
    dataset_withdraw,
    datasets_register_bulk,
)

from ..fetch import HarvestError
from ..models import HarvestJob, HarvestJobItem, HarvestRecord, HarvestSource, StagedRecord
from ..readers import source_name
from .gather import gather

logger = logging.getLogger(__name__)
MAX_ERROR_LINES = 200


def harvest_job_start(*, source: HarvestSource, trigger: str = "manual") -> HarvestJob:
    """Create a job for the source and queue it. Conflict if one is already waiting or running."""
    if not source.is_active:
        raise Conflict("This source is deactivated.", field="source")
    try:
        with transaction.atomic():
            job = HarvestJob.objects.create(source=source, trigger=trigger)

            enqueue_on_commit("harvest.tasks.run_harvest_job", job.pk)
    except IntegrityError:
        active = HarvestJob.objects.filter(source=source, status__in=HarvestJob.ACTIVE).first()
        what = f"Job {active.pk} of this source is {active.status}" if active else "A job is active"
        raise Conflict(f"{what}; one job per source at a time.", field="source") from None
    return job


def harvest_job_abort(*, job: HarvestJob) -> HarvestJob:
    """Ask a running job to stop (it stops at its next heartbeat); a waiting job stops now."""
    now = timezone.now()
    if HarvestJob.objects.filter(pk=job.pk, status=HarvestJob.Status.NEW).update(
        status=HarvestJob.Status.ABORTED, finished_at=now, error="aborted before it started"
    ):
        job.refresh_from_db()
        return job
    if not HarvestJob.objects.filter(pk=job.pk, status=HarvestJob.Status.RUNNING).update(
        abort_requested=True
    ):
        job.refresh_from_db()
        raise Conflict(f"This job is already {job.status}.", field="status")
    job.refresh_from_db()
    return job


class _Aborted(Exception):
    pass


class _Run:
    """The state of one job while it runs: counts, error lines, heartbeat."""

    def __init__(self, job: HarvestJob):
        self.job = job
        self.counts = {"added": 0, "updated": 0, "unchanged": 0, "withdrawn": 0, "failed": 0}
        self.errors: list[str] = []
        self.gathered = 0
        self.pages = 0
        self._last_beat = 0.0

    def error(self, line: str) -> None:
        if len(self.errors) < MAX_ERROR_LINES:
            self.errors.append(line[:500])

    def beat(self, *, stage: str, force: bool = False) -> None:
        """Save progress at most every second; raise _Aborted if someone asked to stop."""
        # With DEBUG on (the embedded default) Django keeps every statement it ran; a long
        # harvest's bulk inserts would hold hundreds of MB of SQL text.
        reset_queries()
        now = time.monotonic()
        if not force and now - self._last_beat < 1.0:
            return
        self._last_beat = now
        HarvestJob.objects.filter(pk=self.job.pk).update(
            heartbeat_at=timezone.now(),
            stage=stage,
            pages=self.pages,
            gathered=self.gathered,
            errors=self.errors,
            **self.counts,
        )
        if HarvestJob.objects.filter(pk=self.job.pk, abort_requested=True).exists():
            raise _Aborted


def harvest_job_run(*, job_id: int) -> str:
    """Run a waiting job to its end. Returns its final status ('skipped' if it was not
    waiting: another worker took it, or it was aborted)."""
    now = timezone.now()
    if not HarvestJob.objects.filter(pk=job_id, status=HarvestJob.Status.NEW).update(
        status=HarvestJob.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        stage="gather",
        worker=this_process(),
    ):
        return "skipped"
    job = HarvestJob.objects.select_related("source__institution").get(pk=job_id)
    run = _Run(job)
    status, error = HarvestJob.Status.FINISHED, ""
    try:
        gather(run)
        _import(run)
        _withdraw_missing(run)
    except _Aborted:
        status, error = HarvestJob.Status.ABORTED, "aborted on request"
    except HarvestError as exc:
        status, error = HarvestJob.Status.FAILED, str(exc)
    except Exception as exc:  # a bug: fail the job with the reason, keep the traceback in logs
        logger.exception("harvest job crashed", extra={"job": job_id})
        # The report names the kind of failure and the log's request id, never the exception's
        # own text: it could carry a path, an address or another institution's data.
        status = HarvestJob.Status.FAILED
        error = f"internal error ({type(exc).__name__}); the operators' log has the details"
    finally:
        StagedRecord.objects.filter(job_id=job_id).delete()
    HarvestJob.objects.filter(pk=job_id, status=HarvestJob.Status.RUNNING).update(
        status=status,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
        stage="",
        error=error[:2000],
        pages=run.pages,
        gathered=run.gathered,
        errors=run.errors,
        **run.counts,
    )
    logger.info(
        "harvest job finished",
        extra={"job": job_id, "status": status, "gathered": run.gathered, **run.counts},
    )
    return status


def this_process() -> str:
    """host:pid, as a job records the process running it (the sweep asks if it is alive)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _provenance(source: HarvestSource, staged: StagedRecord, at) -> dict:
    provenance = {
        "source": {
            "id": str(source.pk),
            "name": source.name,
            "kind": source.kind,
            "url": source.url,
        },
        "remote_id": staged.guid,
        "remote_url": staged.remote_url,
        "publisher": staged.publisher,
        "harvested_at": at.isoformat(),
    }
    for key in ("issued", "modified"):
        if value := getattr(staged, key):
            provenance[key] = value
    if staged.source_fields:
        provenance["source_fields"] = staged.source_fields
    if staged.origin:
        provenance["origin"] = staged.origin
    return provenance


def _import(run: _Run) -> None:
    """Import the staged records in batches (SUCHI_HARVEST_IMPORT_BATCH), each batch one
    transaction."""
    source = run.job.source
    actor = Actor.system(f"harvest {source.name} (job {run.job.pk})")
    seen: set[str] = set()
    batch: list[StagedRecord] = []
    staged_records = StagedRecord.objects.filter(job=run.job)
    for staged in in_batches(staged_records, order=("position", "pk"), size=500):
        batch.append(staged)
        if len(batch) >= settings.SUCHI_HARVEST_IMPORT_BATCH:
            _import_batch(run, source, batch, seen, actor)
            batch = []
            run.beat(stage="import")
    _import_batch(run, source, batch, seen, actor)


# Long: one transaction deciding, for each staged record, skip, update or register.
def _import_batch(run: _Run, source, batch: list[StagedRecord], seen: set[str], actor) -> None:
    """Skip what is unchanged, update what changed, register what is new (in bulk)."""
    if not batch:
        return
    now = timezone.now()
    records = {
        r.guid: r
        for r in HarvestRecord.objects.filter(source=source, guid__in=[s.guid for s in batch])
    }
    live = set(
        Dataset.objects.filter(pk__in=[r.dataset_id for r in records.values() if r.dataset_id])
        .exclude(status=Dataset.Status.WITHDRAWN)
        .values_list("pk", flat=True)
    )
    unchanged, changed, new = [], [], []
    # One validator for the batch: a serializer deep-copies its fields for every instance,
    # which was half the import's time (one instance per record).
    validator = HarvestedDatasetInput()
    for staged in batch:
        if not staged.guid:
            run.counts["failed"] += 1
            run.error(f"record #{staged.position + 1}: no identifier; skipped")
            continue
        if staged.guid in seen:
            run.counts["failed"] += 1
            run.error(f"{staged.guid}: appears more than once in the source; kept the first")
            continue
        seen.add(staged.guid)
        record = records.get(staged.guid)
        if (
            record is not None
            and record.content_hash == staged.content_hash
            and record.status == HarvestRecord.Status.ACTIVE
        ):
            unchanged.append(record.pk)
            continue
        if isinstance(staged.payload, dict) and UNREADABLE in staged.payload:
            run.counts["failed"] += 1
            run.error(f"{staged.guid}: {staged.payload[UNREADABLE]}")
            continue
        try:
            data = validator.run_validation(staged.payload)
        except serializers.ValidationError as exc:
            field, messages = next(iter(flatten_errors(exc.detail).items()))
            run.counts["failed"] += 1
            said = source_name(source.kind, field) if field else ""
            run.error(
                f"{staged.guid}: {field} (the source's {said}): {messages[0]}"
                if said
                else f"{staged.guid}: {field}: {messages[0]}"
                if field
                else f"{staged.guid}: {messages[0]}"
            )
            continue
        item = (staged, data, _provenance(source, staged, now))
        if record is not None and record.dataset_id in live:
            changed.append((record, item))
        else:
            new.append((record, item))
    with transaction.atomic():
        HarvestRecord.objects.filter(pk__in=unchanged).update(
            last_seen_job=run.job, last_seen_at=now
        )
        run.counts["unchanged"] += len(unchanged)
        items: list[HarvestJobItem] = []
        for record, (staged, data, provenance) in changed:
            try:
                with transaction.atomic():
                    before = record.dataset.pending_revision_id
                    dataset = dataset_update(
                        dataset=record.dataset,
                        data=data,
                        actor=actor,
                        partial=False,
                        provenance=provenance,
                        match_distributions=True,
                    )
                    _record_seen(record, staged, run.job, now, dataset=record.dataset)
                run.counts["updated"] += 1
                if dataset.pending_revision_id not in (None, before):  # a revision to validate
                    items.append(_item(run, dataset))
            except ServiceError as exc:
                _failed(run, staged, exc)
        items += _register_new(run, source, new, actor, now)
        HarvestJobItem.objects.bulk_create(items)


def _item(run: _Run, dataset: Dataset) -> HarvestJobItem:
    return HarvestJobItem(job=run.job, dataset=dataset, revision_id=dataset.pending_revision_id)


def _register_new(run: _Run, source, new: list, actor, now) -> list[HarvestJobItem]:
    """Register the new records' datasets, in bulk if the batch allows. Returns the items for
    the job's report."""
    if not new:
        return []
    try:
        with transaction.atomic():
            datasets = datasets_register_bulk(
                institution=source.institution,
                items=[(data, provenance) for _, (_, data, provenance) in new],
                actor=actor,
            )
            fresh = []
            for (record, (staged, _, _)), dataset in zip(new, datasets, strict=True):
                if record is None:
                    fresh.append(
                        HarvestRecord(
                            source=source,
                            guid=staged.guid,
                            content_hash=staged.content_hash,
                            dataset=dataset,
                            remote_url=staged.remote_url,
                            last_seen_job=run.job,
                            last_seen_at=now,
                        )
                    )
                else:  # back at the source after being withdrawn: a new dataset
                    _record_seen(record, staged, run.job, now, dataset=dataset)
            HarvestRecord.objects.bulk_create(fresh)
        run.counts["added"] += len(new)
        return [_item(run, dataset) for dataset in datasets]
    except (ServiceError, IntegrityError):
        # Find the one that spoils the batch: register each on its own.
        items = []
        for record, (staged, data, provenance) in new:
            try:
                with transaction.atomic():
                    dataset = dataset_register(
                        institution=source.institution,
                        data=data,
                        actor=actor,
                        provenance=provenance,
                    )
                    if record is None:
                        record = HarvestRecord(source=source, guid=staged.guid)
                    _record_seen(record, staged, run.job, now, dataset=dataset)
                run.counts["added"] += 1
                items.append(_item(run, dataset))
            except (ServiceError, IntegrityError) as exc:
                _failed(run, staged, exc)
        return items


def _record_seen(record: HarvestRecord, staged: StagedRecord, job, now, *, dataset) -> None:
    record.content_hash = staged.content_hash
    record.dataset = dataset
    record.remote_url = staged.remote_url
    record.status = HarvestRecord.Status.ACTIVE
    record.last_seen_job = job
    record.last_seen_at = now
    record.save()


def _failed(run: _Run, staged: StagedRecord, exc: Exception) -> None:
    run.counts["failed"] += 1
    field = getattr(exc, "field", None)
    message = getattr(exc, "message", None) or str(exc)
    run.error(f"{staged.guid}: {field}: {message}" if field else f"{staged.guid}: {message}")


def _withdraw_missing(run: _Run) -> None:
    """Withdraw the datasets of records the source no longer has (after the grace period)."""
    source = run.job.source
    if (
        not run.gathered
        and (
            had := HarvestRecord.objects.filter(source=source, status=HarvestRecord.Status.ACTIVE)
        ).exists()
    ):
        # A source read as empty is more often broken than emptied: its datasets stay.
        raise HarvestError(
            f"the source listed no datasets this time; its {had.count()} datasets are kept "
            "(withdraw them by hand if it really has none)"
        )
    cutoff = timezone.now() - timedelta(hours=source.withdraw_grace_hours)
    actor = Actor.system(f"harvest {source.name} (job {run.job.pk}): gone from the source")
    gone = (
        HarvestRecord.objects.filter(source=source, status=HarvestRecord.Status.ACTIVE)
        .exclude(last_seen_job=run.job)
        .filter(last_seen_at__lte=cutoff)
        .select_related("dataset")
    )
    for record in in_batches(gone, size=500):
        run.beat(stage="withdraw")
        with transaction.atomic():
            if record.dataset is not None:
                dataset_withdraw(dataset=record.dataset, actor=actor)
            HarvestRecord.objects.filter(pk=record.pk).update(status=HarvestRecord.Status.WITHDRAWN)
        run.counts["withdrawn"] += 1
