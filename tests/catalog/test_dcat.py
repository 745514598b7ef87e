"""DCAT-AP 3 output, validated with pyshacl against the official shapes."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from registry.models import Dataset
from registry.services import Actor, dataset_register, dataset_withdraw, validation_run_execute

from ..factories import dataset_payload, make_institution

pytestmark = pytest.mark.django_db
SHAPES = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "dcat-ap"
    / "DERIVED_3.0.1_core+ranges_dangling-removed.ttl"
)
HYDRA = "http://www.w3.org/ns/hydra/core#"


@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(SHAPES)


def conforms(graph: Graph, shapes: Graph) -> tuple[bool, str]:
    ok, _, text = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    return ok, text


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_demo_catalogue_turtle_conforms_to_dcat_ap_3(client, demo, shapes):
    response = client.get("/catalog.ttl")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    ok, report = conforms(graph, shapes)
    assert ok, report
    assert (
        len(list(graph.subjects(RDF.type, DCAT.Dataset)))
        == Dataset.objects.filter(status="published").count()
    )


def test_demo_catalogue_json_ld_has_the_same_triples_with_an_embedded_context(client, demo, shapes):
    body = client.get("/catalog.jsonld").content
    document = json.loads(body)
    assert isinstance(document["@context"], dict)  # embedded: nothing to fetch
    graph = Graph().parse(data=body, format="json-ld")
    turtle = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    assert len(graph) == len(turtle)
    ok, report = conforms(graph, shapes)
    assert ok, report


def test_dates_carry_their_datatypes(client, demo):
    graph = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    modified = list(graph.objects(None, DCTERMS.modified))
    assert modified and all(m.datatype == XSD.dateTime for m in modified)
    starts = list(graph.objects(None, DCAT.startDate))
    assert starts and all(s.datatype == XSD.date for s in starts)


def test_catalogue_pages_hold_100_datasets_with_hydra_links(client, db):
    institution = make_institution()
    for n in range(101):
        dataset = dataset_register(
            institution=institution, data=dataset_payload(slug=f"d{n}"), actor=Actor.system("t")
        )
        validation_run_execute(run_id=dataset.validation_runs.get().id, check_sources=False)
    first = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    assert len(list(first.subjects(RDF.type, DCAT.Dataset))) == 100
    views = list(first.subjects(RDF.type, URIRef(HYDRA + "PartialCollectionView")))
    assert len(views) == 1
    next_page = first.value(views[0], URIRef(HYDRA + "next"))
    assert str(next_page).endswith("page=2")
    second = Graph().parse(data=client.get("/catalog.ttl?page=2").content, format="turtle")
    assert len(list(second.subjects(RDF.type, DCAT.Dataset))) == 1
    assert client.get("/catalog.ttl?page=3").status_code == 404
    assert client.get("/catalog.ttl?page=zero").status_code == 400


def test_modified_since_filters_the_catalogue(client, demo):
    graph = Graph().parse(
        data=client.get("/catalog.ttl?modified_since=2999-01-01T00:00:00Z").content, format="turtle"
    )
    assert list(graph.subjects(RDF.type, DCAT.Dataset)) == []
    assert client.get("/catalog.ttl?modified_since=yesterday").status_code == 400
    # Date-times that are no moment, or none the database can store, were a 500.
    for since in ("2026-02-30T10:00:00", "9999-12-31T23:59:59-14:00", "2026-01-01T00:00+99:00"):
        response = client.get("/catalog.ttl", {"modified_since": since})
        assert response.status_code == 400, since


def test_one_dataset_in_turtle_json_ld_and_by_content_negotiation(client, demo, shapes):
    dataset = Dataset.objects.filter(status="published").first()
    for url, accept in (
        (f"/datasets/{dataset.pk}.ttl", "*/*"),
        (f"/datasets/{dataset.pk}.jsonld", "*/*"),
        (f"/datasets/{dataset.pk}", "text/turtle"),
        (f"/datasets/{dataset.pk}", "application/ld+json"),
    ):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200, url
        fmt = "turtle" if "turtle" in response["Content-Type"] else "json-ld"
        graph = Graph().parse(data=response.content, format=fmt)
        assert (
            URIRef(f"http://127.0.0.1:8000/datasets/{dataset.pk}"),
            RDF.type,
            DCAT.Dataset,
        ) in graph
        ok, report = conforms(graph, shapes)
        assert ok, report
    assert client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="application/json").status_code == 302


def test_withdrawn_and_unknown_datasets(client, demo):
    dataset = Dataset.objects.filter(status="published").first()
    dataset_withdraw(dataset=dataset, actor=Actor.system("t"))
    assert client.get(f"/datasets/{dataset.pk}.ttl").status_code == 410
    assert client.get("/datasets/00000000-0000-0000-0000-000000000000.ttl").status_code == 404


def test_catalogue_page_query_count_is_constant(client, demo, django_assert_num_queries):
    # count + one page of datasets (institution and revisions joined) + their distributions
    with django_assert_num_queries(3):
        client.get("/catalog.ttl")
