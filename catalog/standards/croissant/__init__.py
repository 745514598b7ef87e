"""MLCommons Croissant, both ways: a published dataset as Croissant 1.1 JSON-LD (export), and
Croissant documents read for harvesting (parse). docs/croissant.md documents both."""

from .export import (
    CONFORMS_TO,
    CONTEXT,
    DATA_TYPES,
    MEDIA_TYPE,
    citation,
    dataset_document,
    licence_url,
    rai_properties,
)
from .parse import croissant_record, data_card, documents_in, landing_page

__all__ = [
    "CONFORMS_TO",
    "CONTEXT",
    "DATA_TYPES",
    "MEDIA_TYPE",
    "citation",
    "croissant_record",
    "data_card",
    "dataset_document",
    "documents_in",
    "landing_page",
    "licence_url",
    "rai_properties",
]
