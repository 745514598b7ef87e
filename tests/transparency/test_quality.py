"""The metadata quality dashboards: the catalogue's and each publisher's FAIR figures, the
ranking, the weakest datasets and the change worth most; and the measurements in DCAT as DQV."""

import json

import pytest
from django.core.cache import cache
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from registry import mqa
from registry.models import Dataset

from ..catalog.test_dcat import SHAPES
from ..factories import make_institution, publish

pytestmark = pytest.mark.django_db
DQV = Namespace("http://www.w3.org/ns/dqv#")


@pytest.fixture
def publishers(db):
    cache.clear()
    good = make_institution(slug="good", name="Good Office")
    poor = make_institution(slug="poor", name="Poor Office")
    publish(good, slug="g1")
    publish(good, slug="g2")
    publish(poor, slug="p1", keywords=[])
    publish(poor, slug="p2", keywords=[], spatial={})
    return good, poor


def test_the_catalogue_figures_add_up_the_datasets(client, publishers):
    figures = client.get("/api/v1/stats/quality").json()
    scores = list(Dataset.objects.values_list("fair_score", flat=True))
    assert figures["datasets"] == 4
    assert figures["average"] == round(sum(scores) / 4, 1) == (295 * 2 + 265 + 245) / 4
    assert figures["ratings"] == {"excellent": 0, "good": 4, "sufficient": 0, "bad": 0}
    keywords = next(c for c in figures["checks"] if c["name"] == "keywords")
    assert (keywords["met"], keywords["share"], keywords["gain"]) == (2, 0.5, 15.0)
    assert figures["dimensions"]["findability"]["average"] == (100 * 2 + 70 + 50) / 4
    # Every dataset lacks a reachable access URL (50 points, the most there is to gain).
    assert figures["best_change"]["name"] == "access_url_reachable"
    assert figures["best_change"]["missing"] == 4
    ranking = [(p["rank"], p["slug"], p["datasets"], p["average"]) for p in figures["publishers"]]
    assert ranking == [(1, "good", 2, 295.0), (2, "poor", 2, 255.0)]


def test_a_publisher_sees_its_rank_its_weakest_datasets_and_what_to_fix(client, publishers):
    figures = client.get("/api/v1/stats/quality/poor").json()
    assert (figures["rank"], figures["of"], figures["datasets"]) == (2, 2, 2)
    assert figures["worst"][0]["title"] == "District hospital bed occupancy"
    weakest = figures["worst"][0]
    assert (weakest["points"], weakest["lost"]) == (245, 160)
    assert [m["name"] for m in weakest["missing"]][:2] == [
        "access_url_reachable",
        "download_url_reachable",
    ]
    assert client.get("/api/v1/stats/quality/nobody").status_code == 404


def test_the_ranking_as_csv(client, publishers):
    response = client.get("/api/v1/stats/quality.csv")
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines == [
        "rank,slug,name,datasets,average,rating",
        "1,good,Good Office,2,295.0,good",
        "2,poor,Poor Office,2,255.0,good",
    ]


def test_dcat_carries_the_measurements_as_dqv_and_they_round_trip(client, publishers):
    dataset = Dataset.objects.get(slug="p2")
    turtle = client.get(f"/datasets/{dataset.pk}.ttl")
    jsonld = client.get(f"/datasets/{dataset.pk}.jsonld")
    assert turtle.status_code == jsonld.status_code == 200
    graph = Graph().parse(data=turtle.content, format="turtle")
    node = URIRef(f"http://127.0.0.1:8000/datasets/{dataset.pk}")
    measured = {}
    for measurement in graph.objects(node, DQV.hasQualityMeasurement):
        assert (measurement, RDF.type, DQV.QualityMeasurement) in graph
        assert (measurement, DQV.computedOn, node) in graph
        metric = graph.value(measurement, DQV.isMeasurementOf)
        assert (metric, RDF.type, DQV.Metric) in graph
        value = graph.value(measurement, DQV.value)
        assert value.datatype == XSD.integer
        measured[str(metric).rsplit("#", 1)[1]] = value.toPython()
    assessed = mqa.summary(dataset.fair_met)
    assert measured == {**assessed["dimensions"], "fair": assessed["points"]}
    assert measured["fair"] == 245 and measured["findability"] == 50
    # Each dimension metric names its dimension, which the quality page explains.
    metric = URIRef("http://127.0.0.1:8000/quality#findability")
    dimension = graph.value(metric, DQV.inDimension)
    assert (dimension, RDF.type, DQV.Dimension) in graph
    assert str(dimension) == "http://127.0.0.1:8000/quality#dimension-findability"
    # The same triples in JSON-LD, and a real parser reads each back to an isomorphic graph.
    from_jsonld = Graph().parse(data=jsonld.content, format="json-ld")
    assert isomorphic(graph, from_jsonld)
    reparsed = Graph().parse(data=graph.serialize(format="xml"), format="xml")
    assert isomorphic(graph, reparsed)
    assert json.loads(jsonld.content)  # well-formed JSON
    ok, _, report = validate(
        graph, shacl_graph=Graph().parse(SHAPES), inference="none", allow_warnings=True
    )
    assert ok, report
    assert (node, DQV.hasQualityMeasurement, None) in graph
    assert Literal(245, datatype=XSD.integer) in set(graph.objects(None, DQV.value))


def test_a_suspended_publisher_is_neither_ranked_nor_shown(client, publishers):
    from registry.models import Institution

    Institution.objects.filter(slug="poor").update(verification_status="suspended")
    cache.clear()
    figures = client.get("/api/v1/stats/quality").json()
    assert [p["slug"] for p in figures["publishers"]] == ["good"]
    assert client.get("/api/v1/stats/quality/poor").status_code == 404
    assert client.get("/quality/poor").status_code == 404
