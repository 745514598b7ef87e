"""Validation as a queued job, for documents that take longer to check than a request may
last (a 10,000-dataset catalogue takes pyshacl a minute or two: docs/benchmarks.md).

`POST /api/v1/validate/dcat` with `Prefer: respond-async` (RFC 7240) answers 202 with the
job's address at once; a worker on the validation queue checks the document with
SUCHI_VALIDATOR_JOB_SECONDS to do it, and the report waits at that address for
SUCHI_VALIDATOR_JOB_TTL seconds. Nothing goes to the database: the document and the report
are kept in the shared cache (Redis), the document only until the job has read it. A job whose
message the broker lost says so when its document expires.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import enqueue

from . import (
    ValidatorError,
    checkable,
    validate_document,
)
from .wording import report_data

TASK = "catalog.tasks.validate_document_job"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class QueueUnavailable(ValidatorError):
    status = 503
    retry_after = 60


def _key(job_id: str) -> str:
    return f"validator:job:{job_id}"


def _document_key(job_id: str) -> str:
    return f"validator:document:{job_id}"


def _keep(state: dict) -> dict:
    cache.set(_key(state["id"]), state, settings.SUCHI_VALIDATOR_JOB_TTL)
    return state


def job_submit(*, raw: bytes, media_type: str) -> dict:
    """Queue a check of `raw`; the job's state (`queued`). Raises a ValidatorError for what
    would never be checked (wrong type, too large, empty) or when the queue cannot take it."""
    checkable(raw, media_type)
    job_id = str(uuid.uuid4())
    cache.set(_document_key(job_id), raw, settings.SUCHI_VALIDATOR_JOB_TTL)
    state = _keep(
        {"id": job_id, "status": QUEUED, "media_type": media_type, "size": len(raw),
         "submitted_at": timezone.now().isoformat(), "finished_at": None}
    )  # fmt: skip
    if not enqueue(TASK, job_id):
        cache.delete_many([_key(job_id), _document_key(job_id)])
        raise QueueUnavailable(_("The validator's queue is unavailable. Try again shortly."))
    return state


def job_state(job_id: str) -> dict | None:
    """The job's state, with its report once done; None for a job unknown or expired."""
    return cache.get(_key(job_id))


def job_run(job_id: str) -> dict | None:
    """Check the job's document (the task's body). Running it twice does no harm: a job
    already finished is left as it is."""
    state = cache.get(_key(job_id))
    if state is None or state["status"] in (DONE, FAILED):
        return state
    raw = cache.get(_document_key(job_id))
    if raw is None:
        return _keep({**state, "status": FAILED, "finished_at": timezone.now().isoformat(),
                      "detail": _("The document expired before it could be checked.")})  # fmt: skip
    _keep({**state, "status": RUNNING})
    try:
        report = validate_document(
            raw, state["media_type"], seconds=settings.SUCHI_VALIDATOR_JOB_SECONDS, queued=True
        )
        outcome = {"status": DONE, "report": report_data(report)}
    except ValidatorError as exc:
        outcome = {"status": FAILED, "detail": str(exc.message), "http_status": exc.status}
    cache.delete(_document_key(job_id))
    return _keep({**state, **outcome, "finished_at": timezone.now().isoformat()})
