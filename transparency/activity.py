"""What happens in the registry, counted by month: validation rejections, harvest runs, consent,
access requests and agreements, grievances. Counted from the ledgers (consent and exchange
events, partitioned by month, so a period reads only its months) and the rows they point at.
"""

import statistics
from datetime import UTC

from django.db import connections, router
from django.db.models import Count, F, Min, OuterRef, Subquery
from django.db.models.functions import TruncMonth

from catalog.pages import CHECK_TITLES
from consent.models import ConsentEvent, ConsentRequest
from exchange.models import ExchangeEvent
from harvest.models import HarvestJob, HarvestSource
from registry.models import ValidationFinding, ValidationRun
from rights.models import Grievance, GrievanceStep

from .periods import Period

HARVEST_SOURCES_SHOWN = 500


def _month(value) -> str:
    return value.strftime("%Y-%m")


def _months(period: Period) -> list[str]:
    return [_month(m) for m in period.months()]


def _events_by_month(model, period: Period, kinds: dict[str, str]) -> dict[str, dict]:
    """{month: {column: count}} of the events of `kinds` ({kind: column}) in the period."""
    counted: dict[str, dict] = {}
    rows = (
        model.objects.filter(
            created_at__gte=period.start(), created_at__lt=period.end(), kind__in=list(kinds)
        )
        .annotate(month=TruncMonth("created_at", tzinfo=UTC))
        .values_list("month", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for month, kind, n in rows:
        column = kinds[kind]
        bucket = counted.setdefault(_month(month), {})
        bucket[column] = bucket.get(column, 0) + n
    return counted


def _rows(period: Period, counted: dict[str, dict], columns) -> list[dict]:
    return [
        {"month": month, **{c: counted.get(month, {}).get(c, 0) for c in columns}}
        for month in _months(period)
    ]


def rejections(period: Period) -> list[dict]:
    """Submissions whose validation failed, by month and by each check that failed them (a run
    failed by two checks counts under both): one row a month, `counts` by check. Re-checks of
    published datasets are not submissions and are not counted."""
    counted: dict[str, dict] = {}
    rows = (
        ValidationFinding.objects.filter(
            severity=ValidationFinding.Severity.ERROR,
            run__status=ValidationRun.Status.FAILED,
            run__finished_at__gte=period.start(),
            run__finished_at__lt=period.end(),
        )
        .exclude(run__trigger=ValidationRun.Trigger.RECHECK)
        .annotate(month=TruncMonth("run__finished_at", tzinfo=UTC))
        .values_list("month", "check_name")
        .annotate(runs=Count("run", distinct=True))
        .order_by()
    )
    for month, name, runs in rows:
        counted.setdefault(_month(month), {})[name] = runs
    return [{"month": month, "counts": counted.get(month, {})} for month in _months(period)]


def rejections_by_check(monthly: list[dict]) -> list[dict]:
    """The months' counts summed by check, largest first, each with its title."""
    totals: dict[str, int] = {}
    for row in monthly:
        for name, runs in row["counts"].items():
            totals[name] = totals.get(name, 0) + runs
    return [
        {"value": name, "label": str(CHECK_TITLES.get(name, name)), "runs": runs}
        for name, runs in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ]


def harvest_sources(period: Period) -> list[dict]:
    """Active harvest sources, the most recently run first, with their last finished job."""
    last = HarvestJob.objects.filter(source=OuterRef("pk"), finished_at__isnull=False).order_by(
        "-finished_at", "-id"
    )
    sources = list(
        HarvestSource.objects.filter(is_active=True)
        .select_related("institution")
        .annotate(
            job_id=Subquery(last.values("id")[:1]),
            last_run=Subquery(last.values("finished_at")[:1]),
        )
        .order_by(F("last_run").desc(nulls_last=True), "name")[:HARVEST_SOURCES_SHOWN]
    )
    jobs = HarvestJob.objects.in_bulk([s.job_id for s in sources if s.job_id])
    kinds, frequencies = dict(HarvestSource.Kind.choices), dict(HarvestSource.Frequency.choices)
    statuses = dict(HarvestJob.Status.choices)
    rows = []
    for source in sources:
        job = jobs.get(source.job_id)
        rows.append(
            {
                "source": source.name,
                "institution": source.institution.name,
                "kind": str(kinds.get(source.kind, source.kind)),
                "frequency": str(frequencies.get(source.frequency, source.frequency)),
                "last_run": job.finished_at.isoformat() if job else None,
                "status": str(statuses.get(job.status, job.status)) if job else "",
                **{
                    n: getattr(job, n) if job else 0
                    for n in ("added", "updated", "withdrawn", "failed")
                },
            }
        )
    return rows


_RESPONSE_SQL = (
    "SELECT date_trunc('month', e.created_at AT TIME ZONE 'UTC'), percentile_cont(0.5) WITHIN "
    "GROUP (ORDER BY extract(epoch FROM e.created_at - r.created_at)) FROM {events} e "
    "JOIN {requests} r ON r.id = e.request_id WHERE e.kind IN (%s, %s) "
    "AND e.created_at >= %s AND e.created_at < %s GROUP BY 1"
)


def _median_response_hours(period: Period) -> dict[str, float]:
    """{month: median hours from a consent request to the citizen's answer}, by the month of
    the answer. On PostgreSQL one statement (percentile_cont); elsewhere counted here."""
    kinds = [ConsentEvent.Kind.REQUEST_GRANTED, ConsentEvent.Kind.REQUEST_DENIED]
    connection = connections[router.db_for_read(ConsentEvent)]
    if connection.vendor == "postgresql":
        sql = _RESPONSE_SQL.format(
            events=ConsentEvent._meta.db_table, requests=ConsentRequest._meta.db_table
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*kinds, period.start(), period.end()])
            return {_month(m): round(s / 3600, 1) for m, s in cursor.fetchall()}
    waits: dict[str, list[float]] = {}
    answers = ConsentEvent.objects.filter(
        kind__in=kinds, created_at__gte=period.start(), created_at__lt=period.end()
    ).values_list("created_at", "request__created_at")
    for answered, asked in answers:
        waits.setdefault(_month(answered.astimezone(UTC)), []).append(
            (answered - asked).total_seconds()
        )
    return {m: round(statistics.median(v) / 3600, 1) for m, v in waits.items()}


def consent(period: Period) -> list[dict]:
    kind = ConsentEvent.Kind
    kinds = {
        kind.REQUEST_CREATED: "requests",
        kind.REQUEST_GRANTED: "grants",
        kind.REQUEST_DENIED: "denials",
        kind.ARTEFACT_REVOKED: "revocations",
        kind.ARTEFACT_EXPIRED: "expiries",
    }
    rows = _rows(period, _events_by_month(ConsentEvent, period, kinds), kinds.values())
    medians = _median_response_hours(period)
    for row in rows:
        row["median_response_hours"] = medians.get(row["month"])
    return rows


def agreements(period: Period) -> list[dict]:
    kind = ExchangeEvent.Kind
    kinds = {
        kind.REQUEST_CREATED: "requests",
        kind.REQUEST_APPROVED: "approvals",
        kind.REQUEST_REJECTED: "rejections",
        kind.AGREEMENT_SUSPENDED: "suspensions",
        kind.AGREEMENT_REVOKED: "revocations",
        kind.AGREEMENT_EXPIRED: "expiries",
    }
    return _rows(period, _events_by_month(ExchangeEvent, period, kinds), kinds.values())


def _count_by_month(field: str, period: Period) -> dict[str, int]:
    rows = (
        Grievance.objects.filter(**{f"{field}__gte": period.start(), f"{field}__lt": period.end()})
        .annotate(month=TruncMonth(field, tzinfo=UTC))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {_month(m): n for m, n in rows}


def grievances(period: Period) -> list[dict]:
    """Filed and resolved each month, and the median days from filing to the first answer
    (an institution's, before any escalation) among those first answered that month."""
    filed, resolved = _count_by_month("created_at", period), _count_by_month("resolved_at", period)
    firsts = (
        GrievanceStep.objects.filter(kind=GrievanceStep.Kind.ANSWERED)
        .values("grievance_id")
        .annotate(first=Min("at"))
        .filter(first__gte=period.start(), first__lt=period.end())
        .values_list("first", "grievance__created_at")
    )
    waits: dict[str, list[float]] = {}
    for when, filed_at in firsts:
        waits.setdefault(_month(when.astimezone(UTC)), []).append(
            (when - filed_at).total_seconds() / 86400
        )
    return [
        {
            "month": month,
            "filed": filed.get(month, 0),
            "resolved": resolved.get(month, 0),
            "median_answer_days": round(statistics.median(waits[month]), 1)
            if month in waits
            else None,
        }
        for month in _months(period)
    ]
