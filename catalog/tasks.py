"""Background jobs of the catalogue."""

from celery import shared_task
from django.db import connection

from .search.postgres import facet_counts_fold


@shared_task(acks_late=True, reject_on_worker_lost=True)
def fold_facet_counts() -> int:
    """Fold the search triggers' facet deltas into the counters (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        return facet_counts_fold(cursor)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def validate_document_job(job_id: str) -> str | None:
    """Check a document queued for validation (catalog/validator/jobs.py)."""
    from .validator.jobs import job_run

    state = job_run(job_id)
    return state["status"] if state else None
