"""DCAT-AP 3 views of the catalogue as RDF graphs (rdflib), for Turtle and JSON-LD.

Every linked node carries its `rdf:type`, as the DCAT-AP SHACL range shapes require. Controlled
vocabularies are the EU Publications Office authority tables that DCAT-AP names (data themes,
frequencies, languages, access rights, file types), SPDX for licences, IANA for media types.
"""

import re
from functools import cache
from urllib.parse import quote, urlsplit

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from core.links import http_url
from core.rdf import shipped_context
from registry import vocabularies
from registry.models import Dataset, Institution

from .common import RemoteRecord, distribution, email_address, keywords, licence_id, text

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
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
        ("xsd", XSD),
    ):
        g.bind(prefix, namespace)
    return g


def _typed(g: Graph, iri: str, rdf_type: URIRef) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, rdf_type))
    return node


def dataset_iri(base: str, dataset: Dataset) -> URIRef:
    return URIRef(f"{base}/datasets/{dataset.pk}")


def agent_iri(base: str, institution: Institution) -> URIRef:
    return URIRef(f"{base}/institutions/{quote(institution.slug)}")


def add_agent(g: Graph, base: str, institution: Institution) -> URIRef:
    agent = agent_iri(base, institution)
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, RDF.type, FOAF.Organization))
    g.add((agent, FOAF.name, Literal(institution.name)))
    return agent


# Long: one triple (or two) per DCAT-AP property of a dataset.
def add_dataset(g: Graph, base: str, dataset: Dataset) -> URIRef:
    """Add one dataset with its distributions. Reads prefetched distributions."""
    node = dataset_iri(base, dataset)
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(str(dataset.pk))))
    g.add((node, DCTERMS.title, Literal(dataset.title)))
    g.add((node, DCTERMS.description, Literal(dataset.description)))
    g.add((node, DCTERMS.publisher, add_agent(g, base, dataset.institution)))
    for keyword in dataset.keywords:
        g.add((node, DCAT.keyword, Literal(keyword)))
    themes = vocabularies.themes()
    for code in dataset.themes:
        if code in themes:
            concept = _typed(g, themes[code]["iri"], SKOS.Concept)
            g.add((concept, SKOS.prefLabel, Literal(themes[code]["label"], lang="en")))
            g.add((concept, SKOS.prefLabel, Literal(themes[code]["label_hi"], lang="hi")))
            g.add((node, DCAT.theme, concept))
    g.add(
        (
            node,
            DCTERMS.accessRights,
            _typed(g, ACCESS_RIGHTS[dataset.access_rights], DCTERMS.RightsStatement),
        )
    )
    frequency = vocabularies.frequencies().get(dataset.update_frequency)
    if frequency:
        g.add((node, DCTERMS.accrualPeriodicity, _typed(g, frequency["iri"], DCTERMS.Frequency)))
    languages = vocabularies.languages()
    for code in dataset.languages:
        if code in languages:
            g.add(
                (
                    node,
                    DCTERMS.language,
                    _typed(g, languages[code]["iri"], DCTERMS.LinguisticSystem),
                )
            )
    states = vocabularies.states()
    for code in (dataset.spatial or {}).get("states", []):
        location = _typed(g, f"{base}/places/IN-{code}", DCTERMS.Location)
        g.add((location, SKOS.prefLabel, Literal(states.get(code, {}).get("name", code))))
        if code in states:
            g.add((location, SKOS.prefLabel, Literal(states[code]["name_hi"], lang="hi")))
        g.add((node, DCTERMS.spatial, location))
    if dataset.temporal_start or dataset.temporal_end:
        period = URIRef(f"{node}#temporal")  # IRIs, not blank nodes: they survive JSON-LD
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        if dataset.temporal_start:
            g.add((period, DCAT.startDate, Literal(dataset.temporal_start, datatype=XSD.date)))
        if dataset.temporal_end:
            g.add((period, DCAT.endDate, Literal(dataset.temporal_end, datatype=XSD.date)))
        g.add((node, DCTERMS.temporal, period))
    if dataset.contact_email or dataset.contact_name:
        contact = URIRef(f"{node}#contact")
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, RDF.type, VCARD.Organization))
        g.add((contact, VCARD.fn, Literal(dataset.contact_name or dataset.institution.name)))
        if dataset.contact_email:
            g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
        g.add((node, DCAT.contactPoint, contact))
    if dataset.landing_page:
        g.add((node, DCAT.landingPage, _typed(g, dataset.landing_page, FOAF.Document)))
    for standard in dataset.conforms_to:
        g.add((node, DCTERMS.conformsTo, _typed(g, standard, DCTERMS.Standard)))
    if dataset.version:
        g.add((node, DCAT_VERSION, Literal(dataset.version)))
    if dataset.published_at:
        g.add((node, DCTERMS.issued, Literal(dataset.published_at, datatype=XSD.dateTime)))
    g.add((node, DCTERMS.modified, Literal(dataset.modified_at, datatype=XSD.dateTime)))
    remote = http_url((dataset.provenance or {}).get("remote_url"))
    if remote:
        # A harvested dataset names the record it was derived from (not dct:source, whose
        # DCAT-AP range would make the remote record a dcat:Dataset that must be described).
        g.add((node, PROV.wasDerivedFrom, URIRef(remote)))
    licence = vocabularies.licences().get(dataset.license)
    for dist in dataset.distributions.all():
        g.add((node, DCAT.distribution, _add_distribution(g, base, dist, licence)))
    return node


def _add_distribution(g: Graph, base: str, dist, licence) -> URIRef:
    node = URIRef(f"{base}/distributions/{dist.pk}")
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCAT.accessURL, URIRef(dist.access_url)))
    if dist.download_url:
        g.add((node, DCAT.downloadURL, URIRef(dist.download_url)))
    if dist.title:
        g.add((node, DCTERMS.title, Literal(dist.title)))
    if dist.description:
        g.add((node, DCTERMS.description, Literal(dist.description)))
    if dist.media_type:
        iri = f"https://www.iana.org/assignments/media-types/{dist.media_type}"
        g.add((node, DCAT.mediaType, _typed(g, iri, DCTERMS.MediaType)))
    file_type = FILE_TYPES.get(dist.format.upper())
    if file_type:
        g.add(
            (
                node,
                DCTERMS.format,
                _typed(g, EU + f"file-type/{file_type}", DCTERMS.MediaTypeOrExtent),
            )
        )
    if dist.byte_size is not None:
        g.add((node, DCAT.byteSize, Literal(dist.byte_size, datatype=XSD.nonNegativeInteger)))
    if dist.checksum_sha256:
        checksum = URIRef(f"{node}#checksum")
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(dist.checksum_sha256, datatype=XSD.hexBinary)))
        g.add((node, SPDX.checksum, checksum))
    if licence and licence.url:
        g.add((node, DCTERMS.license, _typed(g, licence.url, DCTERMS.LicenseDocument)))
    elif licence:  # a LicenseRef- with no page of its own: the licence named, not linked
        document = BNode()
        g.add((document, RDF.type, DCTERMS.LicenseDocument))
        g.add((document, DCTERMS.title, Literal(licence.name)))
        g.add((document, DCTERMS.identifier, Literal(licence.id)))
        g.add((node, DCTERMS.license, document))
    return node


def catalog_graph(base: str, datasets, *, page: int, page_size: int, total: int, page_url) -> Graph:
    """The catalogue record and one page of its datasets, with hydra paging links.
    `page_url(n)` gives the URL of page n."""
    g = new_graph()
    catalog = URIRef(f"{base}/catalog")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("Suchi open data catalogue")))
    g.add(
        (
            catalog,
            DCTERMS.description,
            Literal(
                "Datasets registered by institutions on Suchi. The data stays with the "
                "institutions; this catalogue holds their metadata."
            ),
        )
    )
    publisher = _typed(g, f"{base}/#operator", FOAF.Agent)
    g.add((publisher, FOAF.name, Literal("Suchi operators")))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, FOAF.homepage, _typed(g, f"{base}/", FOAF.Document)))
    for dataset in datasets:
        g.add((catalog, DCAT.dataset, add_dataset(g, base, dataset)))
    last = max(1, -(-total // page_size))
    view = URIRef(page_url(page))
    g.add((view, RDF.type, HYDRA.PartialCollectionView))
    g.add((view, HYDRA.first, URIRef(page_url(1))))
    g.add((view, HYDRA.last, URIRef(page_url(last))))
    if page > 1:
        g.add((view, HYDRA.previous, URIRef(page_url(page - 1))))
    if page < last:
        g.add((view, HYDRA.next, URIRef(page_url(page + 1))))
    g.add((catalog, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger)))
    g.add((catalog, HYDRA.view, view))
    return g


def serialize(g: Graph, fmt: str) -> str:
    if fmt == "jsonld":
        return g.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    return g.serialize(format="turtle")


# --- parse: a DCAT-AP graph as Suchi's dataset payload ---------------------------------------
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


# Long: one line per field of Suchi's payload, read from a DCAT graph.
def dataset_record(graph, node) -> RemoteRecord:
    def value(subject, predicate) -> str:
        found = graph.value(subject, predicate)
        return str(found) if found is not None else ""

    def literal(subject, predicate, limit: int) -> str:
        values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
        english = [o for o in values if o.language in (None, "en")]
        return text(str((english or values)[0]), limit) if values else ""

    themes_by_iri = {t["iri"]: code for code, t in vocabularies.themes().items()}
    frequencies_by_iri = {f["iri"]: code for code, f in vocabularies.frequencies().items()}
    languages_by_iri = {lang["iri"]: code for code, lang in vocabularies.languages().items()}
    access_by_iri = {iri: code for code, iri in ACCESS_RIGHTS.items()}
    contact = graph.value(node, DCAT.contactPoint)
    period = graph.value(node, DCTERMS.temporal)
    distributions, licences = [], []
    for dist in graph.objects(node, DCAT.distribution):
        media = value(dist, DCAT.mediaType).removeprefix(
            "https://www.iana.org/assignments/media-types/"
        )
        fmt = value(dist, DCTERMS["format"]).rsplit("/", 1)[-1]
        made = distribution(
            access_url=value(dist, DCAT.accessURL),
            download_url=value(dist, DCAT.downloadURL),
            media_type=media,
            fmt=fmt,
            title=literal(dist, DCTERMS.title, 300),
            desc=literal(dist, DCTERMS.description, 5000),
        )
        if made:
            distributions.append(made)
        licences.append(value(dist, DCTERMS.license))
    licences.append(value(node, DCTERMS.license))
    states = []
    for place in graph.objects(node, DCTERMS.spatial):
        match = re.search(r"/places/IN-([A-Z]{2})$", str(place))
        if match and match.group(1) in vocabularies.states():
            states.append(match.group(1))
    start = value(period, DCAT.startDate)[:10] if period is not None else ""
    end = value(period, DCAT.endDate)[:10] if period is not None else ""
    access = access_by_iri.get(value(node, DCTERMS.accessRights), "open")
    payload = {
        "title": literal(node, DCTERMS.title, 300),
        "description": literal(node, DCTERMS.description, 20000),
        "keywords": keywords(str(k) for k in graph.objects(node, DCAT.keyword)),
        "themes": sorted(
            {
                themes_by_iri[str(t)]
                for t in graph.objects(node, DCAT.theme)
                if str(t) in themes_by_iri
            }
        ),
        "license": next((lid for lid in map(licence_id, licences) if lid), ""),
        "access_rights": access,
        "update_frequency": frequencies_by_iri.get(value(node, DCTERMS.accrualPeriodicity), ""),
        "languages": sorted(
            {
                languages_by_iri[str(x)]
                for x in graph.objects(node, DCTERMS.language)
                if str(x) in languages_by_iri
            }
        ),
        "spatial": {"states": sorted(set(states))},
        "temporal": {
            "start": start if re.match(r"^\d{4}-\d{2}-\d{2}$", start) else None,
            "end": end if re.match(r"^\d{4}-\d{2}-\d{2}$", end) and end >= start else None,
        },
        "contact_point": {
            "name": literal(contact, VCARD.fn, 200) if contact is not None else "",
            "email": email_address(value(contact, VCARD.hasEmail)) if contact is not None else "",
        },
        "landing_page": http_url(value(node, DCAT.landingPage)),
        "distributions": distributions[:100],
    }
    if access == "consent":
        payload["contains_personal_data"] = True
    guid = literal(node, DCTERMS.identifier, 500) or str(node)
    publisher = graph.value(node, DCTERMS.publisher)
    name = literal(publisher, FOAF.name, 300) if publisher is not None else ""
    # A subject IRI is the record's address at the source only if it is a web address: a
    # `javascript:` or `data:` IRI must never become a link on our pages.
    remote_url = http_url(str(node)) if isinstance(node, URIRef) else ""
    return RemoteRecord(guid, payload, remote_url or payload["landing_page"], name)
