"""Every IRI Suchi mints in its DCAT output dereferences: a page for a browser, RDF for an RDF
client. And the catalogue speaks RDF/XML, the format ckanext-dcat's harvester reads."""

import hashlib
from urllib.parse import urldefrag, urlsplit

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, FOAF, RDF

from catalog.synthetic import generate_datasets
from registry.models import Distribution
from registry.services import Actor, dataset_withdraw

from ..factories import make_institution, publish, publish_consent_dataset
from ..sourceserver import BEDS_CSV

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HYDRA = "http://www.w3.org/ns/hydra/core#"
FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/rdf+xml": "xml"}


@pytest.fixture
def catalogue(db, source_server):
    health = make_institution(slug="mh-health", name="Public Health Department, Maharashtra")
    beds = publish(
        health,
        slug="beds",
        spatial={"states": ["MH", "GA"]},
        temporal={"start": "2021-01-01", "end": "2021-12-31"},
        distributions=[
            {
                "title": "Beds (CSV)",
                "access_url": f"http://{source_server.host_port}/beds.csv",
                "media_type": "text/csv",
                "format": "CSV",
                "byte_size": len(BEDS_CSV),
                "checksum_sha256": hashlib.sha256(BEDS_CSV).hexdigest(),
                "schema": {"fields": [{"name": "district", "type": "string"}]},
            }
        ],
    )
    consent = publish_consent_dataset(health, spatial={"states": ["DL"]})
    return {"beds": beds, "consent": consent}


def get(client, url: str, accept: str):
    """GET, following redirects to our own pages, as a harvester or a browser would."""
    response = client.get(url, HTTP_ACCEPT=accept)
    for _ in range(3):
        if response.status_code not in (301, 302, 303, 307, 308):
            break
        response = client.get(response["Location"], HTTP_ACCEPT=accept)
    return response


def ours(graph: Graph) -> set[str]:
    """Every IRI of ours in the graph (subjects, predicates' objects), fragment removed."""
    found = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(SITE + "/"):
                found.add(urldefrag(str(term)).url)
    return found


def test_every_iri_in_the_catalogue_dereferences_for_browsers_and_rdf_clients(client, catalogue):
    graph = Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    iris = ours(graph)
    paths = {urlsplit(iri).path for iri in iris}
    beds, dist = catalogue["beds"], catalogue["beds"].distributions.get()
    # The kinds of IRI the output mints, each present (the walk below would miss a kind absent).
    assert {
        "/catalog",
        "/",
        f"/datasets/{beds.pk}",
        f"/distributions/{dist.pk}",
        "/places/IN-MH",
        "/places/IN-DL",
        "/institutions/mh-health",
    } <= paths
    for iri in sorted(iris):
        local = iri.removeprefix(SITE)
        page = get(client, local, BROWSER)
        assert page.status_code == 200, (iri, page.status_code)
        if not urlsplit(iri).path.endswith((".ttl", ".jsonld", ".rdf")):  # not a paging view
            assert page["Content-Type"].startswith("text/html"), iri
        turtle = get(client, local, "text/turtle")
        assert turtle.status_code == 200, (iri, turtle.status_code)
        if urlsplit(iri).path != "/":  # the home page is a document (foaf:homepage), not data
            assert turtle["Content-Type"].startswith("text/turtle"), iri


@pytest.mark.parametrize("accept", list(FORMATS))
def test_resources_describe_themselves_in_each_rdf_format(client, catalogue, accept):
    dist = catalogue["beds"].distributions.get()
    for path, subject, rdf_type in (
        (f"/distributions/{dist.pk}", f"/distributions/{dist.pk}", DCAT.Distribution),
        ("/places/IN-MH", "/places/IN-MH", URIRef("http://purl.org/dc/terms/Location")),
        (f"/datasets/{catalogue['beds'].pk}", f"/datasets/{catalogue['beds'].pk}", DCAT.Dataset),
        ("/catalog", "/catalog", DCAT.Catalog),
        ("/institutions/mh-health", "/institutions/mh-health", FOAF.Organization),
    ):
        response = client.get(path, HTTP_ACCEPT=accept)
        assert response.status_code == 200, path
        assert response["Content-Type"].split(";")[0] == accept
        assert "Accept" in response["Vary"]
        graph = Graph().parse(data=response.content, format=FORMATS[accept])
        assert (URIRef(SITE + subject), RDF.type, rdf_type) in graph, (path, accept)


def test_the_distribution_page_links_its_dataset_and_source(client, catalogue):
    dist = catalogue["beds"].distributions.get()
    page = client.get(f"/distributions/{dist.pk}", HTTP_ACCEPT=BROWSER).content.decode()
    assert f'href="/datasets/{catalogue["beds"].pk}"' in page
    assert f'href="{dist.access_url}"' in page
    assert f'href="/distributions/{dist.pk}/schema.json"' in page


def test_the_place_page_names_the_state_and_lists_what_covers_it(client, catalogue):
    page = client.get("/places/IN-MH", HTTP_ACCEPT=BROWSER).content.decode()
    assert "Maharashtra" in page and "महाराष्ट्र" in page
    assert catalogue["beds"].title in page
    assert 'href="/datasets?state=MH"' in page
    assert client.get("/places/IN-ZZ", HTTP_ACCEPT=BROWSER).status_code == 404
    assert client.get("/places/IN-ZZ", HTTP_ACCEPT="text/turtle").status_code == 404


def test_withdrawn_and_unknown_distributions(client, catalogue):
    dist = catalogue["beds"].distributions.get()
    dataset_withdraw(dataset=catalogue["beds"], actor=Actor.system("t"))
    assert client.get(f"/distributions/{dist.pk}", HTTP_ACCEPT=BROWSER).status_code == 410
    assert client.get(f"/distributions/{dist.pk}", HTTP_ACCEPT="text/turtle").status_code == 410
    assert client.get(f"/distributions/{dist.pk}/schema.json").status_code == 404
    unknown = "/distributions/00000000-0000-0000-0000-000000000000"
    assert client.get(unknown).status_code == 404


def test_a_distribution_of_a_dataset_never_published_is_unknown(client, catalogue, api):
    response = api.post(
        "/api/v1/datasets",
        {
            "title": "Draft",
            "description": "x" * 60,
            "distributions": [{"access_url": "https://example.org/a.csv", "format": "CSV"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    dist = Distribution.objects.get(dataset_id=response.json()["id"])
    assert client.get(f"/distributions/{dist.pk}").status_code == 404


def test_catalog_sends_browsers_home_and_anything_else_rdf_xml(client, catalogue):
    response = client.get("/catalog", HTTP_ACCEPT=BROWSER)
    assert response.status_code == 302 and response["Location"] == "/"
    for accept in (None, "*/*"):
        headers = {"HTTP_ACCEPT": accept} if accept else {}
        response = client.get("/catalog", **headers)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/rdf+xml; charset=utf-8"
    response = client.get("/catalog", HTTP_ACCEPT="image/png")
    assert response.status_code == 406


def test_ckanext_dcat_harvester_requests_are_answered_in_rdf_xml(client, db):
    """ckanext-dcat (harvesters/base.py): HEAD first, then GET, with requests' default
    `Accept: */*`; it parses what the Content-Type names and follows hydra:next."""
    generate_datasets(count=150, institutions=2, batch_size=150, prefix="ck")
    for start in ("/catalog.rdf", "/catalog"):
        url, seen = start, 0
        while url:
            head = client.head(url, HTTP_ACCEPT="*/*")
            assert head.status_code == 200, url
            response = client.get(url, HTTP_ACCEPT="*/*")
            assert response.status_code == 200, url
            media_type = response["Content-Type"].split(";", 1)[0]
            assert media_type == "application/rdf+xml"
            graph = Graph().parse(data=response.content, format=media_type)
            seen += len(set(graph.subjects(RDF.type, DCAT.Dataset)))
            following = list(graph.objects(None, URIRef(HYDRA + "next")))
            url = str(following[0]).removeprefix(SITE) if following else None
            if url:
                assert url.startswith(start + "?"), url  # pages stay on the route asked for
        assert seen == 150


def test_one_dataset_in_rdf_xml(client, catalogue):
    beds = catalogue["beds"]
    for url, accept in ((f"/datasets/{beds.pk}.rdf", "*/*"), (f"/datasets/{beds.pk}", None)):
        headers = {"HTTP_ACCEPT": accept or "application/rdf+xml"}
        response = client.get(url, **headers)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/rdf+xml; charset=utf-8"
        graph = Graph().parse(data=response.content, format="xml")
        assert (URIRef(f"{SITE}/datasets/{beds.pk}"), RDF.type, DCAT.Dataset) in graph
