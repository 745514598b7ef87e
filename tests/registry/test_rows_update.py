"""registry.rawsql.rows_update: many rows, each its own values, in one UPDATE — as a save of
each would write them, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import Dataset
from registry.rawsql import rows_update
from registry.services import dataset_register

from ..factories import dataset_payload
from .test_validation_pipeline import ACTOR

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_no_other_row_changes(institution):
    datasets = [
        dataset_register(institution=institution, data=dataset_payload(slug=f"d-{i}"), actor=ACTOR)
        for i in range(4)
    ]
    untouched = datasets.pop()
    before = Dataset.objects.get(pk=untouched.pk)
    now = timezone.now()
    values = [
        ({"score": 91, "note": 'quotes " and \\ and हिन्दी'}, 91, True, now, "ok", 0, None),
        ({}, None, False, None, "failing", 3, now + timedelta(days=1)),
        ({"nested": {"list": [1, None, "x"]}}, 0, False, now, "unknown", 1, now),
    ]
    fields = ("quality", "quality_score", "ml_ready", "last_checked_at", "check_status",
              "source_failures", "next_check_at")  # fmt: skip
    for dataset, row in zip(datasets, values, strict=True):
        for name, value in zip(fields, row, strict=True):
            setattr(dataset, name, value)
    with CaptureQueriesContext(connection) as captured:
        rows_update(datasets, fields)
    assert len(captured.captured_queries) == 1
    for dataset, row in zip(datasets, values, strict=True):
        stored = Dataset.objects.get(pk=dataset.pk)
        assert tuple(getattr(stored, name) for name in fields) == row
    after = Dataset.objects.get(pk=untouched.pk)
    assert (after.quality, after.check_status, after.modified_at) == (
        before.quality,
        before.check_status,
        before.modified_at,
    )


def test_nothing_to_write_runs_no_statement():
    with CaptureQueriesContext(connection) as captured:
        rows_update([], ("status",))
    assert captured.captured_queries == []
