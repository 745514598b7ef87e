"""Celery queues by kind of work, so one kind never waits behind another: a 100,000-record
harvest fills `suchi.harvest`, and a consent notification on `suchi.notifications` is taken
by its own workers at once (docker-compose.yml's scale profile runs one worker per queue).

| queue | what |
|---|---|
| `<base>.validation` | validating submitted datasets |
| `<base>.harvest` | harvest jobs |
| `<base>.notifications` | webhooks, e-mail and SMS to citizens, breach notices, and their retries |
| `<base>.maintenance` | the periodic sweeps: expiry, rechecks scheduling, ledger checkpoints, … |

`<base>` is Celery's default queue (SUCHI_CELERY_QUEUE, `suchi`); a worker given
`all_queues()` serves every kind, as the default compose worker does, plus `<base>` itself for
messages queued before the queues were split. Each message carries the time it was sent
(SENT_HEADER), so /metrics can tell the age of the oldest message waiting on each queue.
"""

import time

from celery import current_app
from celery.signals import before_task_publish

KINDS = ("validation", "harvest", "notifications", "maintenance")
SENT_HEADER = "suchi_sent_at"

_KIND_OF_TASK = {
    "registry.tasks.validate_dataset": "validation",
    "registry.tasks.validate_datasets": "validation",
    "catalog.tasks.validate_document_job": "validation",
    "harvest.tasks.run_harvest_job": "harvest",
    "consent.tasks.deliver_webhook": "notifications",
    "consent.tasks.deliver_due_webhooks": "notifications",
    "identity.tasks.deliver_notification": "notifications",
    "identity.tasks.sweep_notifications": "notifications",
    "rights.tasks.notify_breach": "notifications",
    "rights.tasks.sweep_breach_notices": "notifications",
}


def kind_of(task_name: str) -> str:
    return _KIND_OF_TASK.get(task_name, "maintenance")


def queue_name(kind: str, base: str | None = None) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown queue kind {kind!r}; one of {KINDS}")
    return f"{base or current_app.conf.task_default_queue}.{kind}"


def all_queues(base: str | None = None) -> list[str]:
    base = base or current_app.conf.task_default_queue
    return [base, *(queue_name(kind, base) for kind in KINDS)]


def route(name, args, kwargs, options, task=None, **extra):
    """Celery's task router (CELERY_TASK_ROUTES): the queue of the task's kind, under the
    default queue as it is when the task is sent (a test session changes it)."""
    app = task.app if task is not None else current_app
    return {"queue": queue_name(kind_of(name), app.conf.task_default_queue)}


@before_task_publish.connect
def _stamp(headers=None, **kwargs) -> None:
    if headers is not None:
        headers.setdefault(SENT_HEADER, time.time())
