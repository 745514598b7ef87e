"""Real DCAT-US catalogues (GSA 339, DHS 1,093, Energy 482, FCC 59 datasets; US federal
agencies' data.json, tests/fixtures/datajson) harvested from a local server: what the source
publishes, Suchi publishes (issue #17). Before the harvest policy, 0 of GSA's 339 were.

Their data lives on hosts this machine cannot reach, so every link check fails: under the
harvest policy that is a warning, never a reason to keep a record out.
"""

import json
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset, ValidationFinding, ValidationRun
from registry.services import validation_runs_execute

from .conftest import serve_json

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "datajson"
FILES = {"gsa": 339, "dhs": 1093, "energy": 482, "fcc": 59}


def validate_everything_queued() -> None:
    """What the workers do: the queued runs, SUCHI_RUN_BATCH to a job."""
    while ids := list(
        ValidationRun.objects.filter(status="queued").order_by("id").values_list("id", flat=True)
    ):
        for start in range(0, len(ids), settings.SUCHI_RUN_BATCH):
            validation_runs_execute(run_ids=ids[start : start + settings.SUCHI_RUN_BATCH])


@pytest.mark.parametrize(
    "name",
    [
        "fcc",
        "gsa",
        # the two largest run with the slow tests (SUCHI_SLOW_TESTS=1; CI runs them)
        pytest.param("dhs", marks=pytest.mark.slow),
        pytest.param("energy", marks=pytest.mark.slow),
    ],
)
def test_a_real_catalogue_is_published_not_rejected(name, owner, catalogue_server):
    document = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    url = serve_json(catalogue_server, f"/{name}.json", document)
    source = harvest_source_create(institution=owner, name=name, kind="datajson", url=url)
    started = time.monotonic()
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    validate_everything_queued()
    elapsed = time.monotonic() - started
    job.refresh_from_db()
    assert job.status == "finished", job.error
    statuses = Counter(Dataset.objects.values_list("status", flat=True))
    published = statuses["published"]
    assert job.gathered == FILES[name]
    reasons = Counter(
        ValidationFinding.objects.filter(severity="error").values_list("check_name", "message")
    ).most_common(3)
    assert published >= 0.95 * FILES[name], (statuses, job.failed, job.errors[:5], reasons)
    # Licences the sources gave are kept, mapped to ids (CC0, the US public-domain works …).
    with_licence = Dataset.objects.exclude(license="").count()
    # (Not counted: project-open-data's "unknown-license" placeholder and a bare site address,
    # which say nothing about the terms.)
    stated = [
        str(d["license"])
        for d in document["dataset"]
        if d.get("license")
        and "unknown-license" not in str(d["license"])
        and urlsplit(str(d["license"])).path.strip("/") != ""
    ]
    # (Energy also names two web pages that are no licence: they are not mapped.)
    assert with_licence >= 0.99 * len(stated), (with_licence, len(stated))
    # What kept a record out is something a person would accept.
    blocking = Counter(
        ValidationFinding.objects.filter(severity="error").values_list("check_name", "field")
    )
    assert set(blocking) <= {
        ("metadata_completeness", "title"),
        ("metadata_completeness", "distributions"),
        ("personal_data", ""),
        ("metadata_completeness", "contains_personal_data"),
    }, blocking
    top = Counter(
        (check, re.sub(r"\[\d+\]", "[*]", field))
        for check, field in ValidationFinding.objects.filter(severity="warning").values_list(
            "check_name", "field"
        )
    ).most_common(6)
    print(f"\n{name}: {published}/{FILES[name]} published in {elapsed:.1f} s; kept out: {blocking}")
    print(f"{name}: top warnings (check, field): {top}")
