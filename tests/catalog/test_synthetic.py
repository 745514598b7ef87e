"""generate_datasets: bulk-loaded datasets are complete, published and searchable like any other."""

import pytest
from django.core.management import CommandError, call_command

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
