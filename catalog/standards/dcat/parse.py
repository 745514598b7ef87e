"""DCAT-AP (Turtle, RDF/XML, JSON-LD) parsed: a dcat:Dataset of a graph as Suchi's dataset
payload, for harvesting a DCAT catalogue."""

import re

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDFS, SKOS

from core.links import http_url
from registry import vocabularies

from ..common import (
    RemoteRecord,
    distribution,
    email_address,
    iso_date,
    licence_fields,
    licence_id,
    text,
    themes_and_keywords,
)
from ..dates import source_date
from .vocab import ACCESS_RIGHTS, DCAT_VERSION, SPDX, VCARD


def _licence_statements(graph, subject) -> list[str]:
    """What a node's dct:license says: the licence IRI, else the document's identifier or
    title (a blank node naming the licence)."""
    found = []
    for document in graph.objects(subject, DCTERMS.license):
        if isinstance(document, URIRef):
            found.append(str(document))
        else:
            for predicate in (DCTERMS.identifier, DCTERMS.title, RDFS.label):
                if graph.value(document, predicate) is not None:
                    found.append(str(graph.value(document, predicate)))
                    break
    return found


def _licence_of(statements: list[str]) -> dict:
    """The first statement that maps to an id; else the first one, kept verbatim."""
    for statement in statements:
        if licence_id(statement):
            return licence_fields(statement)
    return licence_fields(next((s for s in statements if s.strip()), ""))


def _size_and_checksum(graph, dist) -> dict:
    """dcat:byteSize and a SHA-256 spdx:checksum of a distribution, where the graph has them."""
    found: dict = {}
    size = graph.value(dist, DCAT.byteSize)
    if size is not None and str(size).isdigit() and int(str(size)) < 2**63:
        found["byte_size"] = int(str(size))
    for checksum in graph.objects(dist, SPDX.checksum):
        if graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256:
            value = str(graph.value(checksum, SPDX.checksumValue) or "").strip().lower()
            if re.fullmatch(r"[0-9a-f]{64}", value):
                found["checksum_sha256"] = value
    return found


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
            distributions.append({**made, **_size_and_checksum(graph, dist)})
        licences.extend(_licence_statements(graph, dist))
    licences.extend(_licence_statements(graph, node))
    states = []
    for place in graph.objects(node, DCTERMS.spatial):
        match = re.search(r"/places/IN-([A-Z]{2})$", str(place))
        if match and match.group(1) in vocabularies.states():
            states.append(match.group(1))
    start = iso_date(value(period, DCAT.startDate)) if period is not None else None
    end = iso_date(value(period, DCAT.endDate), end=True) if period is not None else None
    access = access_by_iri.get(value(node, DCTERMS.accessRights), "open")
    # Themes of the EU authority table by IRI; any other theme by its label (or IRI) through
    # the terms table, kept as a keyword when it matches nothing.
    theme_codes, theme_words = [], []
    for theme in graph.objects(node, DCAT.theme):
        if str(theme) in themes_by_iri:
            theme_codes.append(themes_by_iri[str(theme)])
        else:
            theme_words.append(literal(theme, SKOS.prefLabel, 200) or str(theme))
    mapped, words = themes_and_keywords(
        theme_words, [str(k) for k in graph.objects(node, DCAT.keyword)], stated=theme_codes
    )
    payload = {
        "title": literal(node, DCTERMS.title, 300),
        "description": literal(node, DCTERMS.description, 20000),
        "keywords": words,
        "themes": sorted({*theme_codes, *mapped}),
        **_licence_of(licences),
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
        "temporal": {"start": start, "end": end if end and (not start or end >= start) else None},
        "contact_point": {
            "name": literal(contact, VCARD.fn, 200) if contact is not None else "",
            "email": email_address(value(contact, VCARD.hasEmail)) if contact is not None else "",
        },
        "landing_page": http_url(value(node, DCAT.landingPage)),
        "conforms_to": list(
            dict.fromkeys(
                filter(None, (http_url(str(s)) for s in graph.objects(node, DCTERMS.conformsTo)))
            )
        )[:20],
        # DCAT 3's dcat:version, else owl:versionInfo (DCAT-AP 2, ckanext-dcat).
        "version": literal(node, DCAT_VERSION, 50) or literal(node, OWL.versionInfo, 50),
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
    return RemoteRecord(
        guid,
        payload,
        remote_url or payload["landing_page"],
        name,
        issued=source_date(value(node, DCTERMS.issued)),
        modified=source_date(value(node, DCTERMS.modified)),
    )
