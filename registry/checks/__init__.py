"""The registry of validation checks.

A check is a small function `(snapshot, context) -> iterable of Finding`, registered with
`@check("name")`. It reads the dataset snapshot under validation and never writes anything.
Error findings block publication; warnings and info do not.
"""

# Importing the modules registers their checks.
from . import licence, metadata, personal_data, sample, source
from .base import CHECKS, CheckContext, Finding, Severity, check, harvested_policy, run_checks
from .fetches import FETCH_STATS, SharedFetches

__all__ = [
    "CHECKS",
    "FETCH_STATS",
    "CheckContext",
    "Finding",
    "Severity",
    "SharedFetches",
    "check",
    "harvested_policy",
    "licence",
    "metadata",
    "personal_data",
    "run_checks",
    "sample",
    "source",
]
