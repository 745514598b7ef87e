"""Races between concurrent writers, each on its own database connection.

On PostgreSQL the writers really interleave; SQLite serialises them, which must give the same
result.
"""

import threading

import pytest
from django.db import connections

from core.errors import Conflict
from registry.models import Dataset, DatasetRevision
from registry.services import Actor, dataset_register, dataset_update

from ..factories import dataset_payload, make_institution, run_queued_validations

pytestmark = pytest.mark.django_db(transaction=True)


def in_threads(n: int, fn) -> list:
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_racing_registrations_of_one_slug_give_one_dataset_and_clean_conflicts():
    institution = make_institution()
    results = in_threads(
        6,
        lambda i: dataset_register(
            institution=institution, data=dataset_payload(slug="beds"), actor=Actor.system("race")
        ),
    )
    created = [r for r in results if isinstance(r, Dataset)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(created) == 1, results
    assert len(conflicts) == 5, results
    assert Dataset.objects.filter(slug="beds").count() == 1
    assert DatasetRevision.objects.count() == 1


def test_racing_updates_number_revisions_without_gaps_or_duplicates():
    institution = make_institution()
    dataset = dataset_register(
        institution=institution, data=dataset_payload(slug="beds"), actor=Actor.system("t")
    )
    results = in_threads(
        5,
        lambda i: dataset_update(
            dataset=dataset, data={"version": str(i)}, actor=Actor.system("t"), partial=True
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(
        DatasetRevision.objects.filter(dataset=dataset).values_list("number", flat=True)
    )
    assert numbers == [1, 2, 3, 4, 5, 6]
    # However the writers interleaved, the last change recorded is the one that ends up public.
    run_queued_validations()
    dataset.refresh_from_db()
    assert dataset.current_revision.number == 6
    assert dataset.version == dataset.current_revision.snapshot["version"]
    statuses = set(
        DatasetRevision.objects.filter(dataset=dataset, number__lt=6).values_list(
            "status", flat=True
        )
    )
    assert statuses <= {"applied", "superseded"}
