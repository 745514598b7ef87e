"""The ground floor's periodic job: next months' partitions of the record tables."""

from celery import shared_task
from django.conf import settings

from .partitions import partitions_ensure


@shared_task
def ensure_partitions(months_ahead: int = 3) -> int:
    """Create the coming months' partitions of every partitioned table (beat, daily)."""
    return sum(
        partitions_ensure(table, months_ahead=months_ahead) for table in settings.SUCHI_PARTITIONED
    )
