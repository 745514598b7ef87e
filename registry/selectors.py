"""Registry reads: querysets with their joins done, scoped to who is asking."""

from functools import lru_cache
from itertools import accumulate

from django.db import connections, router
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from .models import Dataset, DatasetRevision, Distribution, Institution, ValidationRun
from .rawsql import model_from_row


def _distributions() -> Prefetch:
    return Prefetch("distributions", queryset=Distribution.objects.order_by("position", "id"))


def _with_related(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return qs.select_related(
        "institution", "current_revision", "pending_revision"
    ).prefetch_related(_distributions())


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


@lru_cache(maxsize=4)
def _public_dataset_sql(vendor: str) -> tuple[str, list[int]]:
    """The anonymous detail read, written out: the dataset with its institution and both
    revisions, one statement; and where each model's columns start."""
    parts = [(Dataset, "d"), (Institution, "i"), (DatasetRevision, "cr"), (DatasetRevision, "pr")]
    columns = ", ".join(
        f'{alias}."{field.column}"'
        for model, alias in parts
        for field in model._meta.concrete_fields
    )
    revisions = DatasetRevision._meta.db_table
    # Table and column names come from the models; the id and the statuses are parameters.
    sql = (
        f"SELECT {columns} FROM {Dataset._meta.db_table} d "  # noqa: S608
        f"JOIN {Institution._meta.db_table} i ON i.id = d.institution_id "
        f"LEFT JOIN {revisions} cr ON cr.id = d.current_revision_id "
        f"LEFT JOIN {revisions} pr ON pr.id = d.pending_revision_id "
        "WHERE d.id = %s AND (d.status = %s OR (d.status = %s AND d.published_at IS NOT NULL))"
    )
    ends = list(accumulate(len(model._meta.concrete_fields) for model, _ in parts))
    return sql, ends


def dataset_public(pk) -> Dataset | None:
    """A dataset as anyone may read it (published, or withdrawn after it was public: the
    caller answers 410), with what `datasets_visible_to` joins and prefetches; None if there
    is none. The hot path of anonymous detail reads (harvesters), so the dataset's statement
    is written out: compiling the ORM's four-table join cost more than running it."""
    # A replica when the request reads from one (core/replicas.py), as the ORM would.
    using = router.db_for_read(Dataset)
    connection = connections[using]
    sql, ends = _public_dataset_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                Dataset._meta.pk.get_db_prep_value(pk, connection),
                Dataset.Status.PUBLISHED,
                Dataset.Status.WITHDRAWN,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    dataset = model_from_row(Dataset, row[: ends[0]], using=using)
    dataset.institution = model_from_row(Institution, row[ends[0] : ends[1]], using=using)
    for name, start, end in (
        ("current_revision", ends[1], ends[2]),
        ("pending_revision", ends[2], ends[3]),
    ):
        values = row[start:end]
        setattr(
            dataset,
            name,
            model_from_row(DatasetRevision, values, using=using) if values[0] is not None else None,
        )
    prefetch_related_objects([dataset], _distributions())
    return dataset
