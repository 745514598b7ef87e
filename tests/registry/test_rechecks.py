"""Whole runs against real sources: publication, rejection for leaks, re-checks, on-demand runs."""

import json
import logging
import random
from datetime import timedelta

import pytest
from django.utils import timezone

from registry.checks.personal_data import verhoeff_check_digit
from registry.models import Dataset, ValidationRun
from registry.services import validation_rechecks_schedule

from ..factories import dataset_payload, run_queued_validations

pytestmark = pytest.mark.django_db


def aadhaar() -> str:
    body = str(random.randint(2, 9)) + "".join(random.choice("0123456789") for _ in range(10))
    return body + verhoeff_check_digit(body)


def publish(api, **overrides) -> str:
    dataset_id = api.post("/api/v1/datasets", dataset_payload(**overrides), format="json").json()[
        "id"
    ]
    assert run_queued_validations() == ["passed"]
    return dataset_id


def test_open_dataset_leaking_aadhaar_is_rejected_and_the_numbers_appear_nowhere(
    api, source_server, caplog, capfd
):
    random.seed(5)
    numbers = [aadhaar() for _ in range(8)]
    body = "name,aadhaar_no\n" + "".join(
        f"P{n},{x[:4]} {x[4:8]} {x[8:]}\n" for n, x in enumerate(numbers)
    )
    url = source_server.serve("/patients.csv", body.encode())
    with caplog.at_level(logging.DEBUG):
        response = api.post(
            "/api/v1/datasets",
            dataset_payload(
                slug="leaky", distributions=[{"access_url": url, "media_type": "text/csv"}]
            ),
            format="json",
        )
        dataset_id = response.json()["id"]
        assert run_queued_validations() == ["failed"]
        shown = api.get(f"/api/v1/datasets/{dataset_id}").content.decode()
        runs = api.get(f"/api/v1/datasets/{dataset_id}/validations").content.decode()
    assert json.loads(shown)["status"] == "rejected"
    finding = next(
        f for f in json.loads(runs)["results"][0]["findings"] if f["check"] == "personal_data"
    )
    assert finding["detail"] == {
        "kind": "personal_data",
        "column": "aadhaar_no",
        "pii": "aadhaar",
        "count": 8,
    }
    captured = capfd.readouterr()
    haystack = shown + runs + caplog.text + captured.out + captured.err
    for number in numbers:
        assert number not in haystack
        assert f"{number[:4]} {number[4:8]} {number[8:]}" not in haystack


def test_published_dataset_shows_quality_and_health(api, client_anon):
    dataset_id = publish(api, slug="beds")
    body = client_anon.get(f"/api/v1/datasets/{dataset_id}").json()
    assert 0 <= body["quality"]["score"] <= 100
    assert {c["name"] for c in body["quality"]["criteria"]} >= {"license", "reachable", "schema"}
    assert body["health"]["status"] == "ok"
    assert body["health"]["source_failures"] == 0
    assert body["health"]["source_unreachable"] is False
    assert body["health"]["next_check_at"] is not None
    run = client_anon.get(f"/api/v1/datasets/{dataset_id}/validations").json()["results"][0]
    assert run["quality"]["score"] == body["quality"]["score"]
    assert run["trigger"] == "submission"


def test_rechecks_spread_over_the_period_and_run_only_when_due(api, settings):
    settings.SUCHI_RECHECK_INTERVAL = 86400
    ids = [publish(api, slug=f"d{n}") for n in range(6)]
    next_checks = sorted(Dataset.objects.filter(pk__in=ids).values_list("next_check_at", flat=True))
    assert len(set(next_checks)) == 6  # each dataset has its own phase
    assert next_checks[-1] - next_checks[0] > timedelta(minutes=1)
    assert validation_rechecks_schedule() == []  # nothing due yet

    Dataset.objects.filter(pk=ids[0]).update(next_check_at=timezone.now() - timedelta(seconds=1))
    run_ids = validation_rechecks_schedule()
    assert len(run_ids) == 1
    run = ValidationRun.objects.get(pk=run_ids[0])
    assert (run.trigger, str(run.dataset_id)) == ("recheck", ids[0])
    assert Dataset.objects.get(pk=ids[0]).next_check_at > timezone.now()
    assert validation_rechecks_schedule() == []  # not twice


def test_a_source_that_stays_unreachable_is_flagged_but_stays_published(
    api, client_anon, source_server, settings
):
    settings.SUCHI_SOURCE_FLAG_AFTER = 2
    url = source_server.serve("/flaky.csv", b"a\n1\n")
    dataset_id = publish(
        api, slug="flaky", distributions=[{"access_url": url, "media_type": "text/csv"}]
    )
    del source_server.routes["/flaky.csv"]  # the source disappears

    for expected_failures in (1, 2):
        Dataset.objects.filter(pk=dataset_id).update(
            next_check_at=timezone.now() - timedelta(seconds=1)
        )
        validation_rechecks_schedule()
        assert run_queued_validations() == ["failed"]
        body = client_anon.get(f"/api/v1/datasets/{dataset_id}").json()
        assert body["status"] == "published"
        assert body["health"]["status"] == "failing"
        assert body["health"]["source_failures"] == expected_failures
    assert body["health"]["source_unreachable"] is True
    assert not next(c for c in body["quality"]["criteria"] if c["name"] == "reachable")["met"]

    source_server.serve("/flaky.csv", b"a\n1\n")  # back again
    api.post(f"/api/v1/datasets/{dataset_id}/validate")
    assert run_queued_validations() == ["passed"]
    body = client_anon.get(f"/api/v1/datasets/{dataset_id}").json()
    assert (body["health"]["status"], body["health"]["source_failures"]) == ("ok", 0)


def test_on_demand_validation_is_deduplicated(api):
    dataset_id = publish(api, slug="beds")
    first = api.post(f"/api/v1/datasets/{dataset_id}/validate")
    second = api.post(f"/api/v1/datasets/{dataset_id}/validate")
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["trigger"] == "manual"
    assert ValidationRun.objects.filter(dataset_id=dataset_id, status="queued").count() == 1


def test_a_rejected_dataset_is_published_when_its_source_is_fixed(api, client_anon, source_server):
    url = source_server.url("/fixed-later.csv")
    response = api.post(
        "/api/v1/datasets",
        dataset_payload(
            slug="later", distributions=[{"access_url": url, "media_type": "text/csv"}]
        ),
        format="json",
    )
    dataset_id = response.json()["id"]
    assert run_queued_validations() == ["failed"]
    assert api.get(f"/api/v1/datasets/{dataset_id}").json()["status"] == "rejected"

    source_server.serve("/fixed-later.csv", b"a\n1\n")
    assert api.post(f"/api/v1/datasets/{dataset_id}/validate").status_code == 202
    assert api.get(f"/api/v1/datasets/{dataset_id}").json()["status"] == "validating"
    assert run_queued_validations() == ["passed"]
    assert client_anon.get(f"/api/v1/datasets/{dataset_id}").json()["status"] == "published"


def test_validate_endpoint_authorisation(api, other_api, client_anon):
    dataset_id = publish(api, slug="beds")
    assert client_anon.post(f"/api/v1/datasets/{dataset_id}/validate").status_code == 401
    assert other_api.post(f"/api/v1/datasets/{dataset_id}/validate").status_code == 404
    api.delete(f"/api/v1/datasets/{dataset_id}")
    assert api.post(f"/api/v1/datasets/{dataset_id}/validate").status_code == 409


def test_update_while_a_run_is_queued_reuses_that_run(api):
    dataset_id = api.post("/api/v1/datasets", dataset_payload(slug="beds"), format="json").json()[
        "id"
    ]
    api.patch(f"/api/v1/datasets/{dataset_id}", {"version": "2"}, format="json")
    api.patch(f"/api/v1/datasets/{dataset_id}", {"version": "3"}, format="json")
    runs = ValidationRun.objects.filter(dataset_id=dataset_id)
    assert runs.count() == 1
    assert runs.get().revision.number == 3
    assert run_queued_validations() == ["passed"]
    assert api.get(f"/api/v1/datasets/{dataset_id}").json()["version"] == "3"
