"""Registry reads: querysets with their joins done, scoped to who is asking."""

from django.db.models import Prefetch, Q, QuerySet

from .models import Dataset, DatasetRevision, Distribution, Institution, ValidationRun


def _with_related(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return qs.select_related(
        "institution", "current_revision", "pending_revision"
    ).prefetch_related(
        Prefetch("distributions", queryset=Distribution.objects.order_by("position", "id"))
    )


def datasets_published() -> QuerySet[Dataset]:
    """What anyone may list: published datasets, newest change first."""
    return _with_related(Dataset.objects.filter(status=Dataset.Status.PUBLISHED)).order_by(
        "-modified_at", "id"
    )


def datasets_visible_to(*, institution: Institution | None) -> QuerySet[Dataset]:
    """Published and withdrawn datasets for everyone, plus every dataset of the caller's own
    institution. Withdrawn ones are included so that callers can answer 410, not 404."""
    # A withdrawn dataset that was never public stays unknown to others (404, not 410).
    visible = Q(status=Dataset.Status.PUBLISHED) | Q(
        status=Dataset.Status.WITHDRAWN, published_at__isnull=False
    )
    if institution is not None:
        visible |= Q(institution=institution)
    return _with_related(Dataset.objects.filter(visible))


def datasets_writable_by(*, institution: Institution) -> QuerySet[Dataset]:
    return _with_related(Dataset.objects.filter(institution=institution))


def dataset_revisions(*, dataset: Dataset, owner: bool) -> QuerySet[DatasetRevision]:
    """A dataset's history. Others see only what was made public (applied changes)."""
    qs = dataset.revisions.select_related("dataset__institution").order_by("-number")
    if not owner:
        qs = qs.filter(status=DatasetRevision.Status.APPLIED)
    return qs


def dataset_validation_runs(*, dataset: Dataset, owner: bool) -> QuerySet[ValidationRun]:
    qs = (
        dataset.validation_runs.select_related("revision")
        .prefetch_related("findings")
        .order_by("-created_at", "-id")
    )
    if not owner:
        qs = qs.filter(revision__status=DatasetRevision.Status.APPLIED)
    return qs
