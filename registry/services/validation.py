"""Running validation: claim a queued run, run the checks, record findings and the quality
score, then settle the dataset (publish, reject, or update the health of the public version).

The job is idempotent: a run is claimed with a conditional UPDATE, so a duplicate delivery of
the same message finds nothing to claim; results are written only by the attempt that holds
the claim.
"""

import logging
import socket
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.jobs import enqueue_on_commit

from ..checks import CheckContext, Severity, SharedFetches, harvested_policy, run_checks
from ..models import Dataset, DatasetRevision, ValidationFinding, ValidationRun
from ..quality import quality_score, stated_moment
from ..rawsql import column_loader, rows_update
from .settling import SETTLE_READS, ClaimedRun, Writes, links_deferred, settle
from .validation_queue import requeue_or_close

logger = logging.getLogger(__name__)


def _relax_durability() -> None:
    """Let PostgreSQL acknowledge this transaction's commit before it reaches disk.

    Safe for validation claims and results: if a database crash loses the last moments of
    commits, the affected runs are left queued or running, and the sweeper runs them again (runs
    are idempotent). A worker's crash loses nothing: the commit is visible at once. Waiting for
    the disk is the largest single cost of a run on a busy machine. Call first thing inside the
    transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@dataclass(frozen=True)
class RunOutcome:
    status: str  # a ValidationRun.Status, or "skipped" when there was nothing to claim
    retry: bool = False


def validation_run_execute(*, run_id: int, resolver=None, check_sources: bool = True) -> RunOutcome:
    """Execute one queued validation run. Safe to call twice for the same run.

    `resolver` replaces DNS resolution (tests only; production resolves for real).
    `check_sources=False` skips the checks that contact sources (demo data only); the run
    records that it did.
    """
    outcomes = validation_runs_execute(
        run_ids=[run_id], resolver=resolver, check_sources=check_sources
    )
    return outcomes[run_id]


# Long: claim, check each run under one deadline, record together (or one by one if that
# fails): the three steps share the batch's deadline and its DNS answers.
def validation_runs_execute(
    *, run_ids: list[int], resolver=None, check_sources: bool = True
) -> dict[int, RunOutcome]:
    """Execute queued validation runs together; returns each run's outcome. Safe to call twice.

    The runs are claimed in one statement and their results recorded in one transaction, which
    costs little more than recording one. Runs not queued are skipped. A worker that dies after
    the claim leaves its runs `running`, and the sweeper takes them back. Runs not reached
    within SUCHI_RUN_BATCH_SECONDS are queued again as single jobs.
    """
    outcomes = {run_id: RunOutcome(status="skipped") for run_id in run_ids}
    checked = []
    deadline = time.monotonic() + settings.SUCHI_RUN_BATCH_SECONDS
    claimed = _claim(run_ids)
    # One DNS answer per host for the whole batch (failures too): a harvested catalogue's
    # records mostly share a few hosts, and each lookup can take a third of a second.
    resolver = _BatchResolver(resolver or socket.getaddrinfo)
    for run_id in set(run_ids) - {run.id for run in claimed}:
        logger.info("validation run not claimable", extra={"run_id": run_id})
    # Every distinct source URL of the batch, fetched once and concurrently (bounded overall
    # and per host) before the checks read the answers.
    shared = SharedFetches(resolver=resolver)
    if check_sources:
        safety = CheckContext(institution_slug="", dataset_id="", resolver=resolver)
        shared.prefetch(
            [(run.snapshot, links_deferred(run)) for run in claimed],
            lambda url: safety.url_problem(url) is None,
            deadline=deadline,
        )
    for position, run in enumerate(claimed):
        if position and time.monotonic() > deadline:
            # Slow sources: the runs still waiting would hold their claim too long (and the
            # task could hit its time limit), so they go back to the queue, each as its own job.
            outcomes.update(_hand_back(claimed[position:]))
            break
        context = CheckContext(
            institution_slug=run.institution_slug,
            dataset_id=str(run.dataset_id),
            resolver=resolver,
            check_sources=check_sources,
            shared=shared,
            defer_links=links_deferred(run),
        )
        try:
            run.results = run_checks(run.snapshot, context)
            if run.harvested:
                run.results = harvested_policy(run.snapshot, run.results)
            run.quality = quality_score(
                run.snapshot,
                run.results,
                context=context,
                modified_at=stated_moment(run.source_modified) or run.revision_created_at,
            )
        except Exception as exc:
            logger.exception("validation run crashed", extra={"run_id": run.id})
            outcomes[run.id] = _record_crash(run, exc)
            continue
        failed = any(finding.severity == Severity.ERROR for _, finding in run.results)
        run.status = ValidationRun.Status.FAILED if failed else ValidationRun.Status.PASSED
        checked.append(run)

    if len(checked) <= 1:
        outcomes.update(_record_results(checked))
        return outcomes
    try:
        outcomes.update(_record_results(checked))
    except Exception:
        # Recording them together rolled back: record each on its own, so that one bad run
        # cannot hold back the others. One that fails again stays running, for the sweeper.
        logger.exception("recording validation results together failed")
        for run in checked:
            try:
                outcomes.update(_record_results([run]))
            except Exception:
                logger.exception("recording a validation result failed", extra={"run_id": run.id})
                outcomes[run.id] = RunOutcome(status=ValidationRun.Status.RUNNING)
    return outcomes


class _BatchResolver:
    """getaddrinfo with its answers (and failures) kept for one batch of runs — and, for the
    system resolver, for DNS_CACHE_SECONDS across batches of this process: a harvested
    catalogue's records share a few hosts, and a lookup can take a third of a second (a failed
    one as long). The connection still goes to the address that was checked, so a cached
    answer cannot be used to reach an address the guard refuses."""

    def __init__(self, resolve):
        self._resolve, self._answers = resolve, {}
        self._shared = resolve is socket.getaddrinfo

    def __call__(self, host, port, **kwargs):
        # Keyed by host, not port: the guard uses the addresses only (an http and an https
        # link to one host are one lookup).
        key = (host, tuple(sorted(kwargs.items())))
        if key not in self._answers:
            cached = _DNS_CACHE.get(key) if self._shared else None
            if cached is not None and cached[0] > time.monotonic():
                self._answers[key] = cached[1]
            else:
                try:
                    self._answers[key] = (True, self._resolve(host, port, **kwargs))
                except OSError as exc:
                    self._answers[key] = (False, exc)
                if self._shared:
                    if len(_DNS_CACHE) > 10_000:
                        _DNS_CACHE.clear()
                    _DNS_CACHE[key] = (time.monotonic() + DNS_CACHE_SECONDS, self._answers[key])
        ok, answer = self._answers[key]
        if not ok:
            raise answer
        return answer


DNS_CACHE_SECONDS = 60
_DNS_CACHE: dict = {}


def _hand_back(runs: list[ClaimedRun]) -> dict[int, RunOutcome]:
    """Queue claimed runs again, unchecked, each as its own job."""
    outcomes = {}
    with transaction.atomic():
        for run in runs:
            status = requeue_or_close(
                run, error="Not reached within its batch's time; queued again.", give_up=False
            )
            if status == ValidationRun.Status.QUEUED:
                enqueue_on_commit("registry.tasks.validate_dataset", run.id)
            outcomes[run.id] = RunOutcome(status=status)
    return outcomes


# Long: one statement claims the runs and returns what their checks need, column by column.
def _claim(run_ids: list[int]) -> list[ClaimedRun]:
    """Take the runs that are queued (a conditional UPDATE, committed at once so that an attempt
    counts even if the worker dies) and read what their checks need."""
    if not run_ids:
        return []
    # One statement claims the runs and returns what the checks need (UPDATE … RETURNING:
    # PostgreSQL; SQLite ≥ 3.35); the ORM's update() only counts rows. Only placeholders are
    # interpolated.
    claim = (
        "UPDATE registry_validationrun SET status = %s, started_at = %s, attempt = attempt + 1 "  # noqa: S608
        f"WHERE status = %s AND id IN ({', '.join(['%s'] * len(run_ids))}) "
        "RETURNING id, attempt, dataset_id, revision_id, trigger, "
        "(SELECT snapshot FROM registry_datasetrevision AS r"
        " WHERE r.id = registry_validationrun.revision_id), "
        "(SELECT created_at FROM registry_datasetrevision AS r"
        " WHERE r.id = registry_validationrun.revision_id), "
        "(SELECT i.slug FROM registry_dataset AS d"
        " JOIN registry_institution AS i ON i.id = d.institution_id"
        " WHERE d.id = registry_validationrun.dataset_id), "
        "(SELECT d.provenance FROM registry_dataset AS d"
        " WHERE d.id = registry_validationrun.dataset_id), "
        "(SELECT d.source_modified FROM registry_dataset AS d"
        " WHERE d.id = registry_validationrun.dataset_id), "
        # Written by a harvest (the system), not by a member or a token: only then does the
        # harvest policy apply; an API or console edit of a harvested dataset is strict.
        "(SELECT r.actor_user_id IS NULL AND r.actor_token_id IS NULL"
        " FROM registry_datasetrevision AS r WHERE r.id = registry_validationrun.revision_id)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # A claim lost in a database crash takes every later write of the run with it (the log
        # is written in order): the run is simply queued again.
        _relax_durability()
        cursor.execute(
            claim,
            [
                ValidationRun.Status.RUNNING.value,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                ValidationRun.Status.QUEUED.value,
                *run_ids,
            ],
        )
        rows = sorted(cursor.fetchall())
    load_dataset_id = column_loader(ValidationRun, "dataset_id")
    load_snapshot = column_loader(DatasetRevision, "snapshot")
    load_created_at = column_loader(DatasetRevision, "created_at")
    load_provenance = column_loader(Dataset, "provenance")
    return [
        ClaimedRun(
            id=run_id,
            attempt=attempt,
            dataset_id=load_dataset_id(dataset_id),
            revision_id=revision_id,
            snapshot=load_snapshot(snapshot),
            revision_created_at=load_created_at(created_at),
            institution_slug=slug,
            harvested=bool(load_provenance(provenance)) and bool(by_system),
            source_modified=source_modified or "",
            trigger=trigger,
        )
        for (
            run_id, attempt, dataset_id, revision_id, trigger, snapshot, created_at, slug,
            provenance, source_modified, by_system,
        ) in rows
    ]  # fmt: skip


# Long: one transaction recording a batch of runs: findings, statuses and revisions written
# together.
def _record_results(runs: list[ClaimedRun]) -> dict[int, RunOutcome]:
    """Write the results of checked runs and settle their datasets, in one transaction.

    Only the attempt that still holds a run's claim writes its result: if the sweeper handed
    the run to another attempt meanwhile, that one owns it.
    """
    if not runs:
        return {}
    by_id = {run.id: run for run in runs}
    with transaction.atomic():
        _relax_durability()
        # One read locks the runs, their revisions and their datasets (which settling changes).
        locked = (
            ValidationRun.objects.select_for_update(of=("self", "revision", "dataset"))
            .select_related("revision", "dataset")
            .only(
                "status",
                "attempt",
                "revision",
                "revision__status",
                "dataset",
                *(f"dataset__{name}" for name in SETTLE_READS),
            )
            .filter(id__in=by_id)
            .order_by("id")
        )
        owned = [
            row
            for row in locked
            if row.status == ValidationRun.Status.RUNNING and row.attempt == by_id[row.id].attempt
        ]
        now = timezone.now()
        rows_update(
            (
                ValidationRun(
                    id=row.id, status=by_id[row.id].status, quality=by_id[row.id].quality,
                    finished_at=now, error="",
                )
                for row in owned
            ),
            ("status", "quality", "finished_at", "error"),
        )  # fmt: skip
        ValidationFinding.objects.bulk_create(
            ValidationFinding(
                run_id=row.id,
                check_name=name,
                severity=f.severity,
                message=f.message,
                field=f.field,
                distribution_id=f.distribution_id,
                detail=f.detail,
            )
            for row in owned
            for name, f in by_id[row.id].results
        )
        # What most runs settle the same way (a new record published, a re-check's health) is
        # written with one statement for the batch. A batch holds one run a dataset: it claims
        # queued runs, and a dataset has one queued run at most (a unique index).
        writes = Writes()
        for row in owned:
            settle(by_id[row.id], row.revision, row.dataset, writes)
        writes.write()
    for row in owned:
        run = by_id[row.id]
        logger.info(
            "validation run finished",
            extra={"run_id": run.id, "status": run.status, "findings": len(run.results)},
        )
    outcomes = {run.id: RunOutcome(status="skipped") for run in runs}
    outcomes.update({row.id: RunOutcome(status=by_id[row.id].status) for row in owned})
    return outcomes


def _record_crash(run: ClaimedRun, exc: Exception) -> RunOutcome:
    """The run itself failed (not a check: those are isolated): retry, or give up."""
    give_up = run.attempt >= settings.SUCHI_RUN_MAX_ATTEMPTS
    with transaction.atomic():
        status = requeue_or_close(run, error=f"{type(exc).__name__}: {exc}", give_up=give_up)
    return RunOutcome(status=status, retry=status == ValidationRun.Status.QUEUED)
