"""Probe finding 1 (high): a harvested catalogue made the server fetch URLs of the attacker's
choosing (JSON-LD contexts, RDF/XML entities) around the SSRF guard, read local files, and
echoed low-level errors (a port scanner and a file-existence oracle). And finding 2: a
`javascript:` subject IRI became the "Original record" link.

Each test serves a hostile catalogue from an allow-listed loopback server and keeps a second
loopback server, the "attacker's listener", which is *not* allow-listed: it must receive
nothing, whatever the catalogue asks for.
"""

import json
import time

import pytest
from django.test import Client

from harvest.models import HarvestJob
from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset

from ..factories import make_institution, run_queued_validations
from ..sourceserver import SourceServer

pytestmark = pytest.mark.django_db

DCAT_AP_CONTEXT = "https://semiceu.github.io/DCAT-AP/releases/3.0.0/context/dcat-ap.jsonld"


@pytest.fixture
def catalogue(settings):
    server = SourceServer()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, server.host_port]
    yield server
    server.stop()


@pytest.fixture
def listener():
    """The attacker's server on loopback; never allow-listed. Every path answers, so a fetch
    that reached it would succeed and be counted."""
    server = SourceServer()
    context = json.dumps({"@context": {"title": "http://purl.org/dc/terms/title"}}).encode()
    for path in ("/ctx.jsonld", "/import.jsonld", "/evil.dtd", "/entity.txt", "/scoped.jsonld"):
        server.serve(path, context, "application/ld+json")
    yield server
    assert sum(server.hits.values()) == 0, f"the listener was reached: {dict(server.hits)}"
    server.stop()


@pytest.fixture
def owner(db):
    return make_institution(slug="national", name="National Data Registry")


def harvest(owner, url: str) -> HarvestJob:
    source = harvest_source_create(
        institution=owner, name=f"s-{time.monotonic_ns()}", kind="dcat", url=url
    )
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    run_queued_validations()
    job.refresh_from_db()
    return job


def jsonld_dataset(context, **extra) -> dict:
    return {
        "@context": context,
        "@graph": [
            {
                "@id": "https://data.example.org/dataset/1",
                "@type": "http://www.w3.org/ns/dcat#Dataset",
                "http://purl.org/dc/terms/title": "Rainfall by district",
                "http://purl.org/dc/terms/description": "Daily rainfall for every district.",
                "http://www.w3.org/ns/dcat#landingPage": {"@id": "https://data.example.org/r"},
                **extra,
            }
        ],
    }


LOW_LEVEL_WORDS = ("refused", "errno", "no such file", "not found", "directory", "urlopen")


def assert_refused_cleanly(job: HarvestJob, *needles: str) -> None:
    assert job.status == "failed", job.error
    for needle in needles:
        assert needle in job.error, job.error
    for word in LOW_LEVEL_WORDS:
        assert word not in job.error.lower(), job.error
    assert Dataset.objects.count() == 0


def test_remote_jsonld_context_on_loopback_is_never_fetched(owner, catalogue, listener):
    doc = jsonld_dataset(listener.url("/ctx.jsonld"))
    url = catalogue.serve("/c.jsonld", json.dumps(doc).encode(), "application/ld+json")
    job = harvest(owner, url)
    assert_refused_cleanly(job, "is not one Suchi ships", "/ctx.jsonld")


def test_a_context_on_the_allow_listed_source_itself_is_not_fetched_either(owner, catalogue):
    context_url = catalogue.serve(
        "/my-context.jsonld", b'{"@context": {"t": "http://purl.org/dc/terms/title"}}'
    )
    doc = jsonld_dataset(context_url)
    url = catalogue.serve("/c.jsonld", json.dumps(doc).encode(), "application/ld+json")
    job = harvest(owner, url)
    assert_refused_cleanly(job, "remote contexts are never fetched")
    assert catalogue.hits["/my-context.jsonld"] == 0


def test_file_context_is_never_read(owner, catalogue, tmp_path, listener):
    local = tmp_path / "terms.json"
    local.write_text(json.dumps({"@context": {"name": "http://purl.org/dc/terms/title"}}))
    references = (local.as_uri(), str(local), "file:///etc/passwd", "file:///no/such/file")
    for n, reference in enumerate(references):
        doc = jsonld_dataset(reference, name="From a local file")
        url = catalogue.serve(f"/c{n}.jsonld", json.dumps(doc).encode(), "application/ld+json")
        job = harvest(owner, url)
        # The same answer whether the file exists or not: no file-existence oracle.
        assert_refused_cleanly(job, "is not one Suchi ships")


def test_relative_context_is_not_resolved_against_the_source(owner, catalogue):
    catalogue.serve("/ctx.jsonld", b'{"@context": {}}', "application/ld+json")
    doc = jsonld_dataset("ctx.jsonld")
    url = catalogue.serve("/c.jsonld", json.dumps(doc).encode(), "application/ld+json")
    job = harvest(owner, url)
    assert_refused_cleanly(job, "ctx.jsonld")
    assert catalogue.hits["/ctx.jsonld"] == 0


def test_import_and_scoped_contexts_and_lists_are_refused(owner, catalogue, listener):
    hostile = [
        {"@import": listener.url("/import.jsonld"), "x": "http://example.org/x"},
        [DCAT_AP_CONTEXT, listener.url("/ctx.jsonld")],
        {"term": {"@id": "http://example.org/t", "@context": listener.url("/scoped.jsonld")}},
    ]
    for n, context in enumerate(hostile):
        doc = jsonld_dataset(context)
        url = catalogue.serve(f"/c{n}.jsonld", json.dumps(doc).encode(), "application/ld+json")
        job = harvest(owner, url)
        assert_refused_cleanly(job)


def test_a_context_that_redirects_to_loopback_is_not_followed(owner, catalogue, listener):
    hop = catalogue.redirect("/hop", listener.url("/ctx.jsonld"))
    doc = jsonld_dataset(hop)
    url = catalogue.serve("/c.jsonld", json.dumps(doc).encode(), "application/ld+json")
    job = harvest(owner, url)
    assert_refused_cleanly(job)
    assert catalogue.hits["/hop"] == 0


def test_the_shipped_dcat_ap_context_works_offline(owner, catalogue, listener):
    """The official DCAT-AP context, named by its URL, is served from Suchi's own copy."""
    doc = {
        "@context": DCAT_AP_CONTEXT,
        "@graph": [
            {
                "@id": "https://data.example.org/dataset/ctx",
                "@type": "Dataset",
                "Dataset.title": ["Groundwater levels"],
                "Dataset.description": ["Quarterly groundwater levels from observation wells."],
                "Dataset.landingPage": ["https://data.example.org/groundwater"],
            }
        ],
    }
    url = catalogue.serve("/c.jsonld", json.dumps(doc).encode(), "application/ld+json")
    job = harvest(owner, url)
    assert job.status == "finished", job.error
    dataset = Dataset.objects.get()
    assert dataset.title == "Groundwater levels"
    assert dataset.landing_page == "https://data.example.org/groundwater"


XXE_TEMPLATE = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ {decl} ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://data.example.org/dataset/x">
    <dct:title>{title}</dct:title>
    <dct:description>An XML catalogue with an entity in it.</dct:description>
    <dcat:landingPage rdf:resource="https://data.example.org/x"/>
  </dcat:Dataset>
</rdf:RDF>
"""


def test_rdfxml_external_entities_are_refused(owner, catalogue, listener, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    cases = [
        (f'<!ENTITY e SYSTEM "{listener.url("/entity.txt")}">', "&e;"),
        (f'<!ENTITY e SYSTEM "{secret.as_uri()}">', "&e;"),
        (f'<!ENTITY % p SYSTEM "{listener.url("/evil.dtd")}"> %p;', "x"),
        ('<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">', "&b;"),
    ]
    for n, (decl, title) in enumerate(cases):
        body = XXE_TEMPLATE.format(decl=decl, title=title).encode()
        url = catalogue.serve(f"/c{n}.rdf", body, "application/rdf+xml")
        job = harvest(owner, url)
        assert_refused_cleanly(job, "entities")
        assert "TOP-SECRET" not in job.error


def test_rdfxml_external_dtd_is_not_fetched(owner, catalogue, listener):
    body = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rdf:RDF SYSTEM "{listener.url("/evil.dtd")}">\n'
        + XXE_TEMPLATE.split("]>\n", 1)[1].format(title="Plain title")
    ).encode()
    url = catalogue.serve("/c.rdf", body, "application/rdf+xml")
    job = harvest(owner, url)
    # Whether the record is taken or the document refused, the DTD is never fetched (the
    # listener fixture asserts it).
    assert job.status in {"finished", "failed"}


def test_unreachable_source_error_names_no_operating_system_words(owner, settings):
    # A closed port on an allow-listed host: the job says it could not connect, in plain words.
    server = SourceServer()
    host_port = server.host_port
    server.stop()
    settings.SUCHI_SOURCE_ALLOWLIST = [host_port]
    job = harvest(owner, f"http://{host_port}/catalog.ttl")
    assert job.status == "failed"
    assert "cannot connect" in job.error
    assert "errno" not in job.error.lower() and "[" not in job.error


JS_IRI = "javascript:alert(document.domain)//y"
THEME = "http://publications.europa.eu/resource/authority/data-theme/HEAL"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def turtle(csv_url: str) -> bytes:
    return f"""
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
<{JS_IRI}> a dcat:Dataset ;
  dct:title "Hostile subject" ;
  dct:description "A dataset whose IRI is a script." ;
  dcat:theme <{THEME}> ; dct:license <{LICENCE}> ;
  dcat:contactPoint [ a vcard:Kind ; vcard:fn "Desk" ; vcard:hasEmail <mailto:desk@data.example.org> ] ;
  dcat:landingPage <javascript:alert(1)> ;
  dcat:distribution [ a dcat:Distribution ; dcat:accessURL <{csv_url}> ;
                      dcat:mediaType "text/csv" ; dcat:downloadURL <javascript:alert(2)> ] .
""".encode()


def rdfxml(csv_url: str) -> bytes:
    return f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/"
         xmlns:vcard="http://www.w3.org/2006/vcard/ns#">
  <dcat:Dataset rdf:about="{JS_IRI}">
    <dct:title>Hostile subject</dct:title>
    <dct:description>A dataset whose IRI is a script.</dct:description>
    <dcat:theme rdf:resource="{THEME}"/>
    <dct:license rdf:resource="{LICENCE}"/>
    <dcat:contactPoint><vcard:Kind><vcard:hasEmail rdf:resource="mailto:desk@data.example.org"/></vcard:Kind></dcat:contactPoint>
    <dcat:landingPage rdf:resource="vbscript:msgbox(1)"/>
    <dcat:distribution><dcat:Distribution>
      <dcat:accessURL rdf:resource="{csv_url}"/><dcat:mediaType>text/csv</dcat:mediaType>
    </dcat:Distribution></dcat:distribution>
  </dcat:Dataset>
</rdf:RDF>
""".encode()


def jsonld(csv_url: str) -> bytes:
    return json.dumps(
        {
            "@id": JS_IRI,
            "@type": "http://www.w3.org/ns/dcat#Dataset",
            "http://purl.org/dc/terms/title": "Hostile subject",
            "http://purl.org/dc/terms/description": "A dataset whose IRI is a script.",
            "http://www.w3.org/ns/dcat#theme": {"@id": THEME},
            "http://purl.org/dc/terms/license": {"@id": LICENCE},
            "http://www.w3.org/ns/dcat#contactPoint": {
                "http://www.w3.org/2006/vcard/ns#hasEmail": {"@id": "mailto:desk@data.example.org"}
            },
            "http://www.w3.org/ns/dcat#landingPage": {"@id": "data:text/html,<script>x</script>"},
            "http://www.w3.org/ns/dcat#distribution": {
                "http://www.w3.org/ns/dcat#accessURL": {"@id": csv_url},
                "http://www.w3.org/ns/dcat#mediaType": "text/csv",
            },
        }
    ).encode()


@pytest.mark.parametrize(
    "path,build,media",
    [
        ("/c.ttl", turtle, "text/turtle"),
        ("/c.rdf", rdfxml, "application/rdf+xml"),
        ("/c.jsonld", jsonld, "application/ld+json"),
    ],
    ids=["turtle", "rdfxml", "jsonld"],
)
def test_javascript_iris_never_become_links(owner, catalogue, path, build, media):
    url = catalogue.serve(path, build(catalogue.url("/beds.csv")), media)
    job = harvest(owner, url)
    assert job.status == "finished", job.error
    dataset = Dataset.objects.get()
    assert dataset.status == "published", list(
        dataset.validation_runs.values_list("findings__message", flat=True)
    )
    assert dataset.provenance["remote_url"] == ""
    assert dataset.landing_page == ""
    client = Client()
    page = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="text/html").content.decode()
    assert dataset.title in page
    api = client.get(f"/api/v1/datasets/{dataset.pk}").json()
    # The IRI may stay as text (the record's identifier at the source), never as an address.
    assert api["provenance"]["remote_id"] == JS_IRI
    assert api["provenance"]["remote_url"] == "" and api["landing_page"] == ""
    addresses = [u for d in api["distributions"] for u in (d["access_url"], d["download_url"])]
    assert all(u == "" or u.startswith("http://") for u in addresses), addresses
    ttl = client.get(f"/datasets/{dataset.pk}.ttl").content.decode()
    jsonld_out = client.get(f"/datasets/{dataset.pk}.jsonld").json()
    for scheme in ("javascript:", "vbscript:", "data:"):
        assert f'href="{scheme}' not in page.lower()
        assert f"<{scheme}" not in ttl
        assert f'"@id": "{scheme}' not in json.dumps(jsonld_out)


def test_links_already_stored_are_not_rendered_as_links(owner, catalogue):
    """Rows written before the fix (or by any other path) are still not shown as links."""
    url = catalogue.serve("/c.ttl", turtle(catalogue.url("/beds.csv")), "text/turtle")
    assert harvest(owner, url).status == "finished"
    dataset = Dataset.objects.get()
    Dataset.objects.filter(pk=dataset.pk).update(
        provenance={**dataset.provenance, "remote_url": JS_IRI}, landing_page="javascript:x()"
    )
    client = Client()
    page = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="text/html").content.decode()
    assert 'href="javascript' not in page.lower()
    assert client.get(f"/api/v1/datasets/{dataset.pk}").json()["provenance"]["remote_url"] == ""
