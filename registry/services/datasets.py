"""Dataset writes: register, update, withdraw. Each is atomic, records a revision and queues a
validation run once the transaction commits.

A snapshot (registry/services/snapshots.py) is the dataset's full writable metadata as plain
JSON. Revisions store snapshots; the Dataset row holds the version the public sees.
"""

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from core.errors import Conflict, ServiceError
from core.jobs import enqueue_on_commit
from core.jsontext import json_copy

from ..datacard import card_of, check_consistent
from ..models import ApiToken, Dataset, DatasetRevision, Distribution, Institution, ValidationRun
from .snapshots import (
    DISTRIBUTION_DEFAULTS,
    dataset_snapshot,
    distributions_matched,
    snapshot_assign,
    snapshot_normalise,
)


@dataclass(frozen=True)
class Actor:
    """Who made a change, for the revision history."""

    label: str
    user: object | None = None
    token: ApiToken | None = None

    @classmethod
    def for_token(cls, token: ApiToken) -> "Actor":
        return cls(label=f"token {token.name} ({token.prefix})", token=token)

    @classmethod
    def for_user(cls, user) -> "Actor":
        return cls(label=f"user {user.get_username()}", user=user)

    @classmethod
    def system(cls, what: str) -> "Actor":
        return cls(label=f"system: {what}")


def _unique_slug(institution: Institution, base: str, *, exclude: uuid.UUID | None = None) -> str:
    base = (base or "dataset")[:90].strip("-") or "dataset"
    taken = set(
        Dataset.objects.filter(institution=institution, slug__startswith=base)
        .exclude(pk=exclude)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _check_slug_free(institution: Institution, slug: str, *, exclude: uuid.UUID | None) -> None:
    clash = Dataset.objects.filter(institution=institution, slug=slug).exclude(pk=exclude)
    if clash.exists():
        raise Conflict(f"This institution already has a dataset with slug {slug!r}.", field="slug")


def _apply_snapshot(dataset: Dataset, snapshot: dict) -> None:
    """Write a snapshot onto the row and its distributions. Call inside a transaction."""
    snapshot_assign(dataset, snapshot)
    dataset.save()

    wanted = {d["id"]: (position, d) for position, d in enumerate(snapshot["distributions"])}
    dataset.distributions.exclude(id__in=list(wanted)).delete()
    existing = {str(d.id): d for d in dataset.distributions.all()}
    for dist_id, (position, data) in wanted.items():
        row = existing.get(dist_id) or Distribution(id=uuid.UUID(dist_id), dataset=dataset)
        row.position = position
        for name in DISTRIBUTION_DEFAULTS:
            setattr(row, name, json_copy(data[name]))
        row.save()


def _record_revision(
    *, dataset: Dataset, kind: str, snapshot: dict, actor: Actor
) -> DatasetRevision:
    last = dataset.revisions.aggregate(n=Max("number"))["n"] or 0
    return DatasetRevision.objects.create(
        dataset=dataset,
        number=last + 1,
        kind=kind,
        snapshot=snapshot,
        actor_user=actor.user,
        actor_token=actor.token,
        actor_label=actor.label[:200],
        status=(
            DatasetRevision.Status.APPLIED
            if kind == DatasetRevision.Kind.WITHDRAW
            else DatasetRevision.Status.PENDING
        ),
    )


def queue_validation(
    *,
    dataset: Dataset,
    revision: DatasetRevision,
    trigger: str = ValidationRun.Trigger.SUBMISSION,
    enqueue: bool = True,
) -> ValidationRun:
    """Write the run row now; enqueue its job only once the transaction has committed.

    Runs are deduplicated: if the dataset already has a queued run, that run is pointed at this
    revision instead of queueing a second one. Call with the dataset row locked. With
    `enqueue=False` the caller queues the job (several runs to a job, for instance).
    """
    run = ValidationRun.objects.filter(dataset=dataset, status=ValidationRun.Status.QUEUED).first()
    if run is not None:
        run.revision = revision
        if trigger != ValidationRun.Trigger.RECHECK:
            run.trigger = trigger
        run.save(update_fields=["revision", "trigger"])
    else:
        run = ValidationRun.objects.create(
            dataset=dataset, revision=revision, trigger=trigger, queued_at=timezone.now()
        )
    if enqueue:
        enqueue_on_commit("registry.tasks.validate_dataset", run.id)
    return run


# The Dataset columns copied from a harvest's provenance (column: key, longest value kept),
# for the exports that state them without reading the whole provenance.
SOURCE_COLUMNS = {
    "source_issued": ("issued", 32),
    "source_modified": ("modified", 32),
    "source_identifier": ("remote_id", 500),
    "source_publisher": ("publisher", 300),
}


def source_columns(provenance: dict | None) -> dict[str, str]:
    """The Dataset columns for what a harvest's provenance states (blank where nothing)."""
    provenance = provenance or {}
    return {
        column: str(provenance.get(key) or "")[:limit]
        for column, (key, limit) in SOURCE_COLUMNS.items()
    }


def _supersede_pending(dataset: Dataset) -> None:
    if dataset.pending_revision_id:
        DatasetRevision.objects.filter(
            pk=dataset.pending_revision_id, status=DatasetRevision.Status.PENDING
        ).update(status=DatasetRevision.Status.SUPERSEDED)


def dataset_register(
    *, institution: Institution, data: dict, actor: Actor, provenance: dict | None = None
) -> Dataset:
    """Register a new dataset for an institution and queue its validation.

    `data` is validated input in snapshot shape; missing keys take their defaults. Without a
    slug, one is derived from the title. `provenance` says where a harvested dataset came from.
    """
    if not institution.is_provider:
        raise ServiceError("Only provider institutions can register datasets.", field="institution")
    snapshot = snapshot_normalise(data, known_distribution_ids=set())
    check_consistent(snapshot)
    try:
        with transaction.atomic():
            if snapshot["slug"]:
                _check_slug_free(institution, snapshot["slug"], exclude=None)
            else:
                snapshot["slug"] = _unique_slug(institution, slugify(snapshot["title"]))
            dataset = Dataset(
                institution=institution,
                status=Dataset.Status.VALIDATING,
                provenance=provenance or {},
                **source_columns(provenance),
            )
            _apply_snapshot(dataset, snapshot)
            revision = _record_revision(
                dataset=dataset, kind=DatasetRevision.Kind.CREATE, snapshot=snapshot, actor=actor
            )
            dataset.current_revision = revision
            dataset.pending_revision = revision
            dataset.save(update_fields=["current_revision", "pending_revision"])
            queue_validation(dataset=dataset, revision=revision)
    except IntegrityError as exc:
        # Two registrations raced for the same slug; the loser gets the same answer as a
        # sequential duplicate would.
        message = str(exc)
        if "dataset_slug_unique" in message or "registry_dataset.slug" in message:
            raise Conflict(
                f"This institution already has a dataset with slug {snapshot['slug']!r}.",
                field="slug",
            ) from None
        raise
    return dataset


# Long: one transaction on the locked row: merge, normalise, compare, record, queue.
def dataset_update(
    *,
    dataset: Dataset,
    data: dict,
    actor: Actor,
    partial: bool,
    provenance: dict | None = None,
    match_distributions: bool = False,
) -> Dataset:
    """Record a change to a dataset and queue its validation.

    With `partial`, keys absent from `data` keep their latest value (a pending update's, if
    there is one); otherwise `data` replaces the whole metadata. A published dataset keeps
    showing its current version until the change passes validation. `provenance`, for
    harvested datasets, is recorded at once (it describes the harvest, not the metadata).
    With `match_distributions` (a harvest: sources give no ids of ours), a distribution without
    an id keeps the id of the one with the same addresses, so that its IRI stays the same.
    """
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.status == Dataset.Status.WITHDRAWN:
            raise Conflict(
                "This dataset has been withdrawn and can no longer change.", field="status"
            )
        if provenance is not None and provenance != dataset.provenance:
            dataset.provenance = provenance
            for name, value in source_columns(provenance).items():
                setattr(dataset, name, value)
            dataset.save(update_fields=["provenance", *SOURCE_COLUMNS])
        pending = dataset.pending_revision
        base = pending.snapshot if pending else dataset_snapshot(dataset)
        merged = {**base, **data} if partial else {**data}
        if match_distributions and "distributions" in data:
            merged["distributions"] = distributions_matched(
                data["distributions"], base["distributions"]
            )
        if partial and "data_card" in data:  # the keys given replace those keys only
            merged["data_card"] = {**card_of(base.get("data_card")), **data["data_card"]}
        if not merged.get("slug"):
            merged["slug"] = base["slug"]
        known = {d["id"] for d in base["distributions"]} | {
            str(i) for i in dataset.distributions.values_list("id", flat=True)
        }
        snapshot = snapshot_normalise(merged, known_distribution_ids=known)
        check_consistent(snapshot)
        if snapshot == base:
            return dataset  # nothing changed: no revision, no run (PUT is idempotent)
        _check_slug_free(dataset.institution, snapshot["slug"], exclude=dataset.pk)

        _supersede_pending(dataset)
        revision = _record_revision(
            dataset=dataset, kind=DatasetRevision.Kind.UPDATE, snapshot=snapshot, actor=actor
        )
        if dataset.status == Dataset.Status.PUBLISHED:
            dataset.pending_revision = revision
            dataset.save(update_fields=["pending_revision"])
        else:
            # Nothing public to protect: the row shows the latest submission while it is checked.
            _apply_snapshot(dataset, snapshot)
            dataset.status = Dataset.Status.VALIDATING
            dataset.current_revision = revision
            dataset.pending_revision = revision
            dataset.modified_at = timezone.now()
            dataset.save(
                update_fields=["status", "current_revision", "pending_revision", "modified_at"]
            )
        queue_validation(dataset=dataset, revision=revision)
    return dataset


def dataset_withdraw(*, dataset: Dataset, actor: Actor) -> Dataset:
    """Withdraw a dataset: it leaves the catalogue but is never deleted. Idempotent."""
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.status == Dataset.Status.WITHDRAWN:
            return dataset
        _supersede_pending(dataset)
        revision = _record_revision(
            dataset=dataset,
            kind=DatasetRevision.Kind.WITHDRAW,
            snapshot=dataset_snapshot(dataset),
            actor=actor,
        )
        now = timezone.now()
        dataset.status = Dataset.Status.WITHDRAWN
        dataset.withdrawn_at = now
        dataset.modified_at = now
        dataset.current_revision = revision
        dataset.pending_revision = None
        dataset.save(
            update_fields=[
                "status",
                "withdrawn_at",
                "modified_at",
                "current_revision",
                "pending_revision",
            ]
        )
    return dataset


def dataset_revalidate(*, dataset: Dataset) -> ValidationRun:
    """Validate a dataset again now (its owner asked). Returns the queued run.

    A published dataset is re-checked as it stands; a rejected one has its latest submission
    validated again (say, after the institution fixed its source) and is published if it passes.
    A dataset that already waits in the queue keeps its single queued run.
    """
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.status == Dataset.Status.WITHDRAWN:
            raise Conflict("This dataset has been withdrawn.", field="status")
        queued = ValidationRun.objects.filter(dataset=dataset, status=ValidationRun.Status.QUEUED)
        if queued.exists():
            return queued.get()
        if dataset.pending_revision_id:
            return queue_validation(
                dataset=dataset,
                revision=dataset.pending_revision,
                trigger=ValidationRun.Trigger.MANUAL,
            )
        revision = dataset.current_revision
        if dataset.status != Dataset.Status.PUBLISHED:
            revision.status = DatasetRevision.Status.PENDING
            revision.save(update_fields=["status"])
            dataset.pending_revision = revision
            dataset.status = Dataset.Status.VALIDATING
            dataset.save(update_fields=["pending_revision", "status"])
        return queue_validation(
            dataset=dataset, revision=revision, trigger=ValidationRun.Trigger.MANUAL
        )


def dataset_apply_revision(
    *, dataset: Dataset, revision: DatasetRevision, also_save: tuple[str, ...] = ()
) -> None:
    """Make a validated revision the public version. Call inside the transaction that locked
    the dataset row. `also_save` names other fields the caller set on `dataset`."""
    if dataset.current_revision_id != revision.pk:
        _apply_snapshot(dataset, revision.snapshot)  # else the row already shows this revision
    dataset.save(update_fields=[*dataset_mark_published(dataset, revision), *also_save])
    DatasetRevision.objects.filter(pk=revision.pk).update(status=DatasetRevision.Status.APPLIED)


def dataset_mark_published(dataset: Dataset, revision: DatasetRevision) -> tuple[str, ...]:
    """Set on `dataset` (its row already shows `revision`) what publishing changes, returning
    those fields, and on `revision` its status; the caller writes both rows."""
    now = timezone.now()
    dataset.status = Dataset.Status.PUBLISHED
    dataset.current_revision = revision
    dataset.pending_revision = None
    dataset.modified_at = now
    dataset.published_at = dataset.published_at or now
    revision.status = DatasetRevision.Status.APPLIED
    return PUBLISHED_FIELDS


PUBLISHED_FIELDS = ("status", "current_revision", "pending_revision", "modified_at", "published_at")
