"""Round trips lose nothing: a state node (another Suchi, its own database, over real HTTP)
publishes a rich dataset; the national node harvests it through /data.json (DCAT-US 1.1) and
through the DCAT catalogue in Turtle, RDF/XML and JSON-LD, and must end up saying the same."""

import hashlib
import json

import pytest

from catalog.standards.dates import source_date
from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset
from registry.services import dataset_snapshot

from ..factories import dataset_payload, make_institution
from ..sourceserver import BEDS_CSV
from .node import SuchiNode

pytestmark = pytest.mark.django_db
STATE_INSTITUTION = "स्वास्थ्य विभाग, कर्नाटक (Health Department, Karnataka)"


def rich_dataset(source: str) -> dict:
    return dataset_payload(
        slug="icu-beds",
        title="आईसीयू बिस्तर — ICU beds in district hospitals",
        description="हर ज़िला अस्पताल में आईसीयू बिस्तर, हर सप्ताह। Weekly ICU bed counts by district.",
        keywords=["अस्पताल", "ICU", "beds"],
        themes=["HEAL", "SOCI"],
        license="CC-BY-4.0",
        spatial={"states": ["KA", "GA"]},
        temporal={"start": "2020-04-01", "end": "2024-03-31"},
        update_frequency="weekly",
        languages=["en", "kn"],
        version="2.1",
        conforms_to=["https://specs.frictionlessdata.io/table-schema/"],
        contact_point={"name": "डेटा प्रकोष्ठ (Data cell)", "email": "data@health.ka.example"},
        distributions=[
            {
                "title": "ICU beds (CSV)",
                "description": "One row per district and week.",
                "access_url": f"{source}/beds.csv",
                "download_url": f"{source}/beds.csv",
                "media_type": "text/csv",
                "format": "CSV",
                "byte_size": len(BEDS_CSV),
                "checksum_sha256": hashlib.sha256(BEDS_CSV).hexdigest(),
            },
            {
                "title": "ICU beds (JSON)",
                "access_url": f"{source}/beds.json",
                "media_type": "application/json",
                "format": "JSON",
            },
        ],
    )


@pytest.fixture(scope="module")
def state_node(tmp_path_factory, source_server):
    source_server.serve("/beds.json", b'[{"district": "Mysuru", "beds": 12}]', "application/json")
    node = SuchiNode(tmp_path_factory.mktemp("state-node"), allow=[source_server.host_port])
    node.migrate()
    node.manage(
        "create_institution", "ka-health", "--name", STATE_INSTITUTION, "--provider", "--verified",
    )  # fmt: skip
    node.token = node.manage("issue_token", "ka-health", "--scopes", "datasets:write")
    node.start()
    code, body = node.call(
        "POST", "/api/v1/datasets", node.token, rich_dataset(f"http://{source_server.host_port}")
    )
    assert code == 201, body
    assert body["status"] == "published", body
    node.dataset = body
    yield node
    node.stop()


@pytest.fixture
def national(settings, state_node):
    settings.SUCHI_SOURCE_ALLOWLIST = [
        *settings.SUCHI_SOURCE_ALLOWLIST,
        f"127.0.0.1:{state_node.port}",
    ]
    return make_institution(slug="national", name="National Data Registry")


DISTRIBUTION_FIELDS = (
    "title", "description", "access_url", "download_url", "format", "media_type", "byte_size",
    "checksum_sha256",
)  # fmt: skip


def what_matters(snapshot: dict, *, ordered: bool, fields=DISTRIBUTION_FIELDS) -> dict:
    """The fields a round trip must keep, as comparable values. RDF has no order among the
    values of a property (keywords, distributions): unordered, they are compared sorted."""
    distributions = [{name: d.get(name) for name in fields} for d in snapshot["distributions"]]
    return {
        "title": snapshot["title"],
        "description": snapshot["description"],
        "license": snapshot["license"],
        "themes": sorted(snapshot["themes"]),
        "keywords": snapshot["keywords"] if ordered else sorted(snapshot["keywords"]),
        "temporal": snapshot["temporal"],
        "states": sorted(snapshot["spatial"]["states"]),
        "contact_point": snapshot["contact_point"],
        "distributions": distributions
        if ordered
        else sorted(distributions, key=lambda d: d["access_url"]),
    }


def lost(sent: dict, arrived: dict) -> str:
    differ = {key: (sent[key], arrived[key]) for key in sent if sent[key] != arrived[key]}
    return json.dumps(differ, ensure_ascii=False, indent=1) if differ else ""


def dates_kept(harvested: Dataset, state_node) -> None:
    """The dataset keeps the dates its publisher gave it, not the time of the harvest."""
    sent = state_node.dataset
    assert harvested.source_issued == source_date(sent["published_at"])
    assert harvested.source_modified == source_date(sent["modified_at"])


def harvest_once(national, state_node, kind: str, path: str) -> Dataset:
    source = harvest_source_create(
        institution=national, name=f"Karnataka {path}", kind=kind, url=state_node.url + path
    )
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "finished", job.error
    assert (job.added, job.failed) == (1, 0), job.errors
    return Dataset.objects.get(institution=national)


@pytest.mark.parametrize("path", ["/catalog.ttl", "/catalog.rdf", "/catalog.jsonld", "/catalog"])
def test_a_dataset_arrives_through_dcat_as_it_was_published(national, state_node, path):
    harvested = harvest_once(national, state_node, "dcat", path)
    arrived = what_matters(dataset_snapshot(harvested), ordered=False)
    assert lost(what_matters(state_node.dataset, ordered=False), arrived) == ""
    assert harvested.provenance["publisher"] == STATE_INSTITUTION
    dates_kept(harvested, state_node)
    # DCAT has a place for these (DCAT-US 1.1 has none for the version).
    assert (harvested.version, harvested.conforms_to) == ("2.1", state_node.dataset["conforms_to"])


def test_a_dataset_arrives_through_data_json_as_it_was_published(national, state_node):
    """Byte sizes and checksums too: /data.json writes them under DCAT-US 3's names."""
    harvested = harvest_once(national, state_node, "datajson", "/data.json")
    arrived = what_matters(dataset_snapshot(harvested), ordered=True)
    assert lost(what_matters(state_node.dataset, ordered=True), arrived) == ""
    assert harvested.provenance["publisher"] == STATE_INSTITUTION
    dates_kept(harvested, state_node)


def test_a_dataset_arrives_through_ckans_action_api_as_it_was_published(national, state_node):
    """CKAN's package dict: downloads, sizes, checksums, the period, languages and standards
    ride in ckanext-dcat's resource fields and extras (an outside check lost all of them)."""
    harvested = harvest_once(national, state_node, "ckan", "")
    arrived = what_matters(dataset_snapshot(harvested), ordered=True)
    assert lost(what_matters(state_node.dataset, ordered=True), arrived) == ""
    snapshot = dataset_snapshot(harvested)
    assert snapshot["languages"] == state_node.dataset["languages"]
    assert snapshot["conforms_to"] == state_node.dataset["conforms_to"]
    assert harvested.provenance["publisher"] == STATE_INSTITUTION
