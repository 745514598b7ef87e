"""Registry benchmarks: `make bench` prints the figures; docs/benchmarks.md records them.

Not run by `make test` (marker `benchmark`). Figures are medians of repeated samples.
"""

import statistics
import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from registry.models import Dataset
from registry.services import Actor, dataset_register

from ..factories import dataset_payload, make_institution, make_token

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def report(name: str, **figures) -> None:
    print(
        f"\nBENCH {connection.vendor:<10} {name:<40} "
        + "  ".join(f"{k}={v}" for k, v in figures.items())
    )


def test_bench_register_via_api():
    institution = make_institution()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(institution)}")
    samples = []
    for n in range(200):
        payload = dataset_payload(slug=f"bench-{n}")
        started = time.perf_counter()
        response = client.post("/api/v1/datasets", payload, format="json")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 201
    report(
        "POST /api/v1/datasets",
        n=len(samples),
        median_ms=median_ms(samples),
        p95_ms=round(sorted(samples)[int(len(samples) * 0.95)] * 1000, 2),
    )


def test_bench_list_page_of_100():
    institution = make_institution()
    for n in range(1000):
        dataset_register(
            institution=institution,
            data=dataset_payload(slug=f"l-{n}"),
            actor=Actor.system("bench"),
        )
    Dataset.objects.update(status="published")
    client = APIClient()
    samples = []
    for _ in range(30):
        started = time.perf_counter()
        response = client.get("/api/v1/datasets?page_size=100")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    report("GET /api/v1/datasets page_size=100 (1k)", n=len(samples), median_ms=median_ms(samples))
