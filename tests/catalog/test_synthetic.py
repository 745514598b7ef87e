"""generate_datasets: bulk-loaded datasets are complete, published and searchable like any other."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from catalog.synthetic import COMMON_WORDS, generate_datasets
from registry.models import Dataset, DatasetRevision, Distribution

pytestmark = pytest.mark.django_db


def test_generated_datasets_are_published_complete_and_searchable(client_anon):
    made = generate_datasets(count=400, institutions=7, batch_size=150, prefix="t")
    assert (made.datasets, made.institutions) == (400, 7)
    assert Dataset.objects.filter(status="published").count() == 400
    assert Distribution.objects.count() == made.distributions >= 400
    assert DatasetRevision.objects.filter(status="applied", number=1).count() == 400

    body = client_anon.get("/api/v1/datasets", {"page_size": 100}).json()
    assert body["count"] == 400
    dataset = body["results"][0]
    assert dataset["revision"] == 1 and dataset["distributions"]
    assert dataset["institution"]["slug"].startswith("t-")
    # The revision holds the same metadata the row shows.
    history = client_anon.get(dataset["links"]["revisions"]).json()["results"]
    assert history[0]["snapshot"]["title"] == dataset["title"]
    assert history[0]["snapshot"]["distributions"] == dataset["distributions"]
    # Varied: several institutions, themes, licences, formats and access rights in the facets.
    for facet in ("institution", "theme", "license", "format", "access"):
        assert len(body["facets"][facet]) >= 2, facet
    assert sum(item["count"] for item in body["facets"]["access"]) == 400

    # Zipf: the most common words are in many datasets, a full-text search finds them.
    common = client_anon.get("/api/v1/datasets", {"q": COMMON_WORDS[0]}).json()["count"]
    assert common > 100


def test_generate_datasets_command_refuses_a_taken_prefix(capsys):
    call_command("generate_datasets", "20", "--prefix", "cmd")
    assert "Generated 20 published datasets" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already exists"):
        call_command("generate_datasets", "20", "--prefix", "cmd")


def _gin_indexes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'registry_dataset' "
            "AND indexdef LIKE '% USING gin %' ORDER BY indexname"
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_large_load_builds_the_gin_indexes_at_the_end_even_when_it_fails(client_anon):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN indexes are PostgreSQL's")
    before = _gin_indexes()
    assert len(before) >= 4  # search vector, keywords, themes, states
    generate_datasets(count=300, batch_size=100, prefix="g", defer_indexes_at=200)
    assert _gin_indexes() == before
    assert client_anon.get("/api/v1/datasets", {"q": COMMON_WORDS[0]}).json()["count"] > 50

    def fail(done: int) -> None:
        assert _gin_indexes() == []  # dropped while the rows go in
        raise RuntimeError("the load stops half-way")

    with pytest.raises(RuntimeError):
        generate_datasets(
            count=300, batch_size=100, prefix="h", progress=fail, defer_indexes_at=200
        )
    assert _gin_indexes() == before


def test_the_same_seed_gives_the_same_catalogue_when_batches_are_drawn_ahead():
    """Batches are drawn one ahead of the writer (in a thread, on PostgreSQL): the draw order,
    and so the catalogue a seed gives, must not depend on that."""

    def catalogue(prefix: str, batch_size: int) -> list[tuple]:
        generate_datasets(count=120, institutions=3, batch_size=batch_size, prefix=prefix, seed=7)
        rows = Dataset.objects.filter(institution__slug__startswith=f"{prefix}-").order_by("slug")
        return sorted(
            (
                int(row.slug.split("-")[-1]),
                row.title,
                row.current_revision.snapshot["title"],
                row.current_revision.dataset_id == row.id,
                tuple(d.format for d in row.distributions.order_by("position")),
            )
            for row in rows.select_related("current_revision")
        )

    first = catalogue("a", 7)
    assert [n for n, *_ in first] == list(range(120))
    assert all(title == snapshot and own for _, title, snapshot, own, _ in first)
    assert catalogue("b", 7) == first
