"""Harvest services: the only code that writes harvest rows. `sources` registers and schedules
harvest sources; `jobs` starts, runs, aborts and sweeps their jobs."""

from .jobs import harvest_job_abort, harvest_job_run, harvest_job_start, harvest_jobs_sweep
from .sources import (
    harvest_source_create,
    harvest_source_deactivate,
    harvest_source_for,
    harvests_schedule,
)

__all__ = [
    "harvest_job_abort",
    "harvest_job_run",
    "harvest_job_start",
    "harvest_jobs_sweep",
    "harvest_source_create",
    "harvest_source_deactivate",
    "harvest_source_for",
    "harvests_schedule",
]
