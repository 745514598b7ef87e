"""A record that passes through two Suchis: a state node harvests a US agency's data.json, a
national node harvests the state node through its REST API. The national node keeps what the
agency said beyond Suchi's fields (and writes it back in its own data.json), names the agency
as the publisher, and records where the record first came from."""

import json

import pytest

from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset

from ..factories import make_institution
from ..sourceserver import SourceServer
from .conftest import datajson_item, serve_json
from .node import SuchiNode
from .test_real_catalogues import validate_everything_queued

pytestmark = pytest.mark.django_db

AGENCY = "General Services Administration"
SAID = {
    "bureauCode": ["023:00"],
    "programCode": ["023:019"],
    "references": ["https://www.gsa.gov/reference/rainfall"],
    "rights": "Rights as the agency wrote them.",
}


@pytest.fixture
def state_node(tmp_path, source_server):
    agency = SourceServer()
    document = {"dataset": [datajson_item(publisher={"name": AGENCY}, **SAID)]}
    url = serve_json(agency, "/data.json", document)
    (tmp_path / "state").mkdir()
    node = SuchiNode(tmp_path / "state", allow=[source_server.host_port, agency.host_port])
    node.migrate()
    node.manage("create_institution", "ka-data", "--name", "Karnataka Data", "--verified")
    token = node.manage("issue_token", "ka-data", "--scopes", "datasets:write")
    node.start()
    source = {"name": "GSA", "kind": "datajson", "url": url}
    code, body = node.call("POST", "/api/v1/harvest-sources", token, source)
    assert code == 201, body
    print(node.manage("harvest", "GSA", "--wait"))
    yield node
    node.stop()
    agency.stop()


def test_the_second_hop_keeps_what_the_agency_said(settings, state_node, client_anon):
    settings.SUCHI_SOURCE_ALLOWLIST = [
        *settings.SUCHI_SOURCE_ALLOWLIST,
        f"127.0.0.1:{state_node.port}",
    ]
    national = make_institution(slug="national", name="National Data Registry")
    source = harvest_source_create(
        institution=national, name="Karnataka", kind="suchi", url=state_node.url
    )
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.added, job.failed) == ("finished", 1, 0), job.errors

    dataset = Dataset.objects.get(institution=national)
    assert dataset.source_publisher == AGENCY
    origin = dataset.provenance["origin"]
    assert (origin["kind"], origin["remote_id"]) == ("datajson", "r-1")
    assert origin["url"].endswith("/data.json")
    assert dataset.provenance["source_fields"]["bureauCode"] == SAID["bureauCode"]

    validate_everything_queued()
    dataset.refresh_from_db()
    assert dataset.status == "published"
    published = json.loads(b"".join(client_anon.get("/data.json").streaming_content))
    (record,) = published["dataset"]
    assert {key: record.get(key) for key in SAID} == SAID
    assert record["publisher"]["name"] == AGENCY
    page = client_anon.get(f"/datasets/{dataset.pk}").content.decode()
    assert "First harvested from" in page and "GSA (datajson)" in page


def test_a_remote_suchi_cannot_speak_for_fields_suchi_writes_itself(
    settings, catalogue_server, client_anon
):
    """Outside probe: a fake Suchi claimed its records came from CKAN, so their "source
    fields" went out as CKAN extras in Suchi's own names (language, spatial, temporal_start),
    contradicting the dataset; and an unknown kind of origin was shown as it was claimed."""
    from ..factories import dataset_payload
    from .conftest import serve_json

    national = make_institution(slug="national", name="National Data Registry")
    item = {
        **dataset_payload(slug="spoof", title="Spoofed origin"),
        "id": "00000000-0000-4000-8000-000000000001",
        "provenance": {
            "source": {"kind": "ckan", "name": "Somewhere", "url": "https://x.example"},
            "remote_id": "r",
            "source_fields": {
                "language": '["fr"]',
                "temporal_start": "1900-01-01",
                "spatial": '{"type": "Point", "coordinates": [0, 0]}',
                "harvest_source_title": "Kept",
            },
        },
    }
    odd = {**item, "id": "00000000-0000-4000-8000-000000000002", "slug": "odd", "title": "Odd"}
    odd["provenance"] = {**item["provenance"], "source": {"kind": "verified-government"}}
    url = serve_json(catalogue_server, "/api/v1/datasets", {"results": [item, odd]})
    source = harvest_source_create(
        institution=national, name="Fake", kind="suchi", url=url.removesuffix("/api/v1/datasets")
    )
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    spoofed = Dataset.objects.get(institution=national, title="Spoofed origin")
    assert Dataset.objects.get(institution=national, title="Odd").provenance.get("origin") is None
    spoofed.status = "published"  # what matters here is the export, not the checks
    spoofed.save(update_fields=["status"])
    body = client_anon.get("/api/3/action/package_show", {"id": str(spoofed.pk)}).json()
    extras = {e["key"]: e["value"] for e in body["result"]["extras"]}
    assert extras["harvest_source_title"] == "Kept"
    # Suchi's own values, where it has them; never what the remote claimed.
    assert extras.get("temporal_start") != "1900-01-01"
    assert "Point" not in extras.get("spatial", "")
    assert extras.get("language") != '["fr"]'
