"""Registry services: the only code that writes registry rows."""

from .bulk import datasets_register_bulk
from .datasets import (
    Actor,
    dataset_register,
    dataset_revalidate,
    dataset_snapshot,
    dataset_update,
    dataset_withdraw,
)
from .institutions import institution_create, membership_add
from .tokens import IssuedToken, token_authenticate, token_issue, token_revoke
from .validation import validation_run_execute, validation_runs_execute
from .validation_queue import validation_rechecks_schedule, validation_runs_sweep

__all__ = [
    "Actor",
    "IssuedToken",
    "dataset_register",
    "dataset_revalidate",
    "dataset_snapshot",
    "dataset_update",
    "dataset_withdraw",
    "datasets_register_bulk",
    "institution_create",
    "membership_add",
    "token_authenticate",
    "token_issue",
    "token_revoke",
    "validation_rechecks_schedule",
    "validation_run_execute",
    "validation_runs_execute",
    "validation_runs_sweep",
]
