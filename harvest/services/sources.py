"""Harvest sources: register, deactivate, find one, and start the jobs that are due."""

import contextlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, NotFound, ServiceError
from registry.models import Institution
from registry.sources import url_refused

from ..models import HarvestSource
from .jobs import harvest_job_start

INTERVALS = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
}


# --- sources -----------------------------------------------------------------------------------
def _check_url(url: str) -> None:
    url_refused(url, what="source URL")


def harvest_source_create(
    *,
    institution: Institution,
    name: str,
    kind: str,
    url: str,
    frequency: str = "manual",
    withdraw_grace_hours: int = 0,
) -> HarvestSource:
    """Register a catalogue to harvest into the institution's datasets."""
    if not institution.is_provider:
        raise ServiceError("Only provider institutions can harvest datasets.", field="institution")
    if kind not in HarvestSource.Kind.values:
        raise ServiceError(
            f"Unknown kind {kind!r}; use one of {', '.join(HarvestSource.Kind.values)}.",
            field="kind",
        )
    if frequency not in HarvestSource.Frequency.values:
        raise ServiceError(
            f"Unknown frequency {frequency!r}; use one of "
            f"{', '.join(HarvestSource.Frequency.values)}.",
            field="frequency",
        )
    if not name.strip():
        raise ServiceError("A source needs a name.", field="name")
    _check_url(url)
    try:
        with transaction.atomic():
            return HarvestSource.objects.create(
                institution=institution,
                name=name.strip(),
                kind=kind,
                url=url,
                frequency=frequency,
                withdraw_grace_hours=withdraw_grace_hours,
                next_run_at=timezone.now() if frequency != "manual" else None,
            )
    except IntegrityError:
        raise Conflict("This institution already harvests that URL.", field="url") from None


def harvest_source_deactivate(*, source: HarvestSource) -> HarvestSource:
    """Stop scheduling a source. Its datasets stay; its history stays."""
    HarvestSource.objects.filter(pk=source.pk).update(is_active=False, next_run_at=None)
    source.is_active, source.next_run_at = False, None
    return source


# --- jobs --------------------------------------------------------------------------------------
def harvest_source_for(*, institution: Institution, source_id) -> HarvestSource:
    source = HarvestSource.objects.filter(pk=source_id, institution=institution).first()
    if source is None:
        raise NotFound("No such harvest source.")
    return source


def harvests_schedule(*, now=None) -> list[int]:
    """Start jobs for active sources whose time has come. Returns the new job ids."""
    now = now or timezone.now()
    started = []
    due = HarvestSource.objects.filter(is_active=True, next_run_at__lte=now).exclude(
        frequency="manual"
    )
    for source in due:
        HarvestSource.objects.filter(pk=source.pk).update(
            next_run_at=now + INTERVALS[source.frequency]
        )
        # If the previous run is still going, the next tick tries again.
        with contextlib.suppress(Conflict):
            started.append(harvest_job_start(source=source, trigger="schedule").pk)
    return started
