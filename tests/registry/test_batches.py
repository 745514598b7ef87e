"""core.batches.in_batches: every row once, in order, a batch at a time, ties on the first
key broken by the second, without a server-side cursor."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.batches import in_batches
from registry.models import Dataset, Institution

from ..factories import make_institution, publish

pytestmark = pytest.mark.django_db


def test_rows_come_in_order_a_batch_at_a_time_with_ties_broken_by_the_second_key():
    owner = make_institution()
    datasets = [publish(owner, slug=f"d{n}") for n in range(7)]
    tied = datasets[0].created_at
    Dataset.objects.filter(pk__in=[d.pk for d in datasets[:4]]).update(created_at=tied)
    expected = list(Dataset.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        got = [
            d.pk for d in in_batches(Dataset.objects.all(), order=("-created_at", "-pk"), size=3)
        ]
    assert got == expected and len(got) == 7
    selects = [q["sql"] for q in queries.captured_queries if "registry_dataset" in q["sql"]]
    assert len(selects) == 3  # 3 + 3 + 1: bounded batches, each its own statement
    assert all("LIMIT 3" in sql for sql in selects)


def test_ascending_by_primary_key_and_an_empty_query():
    made = [make_institution() for _ in range(5)]
    got = [
        i.pk for i in in_batches(Institution.objects.filter(pk__in=[m.pk for m in made]), size=2)
    ]
    assert got == sorted(m.pk for m in made)
    assert list(in_batches(Institution.objects.none())) == []
