import sys
import threading
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core import inprocess
from core.errors import ServiceError
from core.queues import queue_name

from ...models import HarvestJob, HarvestSource
from ...selectors import harvest_job_report
from ...services import harvest_job_run, harvest_job_start

POLL_SECONDS = 0.25  # --wait reads the progress this often (a cheap query: no findings)
STALLED_AFTER = 3.0  # seconds without progress before --wait asks whether a worker consumes


class Command(BaseCommand):
    help = (
        "Harvest a source now (by id or name). With --wait, follow the job with progress lines "
        "until it and the validations it queued have settled, then print its report; without, "
        "queue it and print the job id."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="source id or name")
        parser.add_argument(
            "--wait", action="store_true", help="follow the job here and print the report"
        )

    def handle(self, *args, **opts):
        source = HarvestSource.objects.filter(name=opts["source"]).first()
        if source is None:
            try:
                source = HarvestSource.objects.filter(pk=uuid.UUID(opts["source"])).first()
            except ValueError:
                source = None
        if source is None:
            raise CommandError(f"No harvest source {opts['source']!r}.")
        try:
            job = harvest_job_start(source=source, trigger="command")
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        if not opts["wait"]:
            self.stdout.write(f"Queued job {job.pk} of {source.name}.")
            return
        if not inprocess.embedded():
            # With a broker, run the job here (whichever of this and a worker claims it first
            # runs it); its validations go to the workers.
            threading.Thread(target=self._run, args=(job.pk,), daemon=True).start()
        report = self._follow(job)
        self._report(job, report)
        if job.status != HarvestJob.Status.FINISHED:
            raise CommandError(f"Job {job.pk} {job.status}: {job.error}")

    def _run(self, job_id: int) -> None:
        try:
            harvest_job_run(job_id=job_id)
        finally:
            connection.close()

    def _follow(self, job: HarvestJob) -> dict:
        """Print progress until the job has ended and its validations have settled (or, with a
        broker, until it is clear that no worker takes them)."""
        interactive = sys.stdout.isatty()
        last, consumed, moved = None, None, time.monotonic()
        while True:
            job.refresh_from_db()
            report = harvest_job_report(job=job, findings=False)
            line = _progress_line(job, report["progress"])
            if line != last:
                self.stdout.write(
                    ("\r" if interactive else "") + line, ending="" if interactive else "\n"
                )
                self.stdout.flush()
                last, moved = line, time.monotonic()
            if report["progress"]["settled"]:
                report = harvest_job_report(job=job)
                break
            # Asking the workers takes a second: only once the job has ended and its
            # validations have stopped moving.
            stalled = time.monotonic() - moved > STALLED_AFTER
            if job.status not in HarvestJob.ACTIVE and stalled and not inprocess.embedded():
                if consumed is None:
                    consumed = _workers_consume()
                if not consumed:
                    self.stdout.write(
                        "\nNo worker is taking jobs from the queue: the remaining validations "
                        "stay queued for one."
                    )
                    report = harvest_job_report(job=job)
                    break
            time.sleep(POLL_SECONDS)
        if interactive:
            self.stdout.write("")
        inprocess.drain(timeout=60)
        return report

    def _report(self, job: HarvestJob, report: dict) -> None:
        took = (job.finished_at - job.started_at).total_seconds() if job.finished_at else 0.0
        self.stdout.write(
            f"Job {job.pk} {job.status} in {took:.1f} s: gathered {job.gathered}, added "
            f"{job.added}, updated {job.updated}, unchanged {job.unchanged}, withdrawn "
            f"{job.withdrawn}, failed {job.failed}."
        )
        for line in job.errors[:20]:
            self.stdout.write(f"  - {line}")
        if len(job.errors) > 20:
            self.stdout.write(f"  … and {len(job.errors) - 20} more in the job's report")
        if job.error:
            self.stdout.write(f"Error: {job.error}")
        outcomes = report["outcomes"]
        self.stdout.write(
            f"Validation of the {report['progress']['to_validate']} datasets added or changed: "
            f"published {outcomes['published']}, published with warnings "
            f"{outcomes['published_with_warnings']}, rejected {outcomes['rejected']}, not "
            f"validated {outcomes['not_validated']}, pending {outcomes['pending']}."
        )
        for group in report["findings"]:
            field = f" ({group['field']})" if group["field"] else ""
            self.stdout.write(
                f"  {group['severity']}: {group['check']}{field}: {group['count']} in "
                f"{group['datasets']} datasets, e.g. "
                + "; ".join(f"{e['title']} [{e['dataset']}]" for e in group["examples"])
            )


def _progress_line(job: HarvestJob, progress: dict) -> str:
    line = f"{job.stage or job.status:<8} gather {progress['gathered']}"
    if progress["to_import"] is not None:
        line += f"; import {progress['imported']}/{progress['to_import']}"
    if progress["to_validate"]:
        line += f"; validation {progress['validated']}/{progress['to_validate']}"
    return line


def _workers_consume() -> bool:
    """Whether some worker consumes the queue validations are sent to."""
    from celery import current_app as app

    try:
        queues = app.control.inspect(timeout=1.0).active_queues() or {}
    except Exception:
        return False
    wanted = queue_name("validation", app.conf.task_default_queue)
    return any(q.get("name") == wanted for qs in queues.values() for q in qs)
