"""Harvest services: the only code that writes harvest rows. `sources` registers and schedules
harvest sources; `jobs` starts, runs and aborts their jobs; `sweep` settles the jobs whose
process died."""

from .jobs import harvest_job_abort, harvest_job_run, harvest_job_start
from .sources import (
    harvest_source_create,
    harvest_source_deactivate,
    harvest_source_for,
    harvests_schedule,
)
from .sweep import harvest_jobs_sweep

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
