"""A harvested dataset is still its publisher's: an outside check of the real US catalogues
found every export naming the harvesting institution as publisher, the source's identifier
nowhere, and DCAT dropping the licence of each dataset with no distribution (946 of 1,973)."""

import json
from collections import Counter
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, FOAF, SKOS

from catalog.standards.dcat.vocab import ADMS
from registry.models import Dataset

from .conftest import serve_json
from .test_real_mappings import _load
from .test_source_dates import harvest

pytestmark = pytest.mark.django_db
SHAPES = Path(__file__).resolve().parents[1] / "fixtures" / "dcat-ap"


@pytest.fixture
def gsa(owner, catalogue_server) -> dict:
    document = _load("gsa")
    harvest(owner, serve_json(catalogue_server, "/gsa.json", document), "datajson")
    return {item["identifier"]: item for item in document["dataset"]}


def test_data_json_names_each_records_own_publisher(gsa, client_anon):
    published = json.loads(b"".join(client_anon.get("/data.json").streaming_content))
    said = Counter(item["publisher"]["name"] for item in gsa.values())
    shown = Counter(item["publisher"]["name"] for item in published["dataset"])
    assert len(said) > 1  # GSA's records name several offices
    assert shown == said


def test_dcat_names_the_source_identifier_publisher_and_every_licence(gsa, client_anon):
    graph = Graph()
    for dataset in Dataset.objects.filter(status="published").order_by("pk")[:120]:
        answer = client_anon.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="text/turtle")
        graph.parse(data=answer.content.decode(), format="turtle")
    shapes = Graph().parse(SHAPES / "DERIVED_3.0.1_core+ranges_dangling-removed.ttl")
    ok, _, report = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    assert ok, report

    without_distributions = 0
    for dataset in Dataset.objects.filter(status="published").order_by("pk")[:120]:
        source = gsa[dataset.provenance["remote_id"]]
        (node,) = graph.subjects(DCTERMS.identifier, Literal(str(dataset.pk)))
        (other,) = graph.objects(node, ADMS.identifier)
        assert graph.value(other, SKOS.notation) == Literal(source["identifier"])
        (publisher,) = graph.objects(node, DCTERMS.publisher)
        assert graph.value(publisher, FOAF.name) == Literal(source["publisher"]["name"])
        if source.get("license"):
            assert graph.value(node, DCTERMS.license) is not None, source["identifier"]
            without_distributions += not dataset.distributions.exists()
    assert without_distributions > 0


def test_a_ckan_client_sees_the_source_identifier_and_publisher(gsa, client_anon):
    dataset = Dataset.objects.filter(status="published").first()
    source = gsa[dataset.provenance["remote_id"]]
    answer = client_anon.get("/api/3/action/package_show", {"id": str(dataset.pk)}).json()
    extras = {e["key"]: e["value"] for e in answer["result"]["extras"]}
    assert json.loads(extras["alternate_identifier"]) == [source["identifier"]]
    assert extras["publisher_name"] == source["publisher"]["name"]


def test_the_page_and_its_schema_org_name_the_sources_publisher(owner, catalogue_server, client):
    """An outside check: the page said "Published by" the harvesting institution, and its
    schema.org block (what Google Dataset Search reads) named the harvester as creator."""
    from .conftest import datajson_item

    document = {"dataset": [datajson_item(publisher={"name": "Weather Office"})]}
    harvest(owner, serve_json(catalogue_server, "/one.json", document), "datajson")
    dataset = Dataset.objects.get(status="published")
    page = client.get(f"/datasets/{dataset.pk}").content.decode()
    assert "Published by Weather Office · harvested by" in page
    block = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(block)["creator"]["name"] == "Weather Office"


def test_a_record_whose_source_names_no_publisher_is_not_said_to_be_the_harvesters(
    owner, catalogue_server, client
):
    from .conftest import datajson_item

    record = datajson_item()
    del record["publisher"]
    harvest(owner, serve_json(catalogue_server, "/none.json", {"dataset": [record]}), "datajson")
    dataset = Dataset.objects.get(status="published")
    page = client.get(f"/datasets/{dataset.pk}").content.decode()
    assert "Harvested by" in page and "which names no publisher" in page
    assert "Published by" not in page.split('<p class="meta">', 1)[1].split("</p>", 1)[0]
