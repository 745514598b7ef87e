"""The ML-ready signal (issue #18): five checks beside the quality score, a search filter and a
facet (the REST API and the catalogue page), and a tag in the results. On PostgreSQL the facet of
the unfiltered catalogue comes from the counters the search triggers keep (catalog 0004)."""

import pytest
from django.db import transaction

from registry.models import Dataset
from registry.services import (
    Actor,
    dataset_revalidate,
    dataset_update,
    validation_run_execute,
)

from ..factories import publish, source_url

pytestmark = pytest.mark.django_db

SCHEMA = {"fields": [{"name": "district", "type": "string"}, {"name": "beds", "type": "integer"}]}
CARD = {
    "summary": "Beds per district.",
    "intended_uses": "Forecasting demand.",
    "out_of_scope_uses": "Ranking hospitals.",
    "data_subjects": "non-personal",
    "collection_method": "Daily reports.",
    "preprocessing": "Duplicates dropped.",
    "known_biases": "Late reporters missing.",
    "limitations": "Public hospitals only.",
    "maintenance_plan": "Updated daily.",
    "authors": [{"name": "Data cell"}],
}


def ready_payload(**overrides) -> dict:
    payload = {
        "license": "CC-BY-4.0",
        "data_card": CARD,
        "distributions": [
            {
                "title": "Beds (CSV)",
                "access_url": source_url("/beds.csv"),
                "download_url": source_url("/beds.csv"),
                "media_type": "text/csv",
                "format": "CSV",
                "schema": SCHEMA,
                "checksum_sha256": "a" * 64,
            }
        ],
    }
    payload.update(overrides)
    return payload


def checks_of(dataset: Dataset) -> dict[str, bool]:
    dataset.refresh_from_db()
    return {c["name"]: c["met"] for c in dataset.quality["ml_ready"]["checks"]}


def test_a_dataset_meeting_every_check_is_ml_ready(institution):
    dataset = publish(institution, **ready_payload())
    assert checks_of(dataset) == dict.fromkeys(
        ("licence", "table_schema", "checksum", "data_card", "croissant"), True
    )
    assert dataset.quality["ml_ready"]["ready"] is True
    assert dataset.ml_ready is True


@pytest.mark.parametrize(
    "overrides, failing",
    [
        # Open data needs an open licence (validation refuses CC-BY-NC); restricted is not open.
        ({"access_rights": "restricted", "license": "CC-BY-NC-4.0"}, "licence"),
        ({"data_card": {**CARD, "known_biases": ""}}, "data_card"),
        # Records about people: never open, and the card must say how they were de-identified.
        (
            {
                "access_rights": "restricted",
                "contains_personal_data": True,
                "data_card": {**CARD, "data_subjects": "personal"},
            },
            "licence data_card",
        ),
    ],
)
def test_one_missing_piece_keeps_a_dataset_from_being_ml_ready(institution, overrides, failing):
    dataset = publish(institution, **ready_payload(**overrides))
    checks = checks_of(dataset)
    assert [name for name, met in checks.items() if not met] == failing.split()
    assert dataset.ml_ready is False
    for name in failing.split():
        check = next(c for c in dataset.quality["ml_ready"]["checks"] if c["name"] == name)
        assert check["note"]


def test_files_without_schema_checksum_or_download_address(institution):
    dist = ready_payload()["distributions"][0]
    no_checksum = publish(
        institution, **ready_payload(distributions=[{**dist, "checksum_sha256": ""}])
    )
    assert checks_of(no_checksum)["checksum"] is False
    no_schema = publish(institution, **ready_payload(distributions=[{**dist, "schema": None}]))
    assert {k for k, v in checks_of(no_schema).items() if not v} == {
        "table_schema",
        "checksum",
        "croissant",
    }
    pdf = {**dist, "media_type": "application/pdf", "format": "PDF"}
    assert (
        checks_of(publish(institution, **ready_payload(distributions=[pdf])))["croissant"] is False
    )
    restricted = publish(institution, **ready_payload(access_rights="restricted"))
    assert checks_of(restricted)["licence"] is False
    public_domain = publish(institution, **ready_payload(license="CC0-1.0"))
    assert checks_of(public_domain)["licence"] is True


def test_a_file_found_unreachable_is_not_ml_ready(institution):
    """Published ML-ready (publish() skips the source checks), then a re-check finds the file
    gone (a 404 on the source server): no longer ML-ready, and the page says why."""
    gone = {**ready_payload()["distributions"][0], "download_url": source_url("/no-such.csv")}
    dataset = publish(institution, **ready_payload(distributions=[gone]))
    assert dataset.ml_ready is True
    run = dataset_revalidate(dataset=dataset)
    validation_run_execute(run_id=run.id)
    checks = checks_of(dataset)
    assert checks["croissant"] is False
    note = next(c for c in dataset.quality["ml_ready"]["checks"] if c["name"] == "croissant")
    assert "could not be reached" in note["note"]
    assert dataset.ml_ready is False


def test_filter_and_facet_in_the_api_and_on_the_page(client, institution):
    ready = publish(institution, **ready_payload(title="Ready beds"))
    publish(institution, **ready_payload(title="Beds without a card", data_card={}))

    body = client.get("/api/v1/datasets").json()  # unfiltered: the counters on PostgreSQL
    assert body["facets"]["ml_ready"] == [{"value": "true", "label": "ML-ready", "count": 1}]
    filtered = client.get("/api/v1/datasets", {"ml_ready": "true"}).json()
    assert [d["id"] for d in filtered["results"]] == [str(ready.pk)]
    assert filtered["count"] == 1
    assert filtered["results"][0]["quality"]["ml_ready"]["ready"] is True
    others = client.get("/api/v1/datasets", {"ml_ready": "false"}).json()
    assert [d["title"] for d in others["results"]] == ["Beds without a card"]
    assert client.get("/api/v1/datasets", {"ml_ready": "TRUE", "q": "beds"}).json()["count"] == 1
    bad = client.get("/api/v1/datasets", {"ml_ready": "maybe"})
    assert bad.status_code == 400 and "ml_ready" in bad.json()["errors"]

    page = client.get("/datasets", {"ml_ready": "true"}).content.decode()
    assert "Ready beds" in page and "Beds without a card" not in page
    assert "For machine learning" in page and "ML-ready" in page
    detail = client.get(f"/datasets/{ready.pk}").content.decode()
    assert "Ready for machine learning" in detail
    assert client.get("/datasets", {"ml_ready": "maybe"}).status_code == 400


def test_the_facet_follows_a_dataset_that_stops_being_ready(client, institution):
    dataset = publish(institution, **ready_payload())
    assert client.get("/api/v1/datasets").json()["facets"]["ml_ready"][0]["count"] == 1
    with transaction.atomic():  # as publish() does: its sources are not fetched
        dataset_update(
            dataset=dataset,
            data={"data_card": {"limitations": ""}},
            actor=Actor.system("test"),
            partial=True,
        )
        run = dataset.validation_runs.get(status="queued")
        validation_run_execute(run_id=run.id, check_sources=False)
    dataset.refresh_from_db()
    assert dataset.ml_ready is False
    assert client.get("/api/v1/datasets").json()["facets"]["ml_ready"] == []
    assert client.get("/api/v1/datasets", {"ml_ready": "true"}).json()["count"] == 0
