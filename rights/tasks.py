"""Background jobs of grievances and breach reports. Thin and idempotent."""

from celery import shared_task

from .breaches import breach_notices_sweep, breach_notify
from .services import grievances_escalate_overdue


@shared_task(acks_late=True, ignore_result=True)
def escalate_grievances() -> int:
    """Send grievances past their due date to the grievance officer, telling each citizen."""
    return grievances_escalate_overdue()


@shared_task(acks_late=True, ignore_result=True)
def notify_breach(report_id: str) -> int:
    """Tell each citizen a breach report concerns, once (a second run tells no one again)."""
    return breach_notify(report_id=report_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep_breach_notices() -> int:
    """Queue again the breach notices whose job was lost (a second run tells no one twice)."""
    return len(breach_notices_sweep())
