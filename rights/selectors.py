"""Grievance reads, scoped to who is asking, and the statistics the transparency page shows."""

from collections.abc import Iterable
from datetime import timedelta
from statistics import median

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from consent.models import AccountLink, CitizenProfile, ConsentArtefact, ConsentRequest
from identity.models import Notification
from registry.models import Dataset, Institution

from .models import BREACH_NOTIFICATION_KIND, BreachReport, Grievance

Status = Grievance.Status


def _grievances() -> QuerySet[Grievance]:
    return Grievance.objects.select_related("institution", "citizen").prefetch_related("steps")


def institutions_of_citizen(citizen: CitizenProfile) -> QuerySet[Institution]:
    """The institutions the citizen deals with through Suchi: those that asked for their
    consent, hold records a request named, or hold their linked accounts."""
    requests = ConsentRequest.objects.filter(citizen=citizen)
    asked = requests.values("consumer")
    holding = requests.values("datasets__institution")
    linked = AccountLink.objects.filter(citizen=citizen).values("provider")
    return Institution.objects.filter(
        Q(pk__in=asked) | Q(pk__in=holding) | Q(pk__in=linked)
    ).order_by("name")


def grievances_of_citizen(*, citizen: CitizenProfile, status: str | None = None):
    qs = _grievances().filter(citizen=citizen)
    return qs.filter(status=status) if status else qs


def grievances_of_institution(*, institution: Institution, status: str | None = None):
    qs = _grievances().filter(institution=institution)
    return qs.filter(status=status) if status else qs


def grievances_for_officer(*, status: str | None = None):
    """What the grievance officer handles: grievances escalated (now or before) and those
    about Suchi."""
    qs = _grievances().filter(Q(escalated_at__isnull=False) | Q(institution__isnull=True))
    return qs.filter(status=status) if status else qs.order_by("due_at")


def grievance_stats(*, now=None) -> dict:
    """Received, answered (in time or late), open and overdue, escalated, resolved; and the
    median days to an answer. Counted in the database, cheap at any size."""
    now = now or timezone.now()
    counts = Grievance.objects.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        answered_in_time=Count("pk", filter=Q(answered_at__lte=F("due_at"))),
        open=Count("pk", filter=Q(status=Status.OPEN)),
        overdue=Count("pk", filter=Q(answered_at__isnull=True, due_at__lte=now)),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
        resolved=Count("pk", filter=Q(status=Status.RESOLVED)),
    )
    recent = (
        Grievance.objects.filter(answered_at__isnull=False)
        .order_by("-answered_at")
        .values_list("created_at", "answered_at")[:1000]
    )
    days = [(answered - created) / timedelta(days=1) for created, answered in recent]
    counts["median_days_to_answer"] = round(median(days), 1) if days else None
    return counts


# --- Breach reports --------------------------------------------------------------------------
def breaches_of_institution(*, institution: Institution) -> QuerySet[BreachReport]:
    """The institution's own reports, newest first, with what they name."""
    return (
        BreachReport.objects.filter(institution=institution)
        .select_related("institution")
        .prefetch_related(
            Prefetch("datasets", queryset=Dataset.objects.only("id", "title").order_by("title")),
            Prefetch("artefacts", queryset=ConsentArtefact.objects.only("id").order_by("id")),
        )
        .order_by("-created_at")
    )


def breach_delivery(report_ids: Iterable) -> dict:
    """Report id → {channel: {status: count}} of the notifications each report sent."""
    counts: dict = {}
    rows = (
        Notification.objects.filter(about__in=list(report_ids), kind=BREACH_NOTIFICATION_KIND)
        .values("about", "channel", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        by_channel = counts.setdefault(row["about"], {})
        by_channel.setdefault(row["channel"], {})[row["status"]] = row["n"]
    return counts
