"""What a real DCAT-US catalogue says reaches Suchi's public catalogue (an outside check of the
four agencies' data.json found download links turned into access links, no format for a
distribution that gave only its media type, "continuously updated" lost, and what could not be
mapped dropped instead of kept in the provenance)."""

import json
from collections import Counter
from pathlib import Path

import pytest

from catalog.standards.datajson import datajson_record
from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset

from .conftest import serve_json
from .test_real_catalogues import validate_everything_queued

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "datajson"
HTTP = ("http://", "https://")


def _load(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["fcc", "gsa"])
def test_downloads_formats_and_frequencies_reach_the_public_data_json(
    name, owner, catalogue_server, client_anon
):
    document = _load(name)
    url = serve_json(catalogue_server, f"/{name}.json", document)
    source = harvest_source_create(institution=owner, name=name, kind="datajson", url=url)
    harvest_job_run(job_id=harvest_job_start(source=source).pk)
    validate_everything_queued()
    published = json.loads(b"".join(client_anon.get("/data.json").streaming_content))
    assert len(published["dataset"]) == Dataset.objects.filter(status="published").count()

    def downloads(catalogue):
        return Counter(
            d["downloadURL"]
            for item in catalogue["dataset"]
            for d in item.get("distribution") or []
            if isinstance(d, dict)
            and str(d.get("downloadURL", "")).startswith(HTTP)
            and d.get("mediaType")
        )

    # Every direct download the source gave is a direct download here.
    assert downloads(published) == downloads(document)

    # A distribution that names only its media type is found by its format.
    csv_in_source = sum(
        any(
            isinstance(d, dict) and d.get("mediaType") == "text/csv"
            for d in item.get("distribution") or []
        )
        for item in document["dataset"]
    )
    found = client_anon.get("/api/v1/datasets", {"format": "CSV", "page_size": 1}).json()
    assert found["count"] >= csv_in_source > 0

    # Frequencies, "continuously updated" (R/PT1S) included, come back as the source wrote them.
    said = Counter(item.get("accrualPeriodicity") for item in document["dataset"])
    back = Counter(item.get("accrualPeriodicity") for item in published["dataset"])
    for frequency, count in said.items():
        if frequency and frequency.startswith("R/"):
            assert back[frequency] == count, frequency


def test_what_cannot_be_mapped_is_kept_as_the_source_said_it():
    """Energy's data.json: a biennial frequency, 144 keywords, and distributions with data
    dictionaries (describedBy) Suchi has no field for."""
    records = [
        datajson_record(item, "https://x.example/data.json") for item in _load("energy")["dataset"]
    ]
    by_id = {record.guid: record for record in records}
    biennial = [r for r in records if r.source_fields.get("accrualPeriodicity") == "R/P2Y"]
    assert biennial and all(r.payload["update_frequency"] == "" for r in biennial)
    most = max(records, key=lambda r: len(r.source_fields.get("keyword", [])))
    assert len(most.payload["keywords"]) == 50
    assert len(most.source_fields["keyword"]) > 50
    described = [
        r
        for r in by_id.values()
        if any("describedBy" in f for f in r.source_fields.get("distribution fields", {}).values())
    ]
    source_described = sum(
        any(isinstance(d, dict) and "describedBy" in d for d in item.get("distribution") or [])
        for item in _load("energy")["dataset"]
    )
    assert len(described) == source_described
