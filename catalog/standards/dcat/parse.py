"""DCAT-AP (Turtle, RDF/XML, JSON-LD) parsed: a dcat:Dataset of a graph as Suchi's dataset
payload, for harvesting a DCAT catalogue."""

import re

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DC, DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS

from core.links import http_url
from registry import vocabularies

from ..common import (
    RemoteRecord,
    bounded_fields,
    description,
    distribution,
    email_address,
    frequency_code,
    iso_date,
    language_code,
    temporal_range,
    text,
    themes_and_keywords,
)
from ..dates import source_date
from ..licences import licence_fields, licence_id
from .said import place_box, said
from .vocab import ACCESS_RIGHTS, DCAT_VERSION, SPDX, VCARD

# An agent's name: FOAF's, else a SKOS or RDFS label, else vCard's (DCAT-AP-CH, datos.gob.es).
_NAMES = (FOAF.name, SKOS.prefLabel, RDFS.label, VCARD.fn)


def _licence_statements(graph, subject) -> list[str]:
    """What a node's dct:license says: the licence IRI, its words (a literal, though DCAT wants
    a dct:LicenseDocument), else the document's identifier or title (a blank node naming it)."""
    found = []
    for document in graph.objects(subject, DCTERMS.license):
        if isinstance(document, URIRef | Literal):
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
    size = str(graph.value(dist, DCAT.byteSize) or "").strip()
    # An integer, as DCAT-AP 3 types it, or a decimal as ckanext-dcat writes it ("147253.0").
    if re.fullmatch(r"\d{1,18}(\.0*)?", size):
        found["byte_size"] = int(size.split(".")[0])
    for checksum in graph.objects(dist, SPDX.checksum):
        # SPDX's algorithm IRI, or another table's whose name ends so (DCAT-AP.de's sha/256).
        algorithm = re.sub(r"[^a-z0-9]", "", str(graph.value(checksum, SPDX.algorithm)).lower())
        if algorithm.endswith(("sha256", "sha2256")):
            value = str(graph.value(checksum, SPDX.checksumValue) or "").strip().lower()
            if re.fullmatch(r"[0-9a-f]{64}", value):
                found["checksum_sha256"] = value
    return found


# A period's start and end as DCAT 2/3 (dcat:startDate), DCAT-AP 1.x and ckanext-dcat
# (schema:startDate) and OWL-Time (time:hasBeginning/time:inXSDDate…) write them.
_TIME = "http://www.w3.org/2006/time#"
_STARTS = [DCAT.startDate, *(URIRef(f"{s}schema.org/startDate") for s in ("http://", "https://"))]
_ENDS = [DCAT.endDate, *(URIRef(f"{s}schema.org/endDate") for s in ("http://", "https://"))]
_INSTANTS = [URIRef(_TIME + name) for name in ("inXSDDate", "inXSDDateTime", "inXSDDateTimeStamp")]


def _period(graph, node) -> tuple:
    """(start, end) of the dataset's first dct:temporal that states one, or an interval
    written as a literal (`2010/2015`); (None, None) if none does."""
    for period in graph.objects(node, DCTERMS.temporal):
        if isinstance(period, Literal):
            found = temporal_range(str(period))
            start, end = found["start"], found["end"]
        else:
            start = _moment(graph, period, _STARTS, URIRef(_TIME + "hasBeginning"), end=False)
            end = _moment(graph, period, _ENDS, URIRef(_TIME + "hasEnd"), end=True)
        if start or end:
            return start, end
    return None, None


def _moment(graph, period, predicates, instant, *, end: bool):
    for predicate in predicates:
        if (found := graph.value(period, predicate)) is not None:
            return iso_date(str(found), end=end)
    moment = graph.value(period, instant)
    for predicate in _INSTANTS if moment is not None else ():
        if (found := graph.value(moment, predicate)) is not None:
            return iso_date(str(found), end=end)
    return None


_IANA = re.compile(r"^https?://www\.iana\.org/assignments/media-types/", re.I)
_MEDIA = re.compile(r"[a-z]+/[-+.\w]+", re.I)


def _format(graph, dist) -> tuple[str, str]:
    """A distribution's dct:format as (format, media type it states). Feeds write it as a
    file-type IRI (its last word), a word, a media type (DCAT-AP 1.x: `application/pdf`), or a
    node (blank, or an IRI the graph describes: datos.gob.es) labelled with the format and
    valued with the media type: `[a dct:IMT; rdfs:label "XLS"; rdf:value "application/…"]`."""
    found = graph.value(dist, DCTERMS["format"])
    if found is None:
        return "", ""
    label = next((str(v) for p in (RDFS.label, SKOS.prefLabel) if (v := graph.value(found, p))), "")
    stated = graph.value(found, RDF.value)
    stated = _IANA.sub("", str(stated if stated is not None else found).strip())
    media = stated if _MEDIA.fullmatch(stated) else ""
    if label or media:
        return label, media
    return ("" if isinstance(found, BNode) else stated.rstrip("/").rsplit("/", 1)[-1]), ""


def _iri_words(iri: str) -> str:
    """A theme IRI of a vocabulary Suchi has no labels of, as words when its last segment is
    some (`…/themes/education` → "education"); "" for a code (`…/theme/hy`, `…/concept/834`)."""
    last = re.split(r"[/#]", iri.rstrip("/"))[-1]
    words = re.sub(r"[-_]+", " ", last).strip()
    return words if re.fullmatch(r"[A-Za-z][A-Za-z ]{3,60}", words) else ""


# Long: one line per field of Suchi's payload, read from a DCAT graph.
def dataset_record(graph, node) -> RemoteRecord:
    def value(subject, predicate) -> str:
        found = graph.value(subject, predicate)
        return str(found) if found is not None else ""

    # Of a text in several languages: English (or untagged), else the record's own language,
    # else the first by tag, the same whichever order the graph gives (a record of a Swiss
    # catalogue came out French from one file and German from another).
    # (sorted: a graph gives no order among a property's values)
    # dct:language, or Dublin Core's older dc:language (Sweden's and others' DCAT-AP 1.x).
    said_languages = [*graph.objects(node, DCTERMS.language), *graph.objects(node, DC.language)]
    stated = sorted({language_code(str(x)) for x in said_languages} - {""})

    def rank(found: Literal) -> tuple:
        tag = (found.language or "").lower()
        primary = tag.split("-")[0]
        own = stated.index(primary) if primary in stated else len(stated)
        return (primary not in ("", "en"), own, tag, str(found))

    def named(subject, predicate) -> str:
        """A value given as an IRI or literal, or as a node naming it (DCAT-AP 1.x and
        ckanext-dcat: `dct:format [a dct:IMT; rdf:value "text/csv"; rdfs:label "CSV"]`)."""
        found = graph.value(subject, predicate)
        if isinstance(found, BNode):
            found = next(
                (
                    v
                    for p in (RDF.value, RDFS.label, SKOS.prefLabel)
                    if (v := graph.value(found, p))
                ),
                None,
            )
        return str(found) if found is not None else ""

    def literal(subject, predicate, limit: int) -> str:
        values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
        return text(str(min(values, key=rank)), limit) if values else ""

    themes_by_iri = {t["iri"]: code for code, t in vocabularies.themes().items()}
    access_by_iri = {iri: code for code, iri in ACCESS_RIGHTS.items()}
    contact = graph.value(node, DCAT.contactPoint)
    distributions, licences = [], []
    for dist in graph.objects(node, DCAT.distribution):
        media = _IANA.sub("", named(dist, DCAT.mediaType))
        fmt, media_said = _format(graph, dist)
        made = distribution(
            access_url=value(dist, DCAT.accessURL),
            download_url=value(dist, DCAT.downloadURL),
            media_type=media or media_said,
            fmt=fmt,
            title=literal(dist, DCTERMS.title, 300),
            desc=literal(dist, DCTERMS.description, 5000),
        )
        if made:
            distributions.append({**made, **_size_and_checksum(graph, dist)})
        licences.extend(_licence_statements(graph, dist))
    # A data service that serves the dataset (DCAT 2, 3) is a way to get it too: its endpoint.
    services = graph.subjects(DCAT.servesDataset, node)  # by endpoint: a blank node's id varies
    for service in sorted(services, key=lambda s: (value(s, DCAT.endpointURL), str(s))):
        made = distribution(
            access_url=value(service, DCAT.endpointURL) or value(service, DCAT.endpointDescription),
            title=literal(service, DCTERMS.title, 300),
            desc=literal(service, DCTERMS.description, 5000),
            fmt="API",
        )
        if made:
            distributions.append(made)
        licences.extend(_licence_statements(graph, service))
    licences.extend(_licence_statements(graph, node))
    states, box = [], None
    for place in graph.objects(node, DCTERMS.spatial):
        match = re.search(r"/places/IN-([A-Z]{2})$", str(place))
        if match and match.group(1) in vocabularies.states():
            states.append(match.group(1))
        box = box or place_box(graph, place)
    start, end = _period(graph, node)
    access = access_by_iri.get(value(node, DCTERMS.accessRights), "open")
    # Themes of the EU authority table by IRI; any other theme by its label (or IRI) through
    # the terms table, kept as a keyword when it matches nothing.
    theme_codes, theme_words, unlabelled = [], [], []
    for theme in graph.objects(node, DCAT.theme):
        if str(theme) in themes_by_iri:
            theme_codes.append(themes_by_iri[str(theme)])
        elif said_theme := literal(theme, SKOS.prefLabel, 200) or _iri_words(str(theme)):
            theme_words.append(said_theme)
        else:  # a code of a vocabulary Suchi has no labels of: kept as the source said it
            unlabelled.append(str(theme))
    mapped, words = themes_and_keywords(
        theme_words, [str(k) for k in graph.objects(node, DCAT.keyword)], stated=theme_codes
    )
    payload = {
        "title": literal(node, DCTERMS.title, 300),
        # dct:abstract where a source (GeoDCAT-AP, GeoNetwork) gives no dct:description.
        "description": description(
            literal(node, DCTERMS.description, 40000) or literal(node, DCTERMS.abstract, 40000),
            20000,
        ),
        "keywords": words,
        "themes": sorted({*theme_codes, *mapped}),
        **_licence_of(licences),
        "access_rights": access,
        "update_frequency": frequency_code(value(node, DCTERMS.accrualPeriodicity)),
        # The EU table's IRIs, another table's ending in a code, or tags as literals ("en-US").
        "languages": stated,
        "spatial": {"states": sorted(set(states)), "bbox": box},
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
    name = next(
        (found for p in _NAMES if publisher is not None and (found := literal(publisher, p, 300))),
        text(str(publisher), 300) if isinstance(publisher, Literal) else "",  # a name alone
    )
    # A subject IRI is the record's address at the source only if it is a web address: a
    # `javascript:` or `data:` IRI must never become a link on our pages.
    remote_url = http_url(str(node)) if isinstance(node, URIRef) else ""
    if not payload["landing_page"] and not payload["distributions"]:
        # No page and no file named: the record's own web address (the dataset's IRI, else its
        # catalogue record's) is the way to reach it, as DCAT IRIs are meant to be read.
        records = graph.subjects(FOAF.primaryTopic, node)
        payload["landing_page"] = remote_url or next(filter(None, map(http_url, records)), "")
    return RemoteRecord(
        guid,
        payload,
        remote_url or payload["landing_page"],
        name,
        source_fields=bounded_fields(
            {
                **said(graph, node, payload, publisher_named=bool(name)),
                **({"dcat:theme": sorted(unlabelled)[:20]} if unlabelled else {}),
            }
        ),
        issued=source_date(value(node, DCTERMS.issued)),
        modified=source_date(value(node, DCTERMS.modified)),
    )
