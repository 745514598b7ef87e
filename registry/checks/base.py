"""The check registry's machinery: a finding, what a check may know (CheckContext), the
`@check` decorator and `run_checks`. The checks themselves are the sibling modules; importing
the package registers them."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from .. import sources
from ..models import ValidationFinding

logger = logging.getLogger(__name__)

Severity = ValidationFinding.Severity


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str
    field: str = ""
    distribution_id: str | None = None
    detail: dict = dataclass_field(default_factory=dict)


class CheckContext:
    """What a check may know besides the snapshot, and the sources it may read.

    Fetches are made once per URL and run, and shared by the checks that need them; with
    `shared` (a checks.fetches.SharedFetches) once per URL for a whole batch of runs, fetched
    concurrently before the checks run.
    """

    def __init__(
        self,
        *,
        institution_slug: str,
        dataset_id: str,
        resolver=None,
        check_sources: bool = True,
        shared=None,
        defer_links: bool = False,
    ):
        self.institution_slug = institution_slug
        self.dataset_id = dataset_id
        self.resolver = resolver
        # False only for demo data whose sources are fictional; the run says so in a finding.
        self.check_sources = check_sources
        self._problems: dict[str, str | None] = {}
        self._heads: dict[str, sources.FetchResult] = {}
        self._samples: dict[str, sources.FetchResult] = {}
        self._shared = shared
        # A harvested record's submission: reachability and the sample's checksum and schema
        # are checked by the re-check that follows publication (registry.services.validation).
        self.defer_links = defer_links

    def url_problem(self, url: str) -> str | None:
        """Why `url` must not be fetched, or None. Resolves the host (no connection)."""
        if url not in self._problems:
            try:
                sources.resolve_safely(url, resolver=self.resolver)
                self._problems[url] = None
            except sources.UnsafeURL as exc:
                self._problems[url] = str(exc)
            except sources.Unresolvable:
                self._problems[url] = None  # unreachable, not unsafe: reachability reports it
        return self._problems[url]

    def head(self, url: str) -> "sources.FetchResult":
        """HEAD the URL, falling back to a one-byte ranged GET where HEAD is not supported."""
        if url not in self._heads:
            if self._shared is not None:
                self._heads[url] = self._shared.head(url)
            else:
                self._heads[url] = sources.head(url, resolver=self.resolver)
        return self._heads[url]

    def sample(self, url: str) -> "sources.FetchResult":
        """GET at most 1 MiB of the URL (decompressed), in memory only."""
        if url not in self._samples:
            if self._shared is not None:
                self._samples[url] = self._shared.sample(url)
            else:
                self._samples[url] = sources.fetch(url, resolver=self.resolver)
        return self._samples[url]

    def fetches(self) -> list["sources.FetchResult"]:
        return [*self._heads.values(), *self._samples.values()]


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
    """Run every registered check; return (check name, finding) pairs in registry order.

    A check that raises is recorded as an error finding and the others still run. Its
    exception text is not kept: it may quote the data being checked.
    """
    results = []
    for name, fn in CHECKS.items():
        try:
            results.extend((name, finding) for finding in list(fn(snapshot, context)))
        except Exception as exc:
            logger.error("check crashed", extra={"check": name, "exception": type(exc).__name__})
            results.append(
                (
                    name,
                    Finding(
                        severity=Severity.ERROR,
                        message=f"The check `{name}` failed unexpectedly ({type(exc).__name__}); "
                        "the other checks ran. Try again later or contact the operators.",
                        detail={"crashed": True, "exception": type(exc).__name__},
                    ),
                )
            )
    return results


# What keeps a harvested record out of the catalogue (docs/harvest.md). The source is the
# authority of its own metadata: only a record no catalogue can list (no title; no way to
# reach the data, neither a distribution nor a landing page) or one that would expose people
# (personal data in an open dataset) is rejected. A way to reach the data is a distribution, a
# landing page, or someone to ask (a contact e-mail): many catalogues list data that is had on
# request, and DHS's data.json lists 900 of its 1,093 datasets that way. Every other error our
# registration API would raise becomes a warning: a lower quality score and a to-do, never a
# rejection.
def _blocks_a_harvested_record(check: str, finding: Finding, snapshot: dict) -> bool:
    if check == "personal_data":
        return True
    if check != "metadata_completeness":
        return False
    if finding.field in {"title", "contains_personal_data"}:
        return True
    contact = snapshot.get("contact_point") or {}
    reachable = snapshot.get("landing_page") or contact.get("email")
    return finding.field == "distributions" and not reachable


def harvested_policy(snapshot: dict, results: list[tuple[str, Finding]]):
    """The findings of a harvested record under the harvest policy: errors that do not block a
    harvested record are kept, as warnings, with `detail.harvest_policy` saying so."""
    out = []
    for check, finding in results:
        if finding.severity == Severity.ERROR and not _blocks_a_harvested_record(
            check, finding, snapshot
        ):
            finding = Finding(
                severity=Severity.WARNING,
                message=finding.message,
                field=finding.field,
                distribution_id=finding.distribution_id,
                detail={**finding.detail, "harvest_policy": "an error for a registration"},
            )
        out.append((check, finding))
    return out
