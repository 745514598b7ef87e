"""The validation pipeline: claiming, idempotency, superseded changes, crashes, the sweeper."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.checks import CHECKS, Finding
from registry.models import Dataset, DatasetRevision, ValidationFinding, ValidationRun
from registry.services import (
    Actor,
    dataset_register,
    dataset_update,
    dataset_withdraw,
    validation_run_execute,
    validation_runs_execute,
    validation_runs_sweep,
)
from registry.tasks import sweep_validation_runs, validate_dataset

from ..factories import dataset_payload, run_queued_validations

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


def register(institution, **overrides):
    return dataset_register(institution=institution, data=dataset_payload(**overrides), actor=ACTOR)


def test_running_a_run_twice_records_one_result(institution):
    dataset = register(institution, slug="beds")
    run = dataset.validation_runs.get()
    assert validation_run_execute(run_id=run.id).status == "passed"
    assert validation_run_execute(run_id=run.id).status == "skipped"
    run.refresh_from_db()
    assert run.attempt == 1
    findings = ValidationFinding.objects.filter(run=run).count()
    validation_run_execute(run_id=run.id)
    assert ValidationFinding.objects.filter(run=run).count() == findings


def test_the_task_is_idempotent_too(institution):
    dataset = register(institution, slug="beds")
    run = dataset.validation_runs.get()
    assert validate_dataset.apply(args=[run.id]).get() == "passed"
    assert validate_dataset.apply(args=[run.id]).get() == "skipped"
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.PUBLISHED


def test_a_missing_run_is_skipped_not_an_error(db):
    assert validation_run_execute(run_id=999_999).status == "skipped"


def test_superseded_update_is_never_applied(institution):
    dataset = register(institution, slug="beds")
    run_queued_validations()
    dataset_update(dataset=dataset, data={"title": "First change"}, actor=ACTOR, partial=True)
    dataset_update(dataset=dataset, data={"version": "2"}, actor=ACTOR, partial=True)
    first, second = DatasetRevision.objects.filter(dataset=dataset, kind="update").order_by(
        "number"
    )
    assert first.status == "superseded"
    # PATCH merges over the pending change, so the second carries the first's title too.
    assert second.snapshot["title"] == "First change"
    assert second.snapshot["version"] == "2"

    run_queued_validations()
    dataset.refresh_from_db()
    first.refresh_from_db()
    assert first.status == "superseded"
    assert dataset.title == "First change"
    assert dataset.version == "2"
    assert dataset.current_revision_id == second.pk


def test_withdrawal_during_validation_wins(institution):
    dataset = register(institution, slug="beds")
    dataset_withdraw(dataset=dataset, actor=ACTOR)
    run_queued_validations()
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.WITHDRAWN
    assert dataset.published_at is None


def test_withdraw_is_idempotent(institution):
    dataset = register(institution, slug="beds")
    dataset_withdraw(dataset=dataset, actor=ACTOR)
    dataset_withdraw(dataset=dataset, actor=ACTOR)
    assert dataset.revisions.filter(kind="withdraw").count() == 1


def test_update_of_a_rejected_dataset_is_validated_again(institution):
    dataset = register(institution, slug="beds", license="")
    assert run_queued_validations() == ["failed"]
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.REJECTED
    dataset_update(dataset=dataset, data={"license": "CC0-1.0"}, actor=ACTOR, partial=True)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.VALIDATING
    assert run_queued_validations() == ["passed"]
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.PUBLISHED
    assert dataset.license == "CC0-1.0"


def test_put_replaces_distributions_and_keeps_ids_it_names(institution, source_server):
    new_url = source_server.serve("/new.csv", b"a,b\n1,2\n")
    extra_url = source_server.serve("/extra.json", b"[]", "application/json")
    dataset = register(institution, slug="beds")
    run_queued_validations()
    kept = dataset.distributions.get()
    data = dataset_payload(
        slug="beds",
        distributions=[
            {
                "id": str(kept.id),
                "access_url": new_url,
                "media_type": "text/csv",
            },
            {"access_url": extra_url, "media_type": "application/json"},
        ],
    )
    dataset_update(dataset=dataset, data=data, actor=ACTOR, partial=False)
    run_queued_validations()
    rows = list(dataset.distributions.order_by("position"))
    assert [str(r.id) == str(kept.id) for r in rows] == [True, False]
    assert rows[0].access_url == new_url


def test_a_crashing_check_is_an_error_finding_and_the_run_completes(institution, monkeypatch):
    def broken(snapshot, context):
        raise RuntimeError("source exploded near 9845012345")

    monkeypatch.setitem(CHECKS, "broken", broken)
    dataset = register(institution, slug="beds")
    run = dataset.validation_runs.get()
    assert validation_run_execute(run_id=run.id).status == "failed"
    finding = ValidationFinding.objects.get(run=run, check_name="broken")
    assert finding.severity == "error"
    assert "RuntimeError" in finding.message
    assert "9845012345" not in finding.message  # exception text may quote data: not kept
    # The other checks still ran.
    assert run.findings.exclude(check_name="broken").count() >= 0
    assert ValidationRun.objects.get(pk=run.pk).quality is not None


def test_a_run_that_crashes_outside_the_checks_is_retried_then_closed(institution, settings):
    settings.SUCHI_RUN_MAX_ATTEMPTS = 2
    dataset = register(institution, slug="beds")
    run = dataset.validation_runs.get()
    # A corrupted revision snapshot makes the run itself fail, not one check.
    DatasetRevision.objects.filter(pk=run.revision_id).update(snapshot={"title": "x"})

    outcome = validation_run_execute(run_id=run.id)
    assert (outcome.status, outcome.retry) == ("queued", True)
    run.refresh_from_db()
    assert run.error.startswith("KeyError")

    outcome = validation_run_execute(run_id=run.id)
    assert (outcome.status, outcome.retry) == ("error", False)
    run.refresh_from_db()
    assert (run.status, run.attempt) == ("error", 2)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.VALIDATING  # not the submitter's fault: not rejected


def test_sweeper_requeues_runs_whose_job_was_lost(institution):
    dataset = register(institution, slug="beds")
    run = dataset.validation_runs.get()
    # Nothing is stale yet.
    assert validation_runs_sweep(stale_after=timedelta(minutes=10)) == []
    ValidationRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    assert validation_runs_sweep(stale_after=timedelta(minutes=10)) == [run.id]
    run.refresh_from_db()
    assert run.status == "queued"
    assert run_queued_validations() == ["passed"]


def test_sweeper_takes_back_a_run_whose_worker_died(institution):
    dataset = register(institution, slug="beds")
    run = dataset.validation_runs.get()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ValidationRun.objects.filter(pk=run.pk).update(
        status="running", attempt=1, started_at=an_hour_ago
    )
    assert validation_runs_sweep(stale_after=timedelta(minutes=10)) == [run.id]
    assert run_queued_validations() == ["passed"]
    run.refresh_from_db()
    assert (run.status, run.attempt) == ("passed", 2)


def test_the_start_up_sweep_never_takes_back_a_run_begun_since_the_process_started(institution):
    # An embedded process sweeps on its thread pool as it starts, maybe after its first
    # request has begun validating: that run is this process's own, not a dead one's.
    started = timezone.now()
    old = register(institution, slug="old").validation_runs.get()
    fresh = register(institution, slug="fresh").validation_runs.get()
    ValidationRun.objects.filter(pk=old.pk).update(
        status="running", attempt=1, started_at=started - timedelta(seconds=5)
    )
    ValidationRun.objects.filter(pk=fresh.pk).update(
        status="running", attempt=1, started_at=started + timedelta(milliseconds=1)
    )
    assert sweep_validation_runs.apply(kwargs={"before": started.isoformat()}).get() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status, fresh.attempt) == ("queued", "running", 1)


def test_sweeper_gives_up_after_the_attempt_limit(institution, settings):
    settings.SUCHI_RUN_MAX_ATTEMPTS = 3
    dataset = register(institution, slug="beds")
    run = dataset.validation_runs.get()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ValidationRun.objects.filter(pk=run.pk).update(
        status="running", attempt=3, started_at=an_hour_ago
    )
    assert validation_runs_sweep(stale_after=timedelta(minutes=10)) == []
    run.refresh_from_db()
    assert run.status == "error"


def test_the_late_result_of_a_taken_back_attempt_is_discarded(institution, monkeypatch):
    dataset = register(institution, slug="beds")
    run = dataset.validation_runs.get()

    def slow_check(snapshot, context):
        # While this attempt is still checking, another attempt takes the run over (as the
        # sweeper does when a worker looks dead).
        ValidationRun.objects.filter(pk=run.pk).update(attempt=F("attempt") + 1)
        yield Finding(severity="warning", message="late")

    monkeypatch.setitem(CHECKS, "slow", slow_check)
    assert validation_run_execute(run_id=run.id).status == "skipped"
    assert ValidationFinding.objects.filter(run=run).count() == 0
    run.refresh_from_db()
    assert run.status == "running"
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.VALIDATING


def test_runs_executed_together_are_each_settled_once(institution):
    good = [register(institution, slug=f"beds-{i}") for i in range(3)]
    bad = register(institution, slug="incomplete", license="", themes=[])
    run_ids = [d.validation_runs.get().id for d in [*good, bad]]

    outcomes = validation_runs_execute(run_ids=run_ids)
    assert [outcomes[i].status for i in run_ids] == ["passed", "passed", "passed", "failed"]
    assert set(validation_runs_execute(run_ids=run_ids).values()) == {
        validation_run_execute(run_id=run_ids[0])
    }  # all skipped the second time
    for dataset in good:
        dataset.refresh_from_db()
        assert dataset.status == Dataset.Status.PUBLISHED
    bad.refresh_from_db()
    assert bad.status == Dataset.Status.REJECTED
    runs = ValidationRun.objects.filter(id__in=run_ids)
    assert {(r.status in ("passed", "failed"), r.attempt, r.quality is not None) for r in runs} == {
        (True, 1, True)
    }
    # Each run has its own findings, written once.
    assert ValidationFinding.objects.filter(run_id=run_ids[3], severity="error").count() == 2
    assert not ValidationFinding.objects.filter(run_id__in=run_ids[:3], severity="error").exists()


def test_a_run_that_crashes_in_a_batch_is_retried_alone_and_the_others_settle(institution):
    datasets = [register(institution, slug=f"beds-{i}") for i in range(3)]
    run_ids = [d.validation_runs.get().id for d in datasets]
    DatasetRevision.objects.filter(pk=datasets[1].pending_revision_id).update(
        snapshot={"title": "x"}
    )
    outcomes = validation_runs_execute(run_ids=run_ids)
    assert [(outcomes[i].status, outcomes[i].retry) for i in run_ids] == [
        ("passed", False),
        ("queued", True),
        ("passed", False),
    ]
    assert ValidationRun.objects.get(id=run_ids[1]).error.startswith("KeyError")


def test_runs_a_batch_does_not_reach_in_time_go_back_to_the_queue(institution, settings):
    settings.SUCHI_RUN_BATCH_SECONDS = 0
    datasets = [register(institution, slug=f"beds-{i}") for i in range(3)]
    run_ids = [d.validation_runs.get().id for d in datasets]
    outcomes = validation_runs_execute(run_ids=run_ids)
    # The first run is always checked; the others were claimed but are handed back.
    assert [outcomes[i].status for i in run_ids] == ["passed", "queued", "queued"]
    assert run_queued_validations() == ["passed", "passed"]
    assert list(
        ValidationRun.objects.filter(id__in=run_ids)
        .order_by("id")
        .values_list("attempt", flat=True)
    ) == [1, 2, 2]


def test_a_taken_back_run_in_a_batch_is_discarded_and_the_others_settle(institution, monkeypatch):
    datasets = [register(institution, slug=f"beds-{i}") for i in range(2)]
    taken, kept = (d.validation_runs.get().id for d in datasets)

    def takeover(snapshot, context):
        # While the batch is checking, the sweeper hands the first run to another attempt.
        ValidationRun.objects.filter(pk=taken).update(attempt=F("attempt") + 1)
        return iter(())

    monkeypatch.setitem(CHECKS, "takeover", takeover)
    outcomes = validation_runs_execute(run_ids=[taken, kept])
    assert (outcomes[taken].status, outcomes[kept].status) == ("skipped", "passed")
    assert not ValidationFinding.objects.filter(run_id=taken).exists()
    assert ValidationRun.objects.get(id=taken).status == "running"


POISON_TRIGGER = {
    # A failure of the database itself while one dataset is settled (not a failing check).
    "sqlite": [
        "CREATE TRIGGER poison BEFORE UPDATE ON registry_dataset WHEN NEW.slug = 'poison' "
        "BEGIN SELECT RAISE(ABORT, 'poisoned row'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN "
        "IF NEW.slug = 'poison' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; "
        "END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER poison BEFORE UPDATE ON registry_dataset "
        "FOR EACH ROW EXECUTE FUNCTION poison()",
    ],
}


def test_one_run_that_cannot_be_recorded_does_not_hold_back_its_batch(institution):
    datasets = [register(institution, slug=slug) for slug in ("beds-1", "poison", "beds-2")]
    run_ids = [d.validation_runs.get().id for d in datasets]
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        for statement in POISON_TRIGGER[connection.vendor]:
            cursor.execute(statement)

    outcomes = validation_runs_execute(run_ids=run_ids)
    assert [outcomes[i].status for i in run_ids] == ["passed", "running", "passed"]
    statuses = dict(Dataset.objects.values_list("slug", "status"))
    assert statuses == {"beds-1": "published", "poison": "validating", "beds-2": "published"}
    # The poisoned run wrote nothing and stays claimed, for the sweeper to take back.
    assert ValidationRun.objects.get(id=run_ids[1]).status == "running"
    assert not ValidationFinding.objects.filter(run_id=run_ids[1]).exists()


def statements_of(function, **kwargs) -> list[str]:
    """The SQL statements `function` runs, leaving out the savepoints that the test's own
    transaction turns the service's transactions into."""
    with CaptureQueriesContext(connection) as captured:
        function(**kwargs)
    return [
        q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"].split(" ", 2)[:2]
    ]


def test_the_statements_a_run_costs_are_pinned(institution):
    """Claim (1), lock run + revision + dataset (1), results (1), findings (1), datasets (1),
    revisions (1); PostgreSQL adds SET LOCAL synchronous_commit to each of the two transactions.
    A batch of new records costs what one does: every step is one statement for the batch."""
    extra = 2 if connection.vendor == "postgresql" else 0
    run_ids = [register(institution, slug=f"beds-{i}").validation_runs.get().id for i in range(6)]
    single = statements_of(validation_run_execute, run_id=run_ids[0], check_sources=False)
    assert len(single) == 6 + extra, single
    batch = statements_of(validation_runs_execute, run_ids=run_ids[1:], check_sources=False)
    assert len(batch) == 6 + extra, batch
    assert set(Dataset.objects.values_list("status", flat=True)) == {"published"}
