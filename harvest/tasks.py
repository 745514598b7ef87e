"""Harvest jobs. Thin: load by id, call one service."""

from celery import shared_task

from .services import harvest_job_run, harvest_jobs_sweep, harvests_schedule


# A harvest may take long; it beats its heart, and the sweep fails it if the heart stops.
@shared_task(acks_late=True, ignore_result=True, time_limit=None, soft_time_limit=None)
def run_harvest_job(job_id: int) -> str:
    return harvest_job_run(job_id=job_id)


@shared_task(acks_late=True, ignore_result=True)
def schedule_harvests() -> list[int]:
    return harvests_schedule()


@shared_task(acks_late=True, ignore_result=True)
def sweep_harvest_jobs(startup: bool = False) -> list[list[int]]:
    return [list(ids) for ids in harvest_jobs_sweep(startup=startup)]
