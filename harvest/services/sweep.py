"""Settling harvest jobs nobody is running any more.

A running job whose process died is failed with the reason and started again once, as a new
job (trigger `resume`): that job gathers the source again, and the import skips every record the
dead one had already imported (same (source, guid), same content hash), so nothing is imported
twice. A waiting job whose message was lost is queued again.
"""

import contextlib
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.errors import ServiceError
from core.jobs import enqueue_many

from ..models import HarvestJob, StagedRecord
from .jobs import harvest_job_start

RESUME = "resume"


def process_gone(worker: str) -> bool:
    """True if `worker` (host:pid) names a process of this host that no longer exists. A
    process on another host, or one we may not signal, counts as alive: its heartbeat decides."""
    host, _, pid = worker.rpartition(":")
    if not host or host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _why(job: HarvestJob, stale) -> str:
    if job.heartbeat_at is not None and job.heartbeat_at < stale:
        return (
            f"no heartbeat for {settings.SUCHI_HARVEST_HEARTBEAT_TIMEOUT} s: the worker "
            "running it stopped"
        )
    return f"the process running it ({job.worker}) stopped"


def harvest_jobs_sweep(*, now=None, startup: bool = False) -> tuple[list[int], list[int]]:
    """Fail running jobs whose process died (heartbeat stopped, or the recorded process of this
    host is gone), resume each once, and queue again the waiting jobs the broker may have lost
    (those older than a minute; all of them with `startup`, as an embedded process starts and
    its predecessor's queue is gone). Returns (failed ids, re-queued ids)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.SUCHI_HARVEST_HEARTBEAT_TIMEOUT)
    failed = []
    for job in HarvestJob.objects.filter(status=HarvestJob.Status.RUNNING).select_related("source"):
        if not (job.heartbeat_at and job.heartbeat_at < stale) and not process_gone(job.worker):
            continue
        why = _why(job, stale)
        if not HarvestJob.objects.filter(
            pk=job.pk, status=HarvestJob.Status.RUNNING, heartbeat_at=job.heartbeat_at
        ).update(status=HarvestJob.Status.FAILED, finished_at=now, stage="", error=why):
            continue  # it beat (or finished) meanwhile: alive after all
        StagedRecord.objects.filter(job=job).delete()
        failed.append(job.pk)
        HarvestJob.objects.filter(pk=job.pk).update(error=f"{why}; {_resume(job)}")
    waiting = list(
        HarvestJob.objects.filter(
            status=HarvestJob.Status.NEW,
            created_at__lt=now if startup else now - timedelta(minutes=1),
        ).values_list("pk", flat=True)
    )
    enqueue_many("harvest.tasks.run_harvest_job", [(job_id,) for job_id in waiting])
    return failed, waiting


def _resume(job: HarvestJob) -> str:
    """Start the dead job's source again, once (a resumed job that dies is left failed; a job
    that never recorded its process had nothing to resume). Says what happened."""
    if job.trigger == RESUME or not job.worker:
        return "the next run starts afresh"
    with contextlib.suppress(ServiceError):  # deactivated, or another job took the source
        resumed = harvest_job_start(source=job.source, trigger=RESUME)
        return f"resumed as job {resumed.pk}, which skips what this one imported"
    return "the next run starts afresh"
