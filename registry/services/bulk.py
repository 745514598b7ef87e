"""Registering many datasets at once, for harvest imports.

The same rows as `dataset_register` — the dataset, its distributions, revision 1 and a queued
validation run — written with a few statements per table for the whole batch instead of about
ten per dataset, and validation queued as batch jobs once the transaction commits. Validation
then decides publication exactly as for a dataset registered through the API.
"""

import logging
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from core.errors import ServiceError
from core.jobs import enqueue_many_on_commit

from ..models import Dataset, DatasetRevision, Distribution, Institution, ValidationRun
from .datasets import Actor, source_columns
from .snapshots import DISTRIBUTION_DEFAULTS, snapshot_assign, snapshot_normalise

logger = logging.getLogger(__name__)


def _unique_slugs(institution: Institution, titles: list[str]) -> list[str]:
    bases = [(slugify(title) or "dataset")[:90].strip("-") or "dataset" for title in titles]
    taken = set(
        Dataset.objects.filter(institution=institution, slug__in=set(bases)).values_list(
            "slug", flat=True
        )
    )
    clashing = {base for base in bases if base in taken}
    for base in clashing:  # only bases already in use need their numbered variants
        taken |= set(
            Dataset.objects.filter(
                institution=institution, slug__startswith=f"{base}-"
            ).values_list("slug", flat=True)
        )
    slugs = []
    for base in bases:
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


# Long: one transaction of set-based writes (rows, revisions, runs) whose ids feed each other.
def datasets_register_bulk(
    *, institution: Institution, items: list[tuple[dict, dict | None]], actor: Actor
) -> list[Dataset]:
    """Register datasets from validated input `(data, provenance)` pairs; slugs are derived from
    titles. Call inside a transaction: the batch is written whole or not at all."""
    if not institution.is_provider:
        raise ServiceError("Only provider institutions can register datasets.", field="institution")
    if not items:
        return []
    now = timezone.now()
    snapshots = [snapshot_normalise(data, known_distribution_ids=set()) for data, _ in items]
    for snapshot, slug in zip(
        snapshots, _unique_slugs(institution, [s["title"] for s in snapshots]), strict=True
    ):
        snapshot["slug"] = slug
    datasets, distributions = [], []
    for snapshot, (_, provenance) in zip(snapshots, items, strict=True):
        dataset = Dataset(
            id=uuid.uuid4(),
            institution=institution,
            status=Dataset.Status.VALIDATING,
            provenance=provenance or {},
            **source_columns(provenance),
            created_at=now,
            modified_at=now,
        )
        snapshot_assign(dataset, snapshot)
        datasets.append(dataset)
        for position, dist in enumerate(snapshot["distributions"]):
            row = Distribution(id=uuid.UUID(dist["id"]), dataset=dataset, position=position)
            for name in DISTRIBUTION_DEFAULTS:
                setattr(row, name, dist[name])
            distributions.append(row)
    Dataset.objects.bulk_create(datasets)
    Distribution.objects.bulk_create(distributions)
    revisions = DatasetRevision.objects.bulk_create(
        DatasetRevision(
            dataset=dataset,
            number=1,
            kind=DatasetRevision.Kind.CREATE,
            status=DatasetRevision.Status.PENDING,
            snapshot=snapshot,
            actor_user=actor.user,
            actor_token=actor.token,
            actor_label=actor.label[:200],
        )
        for dataset, snapshot in zip(datasets, snapshots, strict=True)
    )
    for dataset, revision in zip(datasets, revisions, strict=True):
        dataset.current_revision = revision
        dataset.pending_revision = revision
    Dataset.objects.bulk_update(datasets, ["current_revision", "pending_revision"])
    runs = ValidationRun.objects.bulk_create(
        ValidationRun(dataset=dataset, revision=revision, queued_at=now)
        for dataset, revision in zip(datasets, revisions, strict=True)
    )
    run_ids = [run.pk for run in runs]
    size = settings.SUCHI_RUN_BATCH

    # The runs are written and stay queued; if the broker is down the sweeper queues them.
    enqueue_many_on_commit(
        "registry.tasks.validate_datasets",
        [(run_ids[start : start + size],) for start in range(0, len(run_ids), size)],
    )
    return datasets
