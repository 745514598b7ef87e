"""A batch's source links are checked concurrently, each URL once, at most a few at a time to
one host (issue #17: checked one by one, a batch of 20 harvested records took 40 s with the CPU
idle)."""

import threading
import time

import pytest
from django.utils import timezone

from registry.checks import FETCH_STATS
from registry.models import Dataset, ValidationFinding, ValidationRun
from registry.services import (
    Actor,
    dataset_register,
    validation_rechecks_schedule,
    validation_runs_execute,
)

from ..factories import dataset_payload
from ..sourceserver import SourceServer

pytestmark = pytest.mark.django_db
DELAY = 0.3


class SlowHost:
    """A source host answering every request after DELAY seconds, counting how many requests
    it serves at once."""

    def __init__(self):
        self.server = SourceServer()
        self.lock = threading.Lock()
        self.now = self.peak = 0

    def handler(self, request):
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        try:
            time.sleep(DELAY)
        finally:
            # Counted out before answering: the client's next request can then never overlap
            # this one in the count.
            with self.lock:
                self.now -= 1
        body = b"district,beds\nPune,10\n"
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)


@pytest.fixture
def slow_host(settings):
    host = SlowHost()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, host.server.host_port]
    yield host
    host.server.stop()


def register_pointing_at(institution, urls: list[str]) -> list[int]:
    for index, url in enumerate(urls):
        payload = dataset_payload(slug=f"slow-{index}")
        payload["distributions"][0]["access_url"] = url
        payload["distributions"][0]["download_url"] = ""
        dataset_register(institution=institution, data=payload, actor=Actor.system("test"))
    return list(
        ValidationRun.objects.filter(status="queued").order_by("id").values_list("id", flat=True)
    )


def test_a_batch_checks_its_links_concurrently_and_politely(institution, slow_host, settings):
    settings.SUCHI_LINK_CHECKS_PER_HOST = 4
    urls = [slow_host.server.handle(f"/d{i}.csv", slow_host.handler) for i in range(12)]
    run_ids = register_pointing_at(institution, urls)
    FETCH_STATS.reset()
    started = time.monotonic()
    outcomes = validation_runs_execute(run_ids=run_ids)
    elapsed = time.monotonic() - started
    assert {o.status for o in outcomes.values()} == {"passed"}
    # 12 URLs, each a HEAD and a sample: 24 requests of DELAY s; one at a time ≥ 7.2 s.
    sequential = 24 * DELAY
    assert elapsed < sequential / 2, (elapsed, sequential)
    assert 2 <= slow_host.peak <= 4, slow_host.peak  # never more than the per-host bound
    assert FETCH_STATS.peak >= 2
    for index in range(12):  # each URL once: one HEAD and one sample
        assert slow_host.server.hits[f"/d{index}.csv"] == 2


def test_the_same_url_in_many_records_is_fetched_once_a_batch(institution, slow_host):
    url = slow_host.server.handle("/shared.csv", slow_host.handler)
    run_ids = register_pointing_at(institution, [url] * 6)
    outcomes = validation_runs_execute(run_ids=run_ids)
    assert {o.status for o in outcomes.values()} == {"passed"}
    assert slow_host.server.hits["/shared.csv"] == 2  # one HEAD, one sample, for six records


def test_unsafe_urls_are_never_contacted_by_the_prefetch(institution, settings):
    payload = dataset_payload(slug="unsafe")
    payload["distributions"][0]["access_url"] = "http://169.254.169.254/latest/meta-data/"
    dataset_register(institution=institution, data=payload, actor=Actor.system("test"))
    run_ids = list(ValidationRun.objects.filter(status="queued").values_list("id", flat=True))
    FETCH_STATS.reset()
    outcomes = validation_runs_execute(run_ids=run_ids)
    assert {o.status for o in outcomes.values()} == {"failed"}
    assert FETCH_STATS.total == 0


class CountingHost(SlowHost):
    """SlowHost that also counts requests by method and path."""

    def __init__(self):
        super().__init__()
        self.requests: list[tuple[str, str]] = []

    def handler(self, request):
        self.requests.append((request.command, request.path))
        super().handler(request)


@pytest.mark.parametrize("access", ["open", "restricted"])
def test_a_harvested_record_is_published_before_its_links_are_checked(
    institution, settings, access
):
    """Issue #17: link checks are off the path that publishes a harvested record; only the
    personal-data scan of an open sample (which can keep a record out) runs first."""
    host = CountingHost()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, host.server.host_port]
    try:
        url = host.server.handle("/data.csv", host.handler)
        payload = dataset_payload(slug=f"harvested-{access}", access_rights=access)
        payload["distributions"][0].update(access_url=url, download_url="")
        dataset = dataset_register(
            institution=institution,
            data=payload,
            actor=Actor.system("harvest"),
            provenance={"source": {"id": "x", "name": "x", "kind": "datajson", "url": url}},
        )
        run_ids = list(ValidationRun.objects.filter(status="queued").values_list("id", flat=True))
        assert validation_runs_execute(run_ids=run_ids)[run_ids[0]].status == "passed"
        dataset.refresh_from_db()
        assert dataset.status == "published"
        assert dataset.check_status == "unknown"
        # No HEAD before publication; an open dataset's sample was read for the scan.
        assert [m for m, _ in host.requests] == (["GET"] if access == "open" else [])
        kinds = set(
            ValidationFinding.objects.filter(run__dataset=dataset).values_list(
                "detail__kind", flat=True
            )
        )
        assert "links_deferred" in kinds

        # The re-check the scheduler queues checks the links and records the health.
        Dataset.objects.filter(pk=dataset.pk).update(next_check_at=timezone.now())
        rechecks = validation_rechecks_schedule()
        assert len(rechecks) == 1
        validation_runs_execute(run_ids=rechecks)
        dataset.refresh_from_db()
        assert ("HEAD", "/data.csv") in host.requests
        assert dataset.check_status == "ok"
        run = ValidationRun.objects.get(pk=rechecks[0])
        assert not run.findings.filter(detail__kind="links_deferred").exists()
    finally:
        host.server.stop()


def test_a_registration_still_checks_its_links_before_publication(institution, slow_host):
    url = slow_host.server.handle("/direct.csv", slow_host.handler)
    run_ids = register_pointing_at(institution, [url])
    validation_runs_execute(run_ids=run_ids)
    assert slow_host.server.hits["/direct.csv"] == 2  # HEAD and sample, before publication


class BusyHost(SlowHost):
    """A host that answers its first `busy` requests 503 (with `retry_after`), then the file."""

    def __init__(self, busy: int, retry_after: str | None = "0"):
        super().__init__()
        self.busy, self.retry_after = busy, retry_after

    def handler(self, request):
        if self.busy > 0:
            self.busy -= 1
            request.send_response(503)
            if self.retry_after is not None:
                request.send_header("Retry-After", self.retry_after)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        super().handler(request)


@pytest.mark.parametrize(
    ("busy", "retry_after", "status", "hits"),
    [
        (1, "0", "passed", 3),  # busy once: asked again at once, as it asked
        (1, None, "passed", 3),  # busy once, no Retry-After: asked again after 1 s
        (2, "0", "failed", 3),  # busy twice: reported (asked no third time; then its sample)
        (1, "3600", "failed", 2),  # asks for an hour: reported, not waited for
    ],
)
def test_a_busy_host_is_asked_once_more_before_its_link_is_reported(
    institution, settings, busy, retry_after, status, hits
):
    host = BusyHost(busy, retry_after)
    settings.SUCHI_LINK_CHECKS_PER_HOST = 1  # the HEAD, then the sample: in this order
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, host.server.host_port]
    try:
        run_ids = register_pointing_at(institution, [host.server.handle("/d.csv", host.handler)])
        outcomes = validation_runs_execute(run_ids=run_ids)
        assert [o.status for o in outcomes.values()] == [status]
        if status == "failed":
            finding = ValidationFinding.objects.get(severity="error")
            assert "HTTP 503" in finding.message
        assert host.server.hits["/d.csv"] == hits
    finally:
        host.server.stop()


def test_a_harvested_records_dead_link_shows_as_failing_health(institution, settings, client):
    """The harvest policy makes a harvested record's dead link a warning (the run passes), but
    its health said `ok` with `source_failures: 1` (a new user's trial): it is failing."""
    host = SlowHost()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, host.server.host_port]
    try:
        payload = dataset_payload(slug="dead-link", access_rights="restricted")
        payload["distributions"][0].update(access_url=host.server.url("/gone.csv"), download_url="")
        dataset = dataset_register(
            institution=institution,
            data=payload,
            actor=Actor.system("harvest"),
            provenance={"source": {"id": "x", "name": "x", "kind": "datajson", "url": "x"}},
        )
        validation_runs_execute(
            run_ids=list(ValidationRun.objects.filter(status="queued").values_list("id", flat=True))
        )
        Dataset.objects.filter(pk=dataset.pk).update(next_check_at=timezone.now())
        rechecks = validation_rechecks_schedule()
        assert validation_runs_execute(run_ids=rechecks)[rechecks[0]].status == "passed"
        health = client.get(f"/api/v1/datasets/{dataset.pk}").json()["health"]
        assert (health["status"], health["source_failures"]) == ("failing", 1)
    finally:
        host.server.stop()
