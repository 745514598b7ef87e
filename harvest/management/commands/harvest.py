import sys
import threading
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.errors import ServiceError

from ...models import HarvestJob, HarvestSource
from ...services import harvest_job_run, harvest_job_start


class Command(BaseCommand):
    help = (
        "Harvest a source now (by id or name). With --wait, run it here with a progress bar "
        "and print the report; without, queue it for a worker and print the job id."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="source id or name")
        parser.add_argument("--wait", action="store_true", help="run here and print the report")

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

        finished = threading.Event()

        def work() -> None:
            try:
                harvest_job_run(job_id=job.pk)
            finally:
                connection.close()
                finished.set()

        threading.Thread(target=work, daemon=True).start()
        interactive = sys.stdout.isatty()
        while not finished.wait(0.5):
            job.refresh_from_db()
            self._progress(job, interactive)
        job.refresh_from_db()
        if interactive:
            self._progress(job, interactive)
            self.stdout.write("")
        self._report(job)
        if job.status != HarvestJob.Status.FINISHED:
            raise CommandError(f"Job {job.pk} {job.status}: {job.error}")

    def _progress(self, job: HarvestJob, interactive: bool) -> None:
        imported = job.added + job.updated + job.unchanged + job.failed
        width = 30
        filled = 0 if job.stage == "gather" else int(width * imported / max(job.gathered, 1))
        bar = "#" * filled + "-" * (width - filled)
        line = (
            f"[{bar}] {job.stage or job.status:<8} pages {job.pages:>5}  "
            f"gathered {job.gathered:>8}  imported {imported:>8}"
        )
        if interactive:
            self.stdout.write("\r" + line, ending="")
            self.stdout.flush()
        elif job.stage:
            self.stdout.write(line)

    def _report(self, job: HarvestJob) -> None:
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
