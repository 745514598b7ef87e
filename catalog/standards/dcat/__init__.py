"""DCAT-AP 3, both ways: the catalogue as RDF (export) and DCAT catalogues read for harvesting
(parse). `vocab` holds what both sides share."""

from .export import (
    add_agent,
    add_dataset,
    add_place,
    agent_iri,
    catalog_graph,
    dataset_iri,
    distribution_graph,
    place_graph,
    quality_graph,
    serialize,
)
from .parse import dataset_record
from .vocab import (
    ACCESS_RIGHTS,
    DCAT_AP_CONTEXT_URL,
    DCAT_VERSION,
    EU,
    FILE_TYPES,
    HYDRA,
    PROV,
    RDF_TYPES,
    SPDX,
    VCARD,
    jsonld_context,
    new_graph,
    rdf_format_of,
)

__all__ = [
    "ACCESS_RIGHTS",
    "DCAT_AP_CONTEXT_URL",
    "DCAT_VERSION",
    "EU",
    "FILE_TYPES",
    "HYDRA",
    "PROV",
    "RDF_TYPES",
    "SPDX",
    "VCARD",
    "add_agent",
    "add_dataset",
    "add_place",
    "agent_iri",
    "catalog_graph",
    "dataset_iri",
    "dataset_record",
    "distribution_graph",
    "jsonld_context",
    "new_graph",
    "place_graph",
    "quality_graph",
    "rdf_format_of",
    "serialize",
]
