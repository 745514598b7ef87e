"""Findings of a security probe of this session's additions (issues #17, #18), one test each:
each failed before its fix."""

import json
import time

import pytest
from rest_framework.test import APIClient

from catalog.search.lucene import wildcard_regex
from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.checks import FETCH_STATS, SharedFetches
from registry.models import Dataset

from ..factories import dataset_payload, make_institution, make_token, publish
from .conftest import serve_json

pytestmark = pytest.mark.django_db


def ckan(client, action, **params):
    return client.get(f"/api/3/action/{action}", params)


# F1: wildcards became nested regex loops: one request held the server for minutes.
def test_a_wildcard_run_is_one_quantifier_and_many_runs_are_refused(client):
    publish(make_institution(slug="wild"), slug="water-levels")
    assert wildcard_regex("*?*?*?x") == "^.{3,}x$"
    started = time.monotonic()
    response = ckan(client, "package_search", fq="name:" + "*?" * 40 + "Z")
    assert response.status_code == 200
    assert time.monotonic() - started < 2
    response = ckan(client, "package_search", fq="tags:a*b*c*")
    assert response.status_code == 400
    assert "fq:" in response.json()["error"]["message"]
    assert ckan(client, "package_search", fq="name:*water*").json()["result"]["count"] == 1


# F2: a URL with a quote or angle brackets broke the Turtle catalogue for everyone.
def test_urls_with_characters_no_uri_may_hold(client, institution, owner, catalogue_server):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(institution)}")
    payload = dataset_payload(slug="quoted")
    payload["distributions"][0]["access_url"] = 'https://example.org/b"<>.csv'
    response = api.post("/api/v1/datasets", payload, format="json")
    assert response.status_code == 400
    assert "distributions" in json.dumps(response.json())
    record = {
        "identifier": 'id"<x>',
        "title": "Quoted",
        "description": "A record whose addresses hold characters no URI may hold.",
        "keyword": ["x"],
        "accessLevel": "public",
        "landingPage": 'https://example.org/a"b',
        "license": 'https://evil.example/l?a="><script>',
        "contactPoint": {"fn": "Desk", "hasEmail": "mailto:desk@example.org"},
        "distribution": [{"downloadURL": "https://example.org/fine.csv", "mediaType": "text/csv"}],
    }
    url = serve_json(catalogue_server, "/q.json", {"dataset": [record]})
    source = harvest_source_create(institution=owner, name="q", kind="datajson", url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    from .test_real_catalogues import validate_everything_queued

    validate_everything_queued()
    dataset = Dataset.objects.get(provenance__remote_id='id"<x>')
    assert dataset.status == "published" and dataset.landing_page == ""
    for path in ("/catalog.ttl", f"/datasets/{dataset.pk}.ttl", "/catalog.rdf"):
        assert client.get(path).status_code == 200, path


# F3: a Table Schema of thousands of columns made each Croissant request take seconds.
def test_table_schemas_are_bounded_and_croissant_is_linear(institution, client):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {make_token(institution)}")
    payload = dataset_payload(slug="wide")
    payload["distributions"][0]["schema"] = {"fields": [{"name": "a"}] * 1001}
    response = api.post("/api/v1/datasets", payload, format="json")
    assert response.status_code == 400 and "schema" in json.dumps(response.json())
    wide = dataset_payload(slug="wide-ok")
    wide["distributions"][0]["schema"] = {"fields": [{"name": "a"}] * 1000}
    dataset = publish(institution, **{k: v for k, v in wide.items() if k != "slug"}, slug="w")
    started = time.monotonic()
    assert client.get(f"/datasets/{dataset.pk}/croissant.jsonld").status_code == 200
    assert time.monotonic() - started < 1


# F4: lists and texts past SQLite's limits were 500s; a huge sitemap page overflowed OFFSET.
def test_oversized_ckan_parameters_and_sitemap_pages_are_4xx(client):
    api = APIClient()
    body = {"fq_list": ["tags:a"] * 1200}
    assert api.post("/api/3/action/package_search", body, format="json").status_code == 400
    body = {"query": ["name:a"] * 2000}
    assert api.post("/api/3/action/resource_search", body, format="json").status_code == 409
    for action in ("package_autocomplete", "format_autocomplete"):
        response = api.post(f"/api/3/action/{action}", {"q": "a" * 60_000}, format="json")
        assert response.status_code == 400, action
    assert client.get("/sitemaps/datasets-99999999999999999999.xml").status_code == 404


# F5: the link prefetch ignored the batch's deadline: a tarpit could hold a batch for an hour.
def test_nothing_is_fetched_past_the_batch_deadline():
    FETCH_STATS.reset()
    snapshot = {
        "access_rights": "open",
        "distributions": [{"id": "d", "access_url": "http://127.0.0.1:9/x", "download_url": ""}],
    }
    SharedFetches().prefetch([(snapshot, False)], lambda url: True, deadline=time.monotonic() - 1)
    assert FETCH_STATS.total == 0


# F6: one record of an odd type failed the whole job; a non-text "charset" crashed it.
def test_one_odd_record_fails_alone(owner, catalogue_server):
    good = {
        "identifier": "good",
        "title": "Good",
        "description": "A record of the usual shape, which must still be imported.",
        "keyword": ["x"],
        "accessLevel": "public",
        "landingPage": "https://example.org/good",
    }
    odd = {
        **good,
        "identifier": "odd",
        "distribution": [{"downloadURL": "https://e.org/a", "mediaType": 1}],
    }
    url = serve_json(catalogue_server, "/odd.json", {"dataset": [odd, good]})
    source = harvest_source_create(institution=owner, name="odd", kind="datajson", url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "finished" and job.added == 2, (job.error, job.errors)


@pytest.mark.parametrize("charset", ["bz2", "rot13", "undefined", "base64"])
def test_a_charset_that_is_no_character_set_fails_with_a_reason(owner, catalogue_server, charset):
    url = catalogue_server.serve(
        "/c.json", b'{"dataset": []}', f"application/json; charset={charset}"
    )
    source = harvest_source_create(institution=owner, name="c", kind="datajson", url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "character set" in job.error, job.error


# A probe of session 23: a harvested record's control characters were stored as they came (the
# API refuses them) and written raw into RDF/XML: the dataset's .rdf and the whole catalogue page
# holding it were not well-formed XML, so every harvester reading that page failed.
def test_control_characters_of_a_source_do_not_break_the_rdf_xml_pages(
    client, owner, catalogue_server
):
    import rdflib

    from .test_european_dcat import PREFIXES
    from .test_real_catalogues import validate_everything_queued

    ttl = (
        PREFIXES
        + """<http://x.example/ds6> a dcat:Dataset ;
      dct:title "Ctl\\u0001title\\u000Bx" ; dct:description "Soil moisture by\\u0002 district \\uFFFE." ;
      dct:identifier "ds6" ; dcat:keyword "kw\\u0003" ; <http://x.example/odd> "odd\\u0004" ;
      dct:publisher [ a foaf:Agent ; foaf:name "Soil\\u0005 Office" ] ;
      dcat:distribution [ a dcat:Distribution ; dct:title "CSV\\u0006" ;
        dcat:accessURL <https://example.org/soil.csv> ; dcat:mediaType "text/csv" ] ."""
    )
    url = catalogue_server.serve("/cat6.ttl", ttl.encode(), "text/turtle")
    source = harvest_source_create(institution=owner, name="ctl", kind="dcat", url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    validate_everything_queued()
    dataset = Dataset.objects.get()
    assert dataset.status in {"published", "published_with_warnings"}
    assert dataset.title == "Ctltitlex" and dataset.keywords == ["kw"]
    stored = json.dumps([dataset.description, dataset.provenance, dataset.source_publisher])
    assert not any(c in stored for c in "\x01\x02\x03\x04\x05\ufffe"), stored
    assert dataset.distributions.get().title == "CSV"

    def parses(path: str) -> rdflib.Graph:
        response = client.get(path)
        assert response.status_code == 200, path
        return rdflib.Graph().parse(data=response.content, format="xml")

    for path in (f"/datasets/{dataset.pk}.rdf", "/catalog.rdf"):
        parses(path)
    # One stored before the door was shut: the RDF/XML writer drops what XML cannot carry.
    Dataset.objects.filter(pk=dataset.pk).update(title="Old\x07 title", keywords=["k\x08w"])
    graph = parses(f"/datasets/{dataset.pk}.rdf")
    titles = {str(o) for o in graph.objects(None, rdflib.namespace.DCTERMS.title)}
    assert "Old title" in titles
