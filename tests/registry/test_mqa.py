"""The FAIR assessment (registry/mqa.py): points as MQA weighs them, kept on the dataset when it
is published and when it is checked again."""

import pytest

from registry import mqa
from registry.models import Dataset

from ..factories import dataset_payload, publish

pytestmark = pytest.mark.django_db


def test_the_weights_are_mqa_s():
    assert mqa.MAX_POINTS == 405
    assert mqa.DIMENSION_MAX == {
        "findability": 100, "accessibility": 100, "interoperability": 110,
        "reusability": 75, "contextuality": 20,
    }  # fmt: skip
    assert [mqa.rating(p) for p in (405, 351, 350, 221, 220, 121, 120, 0)] == [
        "excellent", "excellent", "good", "good", "sufficient", "sufficient", "bad", "bad",
    ]  # fmt: skip


def test_a_published_dataset_carries_its_assessment(institution):
    dataset = publish(institution)
    assessed = mqa.summary(dataset.fair_met)
    # Published with the source checks off: no access point is known to answer, and the
    # payload gives no download URL, byte size or rights statement.
    assert {c.name for c in mqa.missing(dataset.fair_met)} == {
        "access_url_reachable", "download_url", "download_url_reachable", "rights", "byte_size",
    }  # fmt: skip
    assert dataset.fair_score == assessed["points"] == 405 - 50 - 20 - 30 - 5 - 5 == 295
    assert assessed["dimensions"] == {
        "findability": 100, "accessibility": 0, "interoperability": 110,
        "reusability": 75, "contextuality": 10,
    }  # fmt: skip
    assert assessed["rating"] == "good"


def test_each_missing_property_costs_its_points():
    snapshot = dataset_payload()
    snapshot["distributions"][0].update(download_url="https://x.example/a.csv", byte_size=10)
    full = mqa.assess(snapshot, reachable=True, published=True)
    assert full["points"] == 405 - 5  # no rights statement on open data under CC-BY
    for field, value, lost in [
        ("keywords", [], 30), ("themes", [], 30), ("spatial", {}, 20),
        ("contact_point", {}, 20), ("license", "", 30),
    ]:  # fmt: skip
        worse = mqa.assess({**snapshot, field: value}, reachable=True, published=True)
        assert full["points"] - worse["points"] == lost, field
    unreachable = mqa.assess(snapshot, reachable=False, published=True)
    assert full["points"] - unreachable["points"] == 80
    pdf_only = {**snapshot, "distributions": [{**snapshot["distributions"][0],
                                               "format": "PDF", "media_type": "application/pdf"}]}  # fmt: skip
    worse = mqa.assess(pdf_only, reachable=True, published=True)
    assert full["points"] - worse["points"] == 20 + 20  # neither open nor machine-readable


def test_the_backfill_and_the_bulk_loader_assess_rows_the_same_way(institution):
    dataset = publish(institution)
    row = Dataset.objects.get(pk=dataset.pk)
    assert mqa.assess_row(row, list(row.distributions.all()))["met"] == dataset.fair_met
