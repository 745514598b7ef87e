"""DCAT-AP 3: the namespaces and the EU authority tables Suchi uses, shared by the export and
parse sides, and the media types of the RDF syntaxes."""

from functools import cache
from urllib.parse import urlsplit

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS, XSD

from core.rdf import shipped_context

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
OA = Namespace("http://www.w3.org/ns/oa#")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib's DCAT lacks it
EU = "http://publications.europa.eu/resource/authority/"
ACCESS_RIGHTS = {
    "open": EU + "access-right/PUBLIC",
    "restricted": EU + "access-right/RESTRICTED",
    "consent": EU + "access-right/NON_PUBLIC",
}
FILE_TYPES = {
    "CSV": "CSV",
    "TSV": "TSV",
    "JSON": "JSON",
    "GEOJSON": "GEOJSON",
    "XML": "XML",
    "XLSX": "XLSX",
    "PDF": "PDF",
    "ZIP": "ZIP",
    "NETCDF": "NETCDF",
    "GEOTIFF": "TIFF",
    "TXT": "TXT",
    "RDF": "RDF",
    "TTL": "RDF_TURTLE",
    "PARQUET": "PARQUET",
}


DCAT_AP_CONTEXT_URL = "https://semiceu.github.io/DCAT-AP/releases/3.0.0/context/dcat-ap.jsonld"


@cache
def jsonld_context() -> dict:
    """The official DCAT-AP JSON-LD context, shipped with Suchi (no remote fetch): the copy the
    safe RDF parser serves for the context's URL (core/rdf.py)."""
    return shipped_context(DCAT_AP_CONTEXT_URL)


def new_graph() -> Graph:
    g = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("skos", SKOS),
        ("spdx", SPDX),
        ("hydra", HYDRA),
        ("prov", PROV),
        ("dqv", DQV),
        ("oa", OA),
        ("odrl", ODRL),
        ("adms", ADMS),
        ("xsd", XSD),
    ):
        g.bind(prefix, namespace)
    return g


RDF_TYPES = {  # media type → rdflib format name
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
}


def rdf_format_of(url: str) -> str:
    path = urlsplit(url).path
    for suffix, fmt in (
        (".ttl", "turtle"),
        (".jsonld", "json-ld"),
        (".rdf", "xml"),
        (".xml", "xml"),
    ):
        if path.endswith(suffix):
            return fmt
    return "turtle"
