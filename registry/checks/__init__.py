"""The registry of validation checks.

A check is a small function `(snapshot, context) -> iterable of Finding`, registered with
`@check("name")`. It reads the dataset snapshot under validation and never writes anything.
Error findings block publication; warnings and info do not.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from ..models import ValidationFinding

Severity = ValidationFinding.Severity


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str
    field: str = ""
    distribution_id: str | None = None
    detail: dict = dataclass_field(default_factory=dict)


@dataclass(frozen=True)
class CheckContext:
    """What a check may know besides the snapshot."""

    institution_slug: str
    dataset_id: str


CheckFunction = Callable[[dict, CheckContext], Iterable[Finding]]
CHECKS: dict[str, CheckFunction] = {}


def check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    def register(fn: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise ValueError(f"check {name!r} registered twice")
        CHECKS[name] = fn
        return fn

    return register


def run_checks(snapshot: dict, context: CheckContext) -> list[tuple[str, Finding]]:
    """Run every registered check; return (check name, finding) pairs in registry order."""
    results = []
    for name, fn in CHECKS.items():
        results.extend((name, finding) for finding in fn(snapshot, context))
    return results


# Importing the modules registers their checks.
from . import licence, metadata  # noqa: E402

__all__ = [
    "CHECKS",
    "CheckContext",
    "Finding",
    "Severity",
    "check",
    "licence",
    "metadata",
    "run_checks",
]
