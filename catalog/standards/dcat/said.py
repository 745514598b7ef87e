"""What a DCAT record says beyond Suchi's fields, kept in the provenance (`source_fields`) as
the other standards keep theirs: every property of the dataset that the parse did not map, by
its prefixed name (`dcatde:politicalGeocodingURI`), each value as text, an IRI, or for a node
without an address its own properties; a title or description in several languages as all of
them. And a place's bounding box from its geometry (DCAT 2's dcat:bbox, locn:geometry)."""

import json
import re

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DC, DCAT, DCTERMS, FOAF, OWL, RDF

from core.links import http_url

from ..common import bounded_fields, description, text
from ..geometry import geometry_box
from .vocab import DCAT_VERSION

# Always mapped, whatever they say (or said again in another form, as the licence).
_MAPPED = {
    RDF.type, DCTERMS.identifier, DCAT.keyword, DCAT.theme, DCAT.distribution,
    DCAT.contactPoint, DCAT.landingPage, DCTERMS.issued, DCTERMS.modified, DCTERMS.license,
    DCTERMS.accessRights, DCAT_VERSION, OWL.versionInfo, DCTERMS.conformsTo,
}  # fmt: skip
_LOCN_GEOMETRY = URIRef("http://www.w3.org/ns/locn#geometry")
_VALUES = 20  # values kept of one property


def said(graph, node, payload: dict, *, publisher_named: bool) -> dict:
    """The dataset's properties the payload does not hold, for `source_fields`."""
    mapped = set(_MAPPED)
    if publisher_named:
        mapped.add(DCTERMS.publisher)
    if payload["update_frequency"]:
        mapped.add(DCTERMS.accrualPeriodicity)
    if payload["temporal"]["start"] or payload["temporal"]["end"]:
        mapped.add(DCTERMS.temporal)
    fields: dict = {}
    for predicate in sorted(set(graph.predicates(node)) - mapped, key=str):
        values = list(graph.objects(node, predicate))
        if predicate in (DCTERMS.title, DCTERMS.description):
            languages = {o.language for o in values if isinstance(o, Literal)}
            if len(languages) < 2:
                continue  # one language: the payload holds it
            fields[_name(graph, predicate)] = {
                o.language or "": str(o) for o in values if isinstance(o, Literal)
            }
            continue
        if predicate in (DCTERMS.language, DC.language) and len(payload["languages"]) == len(
            values
        ):
            continue
        if predicate == DCTERMS.spatial and not _unsaid_places(graph, values, payload):
            continue
        # In the order of what they say: a blank node's id is new at every parse of RDF/XML,
        # and an order by it made an unchanged record look changed at every harvest.
        shown = sorted((_value(graph, o) for o in values), key=_said_order)[:_VALUES]
        fields[_name(graph, predicate)] = shown[0] if len(shown) == 1 else shown
    return bounded_fields(fields) if fields else {}


def _said_order(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _unsaid_places(graph, places, payload) -> bool:
    """Whether the places say more than the payload's states and box."""
    named = len(payload["spatial"]["states"])
    boxed = 1 if payload["spatial"].get("bbox") else 0
    return len(places) > named + boxed


# The prefixes source_fields names properties by: the same whatever a document binds (RDF/XML
# from one portal says `dct:`, from another `dcterms:`); other properties by their whole IRI.
_PREFIXES = {
    "http://purl.org/dc/terms/": "dct", "http://www.w3.org/ns/dcat#": "dcat",
    "http://xmlns.com/foaf/0.1/": "foaf", "http://www.w3.org/ns/adms#": "adms",
    "http://www.w3.org/2006/vcard/ns#": "vcard", "http://www.w3.org/2004/02/skos/core#": "skos",
    "http://schema.org/": "schema", "https://schema.org/": "schema",
    "http://www.w3.org/ns/locn#": "locn", "http://dcat-ap.de/def/dcatde/": "dcatde",
    "http://data.europa.eu/r5r/": "dcatap", "http://www.w3.org/ns/prov#": "prov",
    "http://www.w3.org/2002/07/owl#": "owl", "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://spdx.org/rdf/terms#": "spdx", "http://www.w3.org/ns/odrl/2/": "odrl",
    "http://www.w3.org/ns/dqv#": "dqv", "http://purl.org/dc/elements/1.1/": "dc",
    "http://www.w3.org/2006/time#": "time",
}  # fmt: skip


def _name(graph, predicate) -> str:
    iri = str(predicate)
    for namespace, prefix in _PREFIXES.items():
        local = iri.removeprefix(namespace)
        if local != iri and local and "/" not in local and "#" not in local:
            return f"{prefix}:{local}"
    return iri


def _value(graph, obj):
    if isinstance(obj, BNode):
        inner = {
            _name(graph, p): str(o)
            for p, o in sorted(graph.predicate_objects(obj), key=str)
            if p != RDF.type and not isinstance(o, BNode)
        }
        return inner or ""
    return str(obj)


def place_box(graph, place) -> list[float] | None:
    """[west, south, east, north] of a place's geometry: dcat:bbox or locn:geometry, as GeoJSON
    or as WKT (`POLYGON((…))`, `POINT(…)`); None when it has none Suchi can read."""
    for predicate in (DCAT.bbox, _LOCN_GEOMETRY):
        for geometry in graph.objects(place, predicate):
            if box := geometry_box(str(geometry).strip()):
                return box
    return None


# The other direction: what a DCAT source said, written back into Suchi's DCAT of the dataset,
# so that a harvester downstream reads what the source said too. Written: the title and the
# description in the source's other languages, its documentation pages (foaf:page), and the
# properties of vocabularies to which DCAT-AP's shapes give no range (DCAT-AP.de's political
# geocoding, a portal's own): an http(s) value as an IRI, anything else as text. Properties of
# the vocabularies DCAT-AP constrains, and nodes without an address, are not written again: a
# range Suchi cannot check would make its own output fail the shapes.
_NAMESPACES = {prefix: namespace for namespace, prefix in _PREFIXES.items()}
_NAMESPACES["schema"] = "http://schema.org/"
_RANGED = {
    "dct", "dcat", "foaf", "adms", "vcard", "locn", "odrl", "prov", "spdx", "dcatap", "dqv",
    "skos", "owl", "rdfs", "time", "schema", "dc",
}  # fmt: skip
_CONSTRAINED = (str(RDF), *(ns for ns, prefix in _PREFIXES.items() if prefix in _RANGED))
_DOCUMENTS = {"foaf:page"}
_IN_LANGUAGES = {
    "dct:title": lambda t: text(t, 300),
    "dct:description": lambda t: description(t, 20000),
}
_LANGUAGE_TAG = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
# A property's IRI that every RDF syntax can write: http(s), ending in an XML name (RDF/XML
# writes a property as a prefixed element name; `…/p/123` or `…/terms/` it cannot).
_PROPERTY = re.compile(r"(https?://[^\s<>\"{}|\\^`]*[/#])([A-Za-z_][A-Za-z0-9_-]*)")


def _predicate(name: str) -> URIRef | None:
    prefix, _, local = name.partition(":")
    iri = _NAMESPACES[prefix] + local if prefix in _NAMESPACES else name
    return URIRef(iri) if _PROPERTY.fullmatch(iri) and http_url(iri) == iri else None


def said_again(g, node: URIRef, dataset) -> None:
    """Add to `g` what the dataset's DCAT source said beyond Suchi's fields (see above)."""
    provenance = dataset.provenance or {}
    kinds = {(provenance.get(k) or {}).get("kind") for k in ("source", "origin")}
    said = provenance.get("source_fields")
    if "dcat" not in kinds or not isinstance(said, dict):
        return
    ours = {"dct:title": dataset.title, "dct:description": dataset.description}
    for name, value in said.items():
        predicate = _predicate(name)
        if predicate is None:
            continue
        known = _name(None, predicate)  # the same name, however the key was written
        if known in _IN_LANGUAGES and isinstance(value, dict):
            for language, said_text in value.items():
                if (
                    _LANGUAGE_TAG.fullmatch(language)
                    and isinstance(said_text, str)
                    and said_text.strip()
                    # The one the dataset holds (as Suchi kept it) is written already.
                    and _IN_LANGUAGES[known](said_text) != ours[known]
                ):
                    g.add((node, predicate, Literal(said_text, lang=language)))
            continue
        if known not in _DOCUMENTS and str(predicate).startswith(_CONSTRAINED):
            continue
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or not item.strip():
                continue  # a node without an address
            iri = http_url(item)
            if known in _DOCUMENTS:
                if iri:
                    g.add((node, predicate, URIRef(iri)))
                    g.add((URIRef(iri), RDF.type, FOAF.Document))
            else:
                g.add((node, predicate, URIRef(iri) if iri == item else Literal(item)))
