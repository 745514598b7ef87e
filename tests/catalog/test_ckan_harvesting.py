"""Suchi harvested as CKAN's own tools harvest a CKAN site, against a live server:
ckanext-harvest's CKANHarvester gather stage (its requests spelled as it spells them), and
`ckanapi dump … --all`."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import requests
from django.utils import timezone

from registry.models import Dataset

from .. import factories
from ..factories import make_institution

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server):
    health = make_institution(slug="ka-health", name="Health Department")
    transport = make_institution(slug="bmtc", name="Transport Authority")
    for slug, title in (("beds", "Hospital beds"), ("dengue", "Dengue cases")):
        factories.publish(health, slug=slug, title=title, keywords=[slug])
    for slug, title in (("stops", "Bus stops"), ("routes", "Bus routes"), ("fares", "Fares")):
        factories.publish(transport, slug=slug, title=title, keywords=[slug], themes=["TRAN"])
    return live_server.url


def search_for_datasets(base: str, fq_terms=None, rows: str = "100") -> list[dict]:
    """CKANHarvester._search_for_datasets (ckanext-harvest, ckanharvester.py), as it pages."""
    params = {"rows": rows, "start": "0", "sort": "id asc"}
    if fq_terms:
        params["fq"] = f"({' OR '.join(fq_terms)})"
    pkg_dicts, pkg_ids, previous_content = [], set(), None
    while True:
        url = f"{base}/api/3/action/package_search?" + urlencode(params, quote_via=quote)
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, response.content
        content = response.content
        assert content != previous_content, "The paging doesn't seem to work"
        previous_content = content
        page = json.loads(content)["result"]["results"]
        ids_in_page = {p["id"] for p in page}
        page = [p for p in page if p["id"] not in pkg_ids]
        pkg_ids |= ids_in_page
        pkg_dicts.extend(page)
        if not page:
            return pkg_dicts
        params["start"] = str(int(params["start"]) + int(params["rows"]))


def test_ckan_harvester_gathers_every_dataset_once_then_only_the_changed_ones(site):
    published = sorted(str(pk) for pk in Dataset.objects.values_list("pk", flat=True))
    for rows in ("100", "2"):
        gathered = [p["id"] for p in search_for_datasets(site, rows=rows)]
        # Sorted by id, so no page repeats or skips one, and each dataset comes once.
        assert gathered == published

    # The last error-free job started a day ago; two datasets changed since, one long before.
    long_ago = timezone.now() - timedelta(days=3)
    Dataset.objects.update(modified_at=long_ago)
    Dataset.objects.filter(slug__in=["dengue", "fares"]).update(modified_at=timezone.now())
    gather_started = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=1)
    get_changes_since = (gather_started - timedelta(hours=1)).isoformat()
    fq_since_last_time = f"metadata_modified:[{get_changes_since}Z TO *]"
    changed = search_for_datasets(site, [fq_since_last_time], rows="1")
    assert sorted(p["name"] for p in changed) == ["bmtc--fares", "ka-health--dengue"]

    # Its organization filters: include (ORed) and exclude (each negated).
    included = search_for_datasets(site, [" OR ".join(["organization:ka-health"])])
    assert sorted(p["name"] for p in included) == ["ka-health--beds", "ka-health--dengue"]
    excluded = search_for_datasets(site, ["-organization:ka-health"])
    assert len(excluded) == 3 and all(p["owner_org"] == "bmtc" for p in excluded)
    groups = search_for_datasets(site, ["groups:tran"])
    assert len(groups) == 3


def ckanapi_dump(base: str, thing: str, output: Path) -> list[dict]:
    # ckanapi runs its workers as `ckanapi dump … --worker`, found on PATH.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    command = [Path(sys.executable).parent / "ckanapi", "dump", thing, "--all", "-q"]
    subprocess.run(
        [*command, "-r", base, "-O", str(output)],
        check=True,
        env=env,
        timeout=120,
        capture_output=True,
    )
    return [json.loads(line) for line in output.read_text().splitlines()]


def test_ckanapi_dumps_datasets_organizations_and_groups(site, tmp_path):
    datasets = ckanapi_dump(site, "datasets", tmp_path / "datasets.jsonl")
    assert sorted(d["name"] for d in datasets) == [
        "bmtc--fares",
        "bmtc--routes",
        "bmtc--stops",
        "ka-health--beds",
        "ka-health--dengue",
    ]
    assert all(d["resources"] and d["organization"]["name"] == d["owner_org"] for d in datasets)

    organizations = ckanapi_dump(site, "organizations", tmp_path / "organizations.jsonl")
    assert {o["name"]: o["package_count"] for o in organizations} == {"bmtc": 3, "ka-health": 2}
    assert all(o["is_organization"] for o in organizations)

    groups = ckanapi_dump(site, "groups", tmp_path / "groups.jsonl")
    counts = {g["name"]: g["package_count"] for g in groups}
    assert counts["tran"] == 3 and counts["heal"] == 2
    assert sum(counts.values()) == 5 and len(groups) == len(set(counts))
