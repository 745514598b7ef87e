"""DCAT-AP 3 views of the catalogue as RDF graphs (rdflib), for Turtle, JSON-LD and RDF/XML.

Every linked node carries its `rdf:type`, as the DCAT-AP SHACL range shapes require. Controlled
vocabularies are the EU Publications Office authority tables that DCAT-AP names (data themes,
frequencies, languages, access rights, file types), SPDX for licences, IANA for media types.
"""

from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from core.links import http_url
from core.xmltext import NOT_XML, xml_text
from registry import datacard, mqa, vocabularies
from registry.models import Dataset, Distribution, Institution

from ... import iris
from .. import dates
from .said import said_again
from .vocab import (
    ACCESS_RIGHTS,
    ADMS,
    DCAT_VERSION,
    DQV,
    EU,
    FILE_TYPES,
    HYDRA,
    OA,
    ODRL,
    PROV,
    SPDX,
    VCARD,
    jsonld_context,
    new_graph,
)


def _typed(g: Graph, iri: str, rdf_type: URIRef) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, rdf_type))
    return node


def dataset_iri(base: str, dataset: Dataset) -> URIRef:
    return URIRef(iris.dataset(base, dataset.pk))


def agent_iri(base: str, institution: Institution) -> URIRef:
    return URIRef(iris.institution(base, institution.slug))


def add_agent(g: Graph, base: str, institution: Institution) -> URIRef:
    agent = agent_iri(base, institution)
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, RDF.type, FOAF.Organization))
    g.add((agent, FOAF.name, Literal(institution.name)))
    return agent


def _publisher(g: Graph, base: str, node: URIRef, dataset: Dataset) -> URIRef:
    """The institution; for a harvested dataset, the publisher its source names."""
    if not dataset.source_publisher:
        return add_agent(g, base, dataset.institution)
    agent = URIRef(f"{node}#publisher")
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal(dataset.source_publisher)))
    return agent


# Long: one triple (or two) per DCAT-AP property of a dataset.
def add_dataset(g: Graph, base: str, dataset: Dataset) -> URIRef:
    """Add one dataset with its distributions. Reads prefetched distributions."""
    node = dataset_iri(base, dataset)
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(str(dataset.pk))))
    g.add((node, DCTERMS.title, Literal(dataset.title)))
    g.add((node, DCTERMS.description, Literal(dataset.description)))
    g.add((node, DCTERMS.publisher, _publisher(g, base, node, dataset)))
    if dataset.source_identifier:  # a harvested dataset's identifier at its source
        other = URIRef(f"{node}#source-identifier")
        g.add((other, RDF.type, ADMS.Identifier))
        g.add((other, SKOS.notation, Literal(dataset.source_identifier)))
        g.add((node, ADMS.identifier, other))
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
    for code in (dataset.spatial or {}).get("states", []):
        g.add((node, DCTERMS.spatial, add_place(g, base, code)))
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
            # Percent-encoded: a quoted local part may hold characters no IRI may.
            mailto = "mailto:" + quote(dataset.contact_email, safe="@.+-_!$&'*=~")
            g.add((contact, VCARD.hasEmail, URIRef(mailto)))
        g.add((node, DCAT.contactPoint, contact))
    # Stored addresses are written only if they are IRIs an RDF syntax can hold (core/links).
    if http_url(dataset.landing_page):
        g.add((node, DCAT.landingPage, _typed(g, http_url(dataset.landing_page), FOAF.Document)))
    for standard in filter(None, map(http_url, dataset.conforms_to)):
        g.add((node, DCTERMS.conformsTo, _typed(g, standard, DCTERMS.Standard)))
    if dataset.version:
        g.add((node, DCAT_VERSION, Literal(dataset.version)))
    # A harvested dataset's dates are its source's, not the harvest's (catalog/standards/dates).
    if issued := dates.issued(dataset):
        g.add((node, DCTERMS.issued, dates.rdf_literal(issued)))
    g.add((node, DCTERMS.modified, dates.rdf_literal(dates.modified(dataset))))
    remote = http_url((dataset.provenance or {}).get("remote_url"))
    if remote:
        # A harvested dataset names the record it was derived from (not dct:source, whose
        # DCAT-AP range would make the remote record a dcat:Dataset that must be described).
        g.add((node, PROV.wasDerivedFrom, URIRef(remote)))
    said_again(g, node, dataset)
    _add_data_card(g, node, dataset.data_card)
    if dataset.fair_met is not None:
        add_quality_measurements(g, base, node, dataset.fair_met)
    licence = vocabularies.licences().get(dataset.license)
    _add_licence(g, node, dataset, licence)
    policy = _access_policy(g, base, dataset) if dataset.access_rights == "restricted" else None
    for dist in dataset.distributions.all():
        made = _add_distribution(g, base, dist, licence)
        if policy is not None:
            g.add((made, ODRL.hasPolicy, policy))
        g.add((node, DCAT.distribution, made))
    return node


def _access_policy(g: Graph, base: str, dataset: Dataset) -> URIRef:
    """How a restricted dataset is shared, as an ODRL offer by its institution: use, under a
    data-use agreement requested through Suchi (the page's #request-access, or the API)."""
    page = iris.dataset(base, dataset.pk)
    policy = _typed(g, f"{page}#access-policy", ODRL.Policy)
    g.add((policy, RDF.type, ODRL.Offer))
    g.add((policy, ODRL.assigner, agent_iri(base, dataset.institution)))
    permission = URIRef(f"{page}#access-permission")
    g.add((policy, ODRL.permission, permission))
    g.add((permission, ODRL.target, URIRef(page)))
    g.add((permission, ODRL.action, ODRL.use))
    g.add(
        (
            policy,
            RDFS.comment,
            Literal(
                "Shared on request, under a signed data-use agreement: request access at "
                f"{page}#request-access or with POST {base}/api/v1/access-requests.",
                lang="en",
            ),
        )
    )
    return policy


def _add_data_card(g: Graph, node: URIRef, stored: dict) -> None:
    """Where DCAT-AP has a place for the data card: how the data came to be as a
    dct:provenance statement; known biases and limitations as W3C DQV quality annotations;
    the card itself, on the dataset's page, as documentation (foaf:page)."""
    card = datacard.card_of(stored)
    if datacard.is_empty(card):
        return
    timeframe = " to ".join(filter(None, [card["collection_start"], card["collection_end"]]))
    story = [
        ("Collection", card["collection_method"]),
        ("Collected", timeframe),
        ("Preprocessing", card["preprocessing"]),
        ("De-identification", card["deidentification"]),
    ]
    if any(text for _, text in story):
        statement = _typed(g, f"{node}#provenance", DCTERMS.ProvenanceStatement)
        text = "\n\n".join(f"{label}: {value}" for label, value in story if value)
        g.add((statement, RDFS.label, Literal(text, lang="en")))
        g.add((node, DCTERMS.provenance, statement))
    for key, label in (("known_biases", "Known biases"), ("limitations", "Limitations")):
        if card[key]:
            note = _typed(g, f"{node}#{key.replace('_', '-')}", DQV.QualityAnnotation)
            g.add((note, RDF.type, OA.Annotation))
            g.add((note, OA.hasTarget, node))
            g.add((note, OA.motivatedBy, DQV.qualityAssessment))
            g.add((note, OA.bodyValue, Literal(f"{label}: {card[key]}", lang="en")))
            g.add((node, DQV.hasQualityAnnotation, note))
    g.add((node, FOAF.page, _typed(g, f"{node}#data-card", FOAF.Document)))


def quality_metric(g: Graph, base: str, name: str) -> URIRef:
    """The metric of one FAIR dimension (or `fair`, the total), described where the quality
    dashboard explains it, with its dimension."""
    metric = _typed(g, iris.quality(base, name), DQV.Metric)
    if name == "fair":
        g.add((metric, SKOS.prefLabel, Literal("FAIR points (of 405, MQA weights)", lang="en")))
    else:
        dimension = _typed(g, iris.quality(base, f"dimension-{name}"), DQV.Dimension)
        label = str(mqa.DIMENSION_LABELS[name])
        g.add((dimension, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((metric, DQV.inDimension, dimension))
        g.add((metric, SKOS.prefLabel, Literal(f"{label} points", lang="en")))
    g.add((metric, DQV.expectedDataType, XSD.integer))
    return metric


def add_quality_measurements(g: Graph, base: str, node: URIRef, mask: int) -> None:
    """The dataset's FAIR assessment (registry/mqa.py) as W3C DQV measurements: the points of
    each dimension and the total, each an IRI beside the dataset's."""
    assessed = mqa.summary(mask)
    values = {**assessed["dimensions"], "fair": assessed["points"]}
    for name, value in values.items():
        measurement = _typed(g, f"{node}#quality-{name}", DQV.QualityMeasurement)
        g.add((measurement, DQV.computedOn, node))
        g.add((measurement, DQV.isMeasurementOf, quality_metric(g, base, name)))
        g.add((measurement, DQV.value, Literal(value, datatype=XSD.integer)))
        g.add((node, DQV.hasQualityMeasurement, measurement))


def add_place(g: Graph, base: str, code: str) -> URIRef:
    """A state or union territory as a dct:Location named in English and Hindi."""
    states = vocabularies.states()
    location = _typed(g, iris.place(base, code), DCTERMS.Location)
    g.add((location, SKOS.prefLabel, Literal(states.get(code, {}).get("name", code))))
    if code in states:
        g.add((location, SKOS.prefLabel, Literal(states[code]["name_hi"], lang="hi")))
    return location


def distribution_graph(base: str, dist: Distribution) -> Graph:
    """One distribution, as its own IRI answers it: its properties and the dataset it is of."""
    g = new_graph()
    dataset = dist.dataset
    node = dataset_iri(base, dataset)
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.title, Literal(dataset.title)))
    licence = vocabularies.licences().get(dataset.license)
    g.add((node, DCAT.distribution, _add_distribution(g, base, dist, licence)))
    return g


def quality_graph(base: str) -> Graph:
    """The FAIR metrics and dimensions the datasets' DQV measurements name (the quality
    page's RDF)."""
    g = new_graph()
    for name in [*mqa.DIMENSION_LABELS, "fair"]:
        quality_metric(g, base, name)
    return g


def place_graph(base: str, code: str) -> Graph:
    g = new_graph()
    add_place(g, base, code)
    return g


def _add_distribution(g: Graph, base: str, dist, licence) -> URIRef:
    node = URIRef(iris.distribution(base, dist.pk))
    g.add((node, RDF.type, DCAT.Distribution))
    if http_url(dist.access_url):
        g.add((node, DCAT.accessURL, URIRef(http_url(dist.access_url))))
    if http_url(dist.download_url):
        g.add((node, DCAT.downloadURL, URIRef(http_url(dist.download_url))))
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
        # Typed, as DCAT-AP's range shape for spdx:algorithm requires.
        algorithm = _typed(g, str(SPDX.checksumAlgorithm_sha256), SPDX.ChecksumAlgorithm)
        g.add((checksum, SPDX.algorithm, algorithm))
        g.add((checksum, SPDX.checksumValue, Literal(dist.checksum_sha256, datatype=XSD.hexBinary)))
        g.add((node, SPDX.checksum, checksum))
    _add_licence(g, node, dist.dataset, licence)
    return node


def _add_licence(g: Graph, node, dataset: Dataset, licence) -> None:
    """dct:license on a distribution (DCAT-AP's place) or on the dataset (DCAT 3's dcat:Resource:
    the only place for the licence of a dataset with no distribution)."""
    if licence and licence.url:
        g.add((node, DCTERMS.license, _typed(g, licence.url, DCTERMS.LicenseDocument)))
    elif licence:  # a LicenseRef- with no page of its own: the licence named, not linked
        document = BNode()
        g.add((document, RDF.type, DCTERMS.LicenseDocument))
        g.add((document, DCTERMS.title, Literal(licence.name)))
        g.add((document, DCTERMS.identifier, Literal(licence.id)))
        g.add((node, DCTERMS.license, document))
    elif dataset.license_text:  # what the source stated, kept verbatim
        stated = dataset.license_text
        if http_url(stated):
            g.add((node, DCTERMS.license, _typed(g, http_url(stated), DCTERMS.LicenseDocument)))
        else:
            document = BNode()
            g.add((document, RDF.type, DCTERMS.LicenseDocument))
            g.add((document, DCTERMS.title, Literal(stated)))
            g.add((node, DCTERMS.license, document))


def catalog_graph(base: str, datasets, *, page: int, page_size: int, total: int, page_url) -> Graph:
    """The catalogue record and one page of its datasets, with hydra paging links.
    `page_url(n)` gives the URL of page n."""
    g = new_graph()
    catalog = URIRef(iris.catalog(base))
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
    publisher = _typed(g, iris.operator(base), FOAF.Agent)
    g.add((publisher, FOAF.name, Literal("Suchi operators")))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, FOAF.homepage, _typed(g, iris.home(base), FOAF.Document)))
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
    """The graph as `fmt`: "ttl" (Turtle), "jsonld" (JSON-LD, DCAT-AP context) or "rdf"
    (RDF/XML, what ckanext-dcat's harvester reads by default)."""
    if fmt == "jsonld":
        return g.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    if fmt == "rdf":
        return _xml_safe(g).serialize(format="pretty-xml")
    return g.serialize(format="turtle")


def _xml_safe(g: Graph) -> Graph:
    """`g` with its literals cleared of what XML 1.0 cannot carry: rdflib's RDF/XML writer
    writes a control character as it is, and one harvested before they were dropped at the door
    would make the whole page not well-formed for every harvester reading it."""
    for s, p, o in [t for t in g if isinstance(t[2], Literal) and NOT_XML.search(t[2])]:
        g.remove((s, p, o))
        g.add((s, p, Literal(xml_text(o), lang=o.language, datatype=o.datatype)))
    return g
