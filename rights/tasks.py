"""Background jobs of grievances. Thin and idempotent."""

from celery import shared_task

from .services import grievances_escalate_overdue


@shared_task(acks_late=True, ignore_result=True)
def escalate_grievances() -> int:
    """Send grievances past their due date to the grievance officer, telling each citizen."""
    return grievances_escalate_overdue()
