"""The ground floor's periodic job: next months' partitions of the record tables."""

from celery import shared_task

from .partitions import partitions_ensure_all


@shared_task
def ensure_partitions(months_ahead: int = 3) -> int:
    """Create the coming months' partitions of every partitioned table (beat, daily)."""
    return partitions_ensure_all(months_ahead=months_ahead)
