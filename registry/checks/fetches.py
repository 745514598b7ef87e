"""The source fetches of a batch of validation runs, made concurrently before the checks run.

A harvested catalogue's records point at a few hosts, each link taking a fraction of a second:
checked one at a time, a batch of 20 records took 40 s with the CPU idle (issue #17). Here every
distinct URL of the batch is fetched once (a HEAD for reachability, a bounded sample of the data
URL of an open dataset), on a pool of SUCHI_LINK_CHECKS threads, and at most
SUCHI_LINK_CHECKS_PER_HOST at a time to one host (politeness: each host's URLs are worked through
by that many lanes; lanes of different hosts share the pool). The checks then read the answers.
"""

import threading
import time
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor, wait
from urllib.parse import urlsplit

from django.conf import settings

from core.http import BUSY_STATUSES, retry_after

from .. import sources
from .source import data_url, distribution_urls


class FetchStats:
    """Fetches in flight now and at the peak, in this process (for benchmarks and metrics)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.total = 0

    def started(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.total += 1
            self.peak = max(self.peak, self.in_flight)

    def finished(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def reset(self) -> None:
        with self._lock:
            self.peak, self.total = self.in_flight, 0


FETCH_STATS = FetchStats()
BUSY_WAIT = 5.0  # seconds a busy host may ask a link check to wait


class SharedFetches:
    """Each URL's HEAD and sample, fetched at most once, concurrently, per host bounded."""

    def __init__(self, resolver=None):
        self.resolver = resolver
        self.heads: dict[str, Future] = {}
        self.samples: dict[str, Future] = {}

    def prefetch(
        self, snapshots: list[tuple[dict, bool]], is_safe, deadline: float | None = None
    ) -> None:
        """Fetch what the checks of these (snapshot, links deferred) will ask for: a HEAD of every
        URL unless the run leaves its links for later, a sample of an open dataset's data URL;
        return when all answered.
        `is_safe(url)` says whether a URL may be contacted at all (the SSRF guard); a lane asks
        it before each fetch."""
        wanted: dict[str, list[tuple[str, str]]] = defaultdict(list)  # host → (kind, url)
        for snapshot, links_deferred in snapshots:
            for url, is_sample in _urls(snapshot):
                if url not in self.heads and not links_deferred:
                    self.heads[url] = Future()
                    wanted[_host(url)].append(("head", url))
                if is_sample and url not in self.samples:
                    self.samples[url] = Future()
                    wanted[_host(url)].append(("sample", url))
        if not wanted:
            return
        # Each host resolved once, one after the other, before the lanes start: many lookups
        # at once get lost by some resolvers (each loss a 5 s retry), and the answers are kept
        # for the lanes' guard checks.
        for work in wanted.values():
            is_safe(work[0][1])
        per_host = max(1, settings.SUCHI_LINK_CHECKS_PER_HOST)
        lanes = [work[lane::per_host] for work in wanted.values() for lane in range(per_host)]
        lanes = [lane for lane in lanes if lane]
        # Bounded overall by the pool; a lane keeps a URL's HEAD before its sample.
        with ThreadPoolExecutor(
            max_workers=min(settings.SUCHI_LINK_CHECKS, len(lanes)),
            thread_name_prefix="link-check",
        ) as pool:
            done = [pool.submit(self._lane, lane, is_safe, deadline) for lane in lanes]
            wait(done)

    def _lane(self, work: list[tuple[str, str]], is_safe, deadline: float | None) -> None:
        for kind, url in work:
            future = (self.heads if kind == "head" else self.samples)[url]
            # Past the batch's deadline nothing more is started: the runs still waiting go back
            # to the queue (registry.services.validation), and a slow host cannot hold the batch.
            if deadline is not None and time.monotonic() > deadline:
                future.set_result(None)
                continue
            # The guard first (it resolves the host, which may take long): an unsafe URL is
            # never contacted, and its check reports it.
            if not is_safe(url):
                future.set_result(None)
                continue
            FETCH_STATS.started()
            try:
                fetch = sources.head if kind == "head" else sources.fetch
                future.set_result(self._fetched(fetch, url, deadline))
            except Exception as exc:  # a bug in fetching: the check reports it as unreachable
                future.set_result(
                    sources.FetchResult(url=url, error=f"internal error ({type(exc).__name__})")
                )
            finally:
                FETCH_STATS.finished()

    def _fetched(self, fetch, url: str, deadline: float | None) -> sources.FetchResult:
        """`fetch(url)`, asked once more after a busy answer (429, 502, 503, 504), as soon as
        the host asks (Retry-After, at most BUSY_WAIT s; else 1 s) and the deadline allows: a
        host's busy second is not reported as its dataset's unreachable source."""
        result = fetch(url, resolver=self.resolver)
        if result.status not in BUSY_STATUSES:
            return result
        wait = retry_after(result.headers.get("retry-after"))
        wait = 1.0 if wait is None else wait
        if wait > BUSY_WAIT or (deadline is not None and time.monotonic() + wait > deadline):
            return result
        time.sleep(wait)
        return fetch(url, resolver=self.resolver)

    def head(self, url: str) -> sources.FetchResult:
        return self._answer(self.heads, url, sources.head)

    def sample(self, url: str) -> sources.FetchResult:
        return self._answer(self.samples, url, sources.fetch)

    def _answer(self, store: dict[str, Future], url: str, fetch) -> sources.FetchResult:
        """The prefetched answer; fetched now if it was not prefetched (or refused then)."""
        if url not in store or store[url].result() is None:
            future: Future = Future()
            future.set_result(fetch(url, resolver=self.resolver))
            store[url] = future
        return store[url].result()


def _urls(snapshot: dict):
    """(url, whether its sample is read) for the URLs the checks will fetch; a
    snapshot too malformed to read gives none (its run's checks report it)."""
    try:
        is_open = snapshot["access_rights"] == "open"
        found = [
            (url, is_open and url == data_url(dist))
            for _, dist, _, url in distribution_urls(snapshot)
        ]
    except (KeyError, TypeError, AttributeError):
        return []
    return found


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
