"""Reading harvest jobs: a job's report (progress, outcomes, findings) in four queries,
whatever the number of datasets — counts are aggregated in SQL, examples picked by a window."""

from django.db.models import Count, Exists, F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber

from registry.models import ValidationFinding, ValidationRun

from .models import HarvestJob, HarvestJobItem, HarvestSource

MAX_FINDING_GROUPS = 30
EXAMPLES_PER_GROUP = 3
OUTCOMES = ("published", "published_with_warnings", "rejected", "not_validated", "pending")


def harvest_job_for(*, institution, job_id) -> HarvestJob | None:
    """The institution's job, or None."""
    return (
        HarvestJob.objects.select_related("source")
        .filter(pk=job_id, source__institution=institution)
        .first()
    )


def harvest_sources_with_last_job(*, institution) -> list[HarvestSource]:
    """The institution's sources by name, each with `last_job` (None if never run): two
    queries."""
    sources = list(HarvestSource.objects.filter(institution=institution).order_by("name"))
    latest = HarvestJob.objects.filter(source=OuterRef("source")).order_by("-id").values("id")[:1]
    jobs = {
        job.source_id: job
        for job in HarvestJob.objects.filter(source__in=sources, id=Subquery(latest))
    }
    for source in sources:
        source.last_job = jobs.get(source.pk)
    return sources


def _submission_runs():
    """Runs of the job's revisions that the import queued (not later re-checks)."""
    return ValidationRun.objects.exclude(trigger=ValidationRun.Trigger.RECHECK)


def _outcome(status: str | None, warned: bool) -> str:
    if status == ValidationRun.Status.PASSED:
        return "published_with_warnings" if warned else "published"
    if status == ValidationRun.Status.FAILED:
        return "rejected"
    if status == ValidationRun.Status.ERROR:
        return "not_validated"
    return "pending"


def _outcomes(job: HarvestJob) -> dict[str, int]:
    runs = _submission_runs().filter(revision=OuterRef("revision"))
    warnings = ValidationFinding.objects.filter(
        run__revision=OuterRef("revision"), severity=ValidationFinding.Severity.WARNING
    ).exclude(run__trigger=ValidationRun.Trigger.RECHECK)
    rows = (
        HarvestJobItem.objects.filter(job=job)
        .annotate(
            run_status=Subquery(runs.order_by("pk").values("status")[:1]),
            warned=Exists(warnings),
        )
        .values("run_status", "warned")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(OUTCOMES, 0)
    for row in rows:
        counts[_outcome(row["run_status"], row["warned"])] += row["n"]
    return counts


def _findings(job: HarvestJob) -> list[dict]:
    """Errors and warnings of the job's datasets by (check, field, severity), largest first,
    with up to three examples each."""
    findings = ValidationFinding.objects.filter(
        run__in=_submission_runs().filter(
            revision__in=HarvestJobItem.objects.filter(job=job).values("revision")
        ),
        severity__in=[ValidationFinding.Severity.ERROR, ValidationFinding.Severity.WARNING],
    )
    key = ("check_name", "field", "severity")
    groups = list(
        findings.values(*key)
        .annotate(count=Count("pk"), datasets=Count("run__dataset", distinct=True))
        .order_by("-count", *key)[:MAX_FINDING_GROUPS]
    )
    wanted = {tuple(group[k] for k in key) for group in groups}
    examples = (
        findings.annotate(
            rank=Window(RowNumber(), partition_by=[F(k) for k in key], order_by=F("pk").asc())
        )
        .filter(rank__lte=EXAMPLES_PER_GROUP)
        .values(*key, "message", "run__dataset_id", "run__dataset__title")
        .order_by("pk")
    )
    by_group: dict[tuple, list] = {}
    for row in examples:
        group = tuple(row[k] for k in key)
        if group in wanted:
            by_group.setdefault(group, []).append(
                {
                    "dataset": row["run__dataset_id"],
                    "title": row["run__dataset__title"],
                    "message": row["message"],
                }
            )
    return [
        {
            "check": group["check_name"],
            "field": group["field"],
            "severity": group["severity"],
            "count": group["count"],
            "datasets": group["datasets"],
            "examples": by_group.get(tuple(group[k] for k in key), []),
        }
        for group in groups
    ]


def harvest_job_report(*, job: HarvestJob, findings: bool = True) -> dict:
    """Progress (gather n; import n/N; validation n/N of the datasets the job added or
    changed), outcomes of those datasets' validation, and their findings grouped by kind.
    Rejected reasons are the findings of severity error. `findings=False` leaves them out
    (an empty list): what polling for progress wants, at a fraction of the cost."""
    outcomes = _outcomes(job)
    total = sum(outcomes.values())
    imported = job.added + job.updated + job.unchanged + job.failed
    gathering = job.status in HarvestJob.ACTIVE and job.stage in ("", "gather")
    return {
        "progress": {
            "gathered": job.gathered,
            "imported": imported,
            "to_import": None if gathering else job.gathered,
            "validated": total - outcomes["pending"],
            "to_validate": total,
            "settled": job.status not in HarvestJob.ACTIVE and not outcomes["pending"],
        },
        "outcomes": outcomes,
        "findings": _findings(job) if findings else [],
    }
