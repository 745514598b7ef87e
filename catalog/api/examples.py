"""Examples for the catalogue's read API in the OpenAPI document. drf-spectacular wraps the
example of a list response in a list itself."""

from registry.api.examples import DATASET_OUTPUT, NOT_FOUND, response

from ..standards.croissant import CONFORMS_TO, CONTEXT
from .pagination import SHALLOW_ROWS


def _facet(value: str, label: str, count: int = 1) -> dict:
    return {"value": value, "label": label, "count": count}


INSTITUTION = {
    "slug": "ka-health",
    "name": "Department of Health, Karnataka",
    "type": "government",
    "description": "Health and Family Welfare Services, Government of Karnataka.",
    "is_provider": True,
    "is_consumer": False,
    "state_code": "KA",
    "website": "https://health.example.in",
    "verification_status": "verified",
}
SEARCH_PAGE = {
    "count": 1,
    "count_is_estimate": False,
    "facets_are_estimates": False,
    "relevance_is_approximate": False,
    "next": None,
    "previous": None,
    "results": [DATASET_OUTPUT],
    "facets": {
        "institution": [_facet("ka-health", "Department of Health, Karnataka")],
        "theme": [_facet("HEAL", "Health")],
        "license": [_facet("CC-BY-4.0", "Creative Commons Attribution 4.0 International")],
        "format": [_facet("CSV", "CSV")],
        "access": [_facet("open", "Open")],
        "keyword": [_facet("beds", "beds"), _facet("hospitals", "hospitals")],
    },
}
THEME = {
    "code": "HEAL",
    "label": "Health",
    "label_hi": "स्वास्थ्य",
    "iri": "http://publications.europa.eu/resource/authority/data-theme/HEAL",
}
LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Attribution 4.0 International",
    "url": "https://spdx.org/licenses/CC-BY-4.0.html",
    "is_open": True,
    "osi_approved": False,
    "fsf_libre": True,
}
_PAGE = "https://suchi.example.in/datasets/3f1c2a9e-6d4b-4c1a-9a57-2b8e6f0d7c11"
_FILE = "file-8a0d5c3e-1b2f-4e6a-8c9d-0e1f2a3b4c5d"
_RECORDS = "records-8a0d5c3e-1b2f-4e6a-8c9d-0e1f2a3b4c5d"
CROISSANT = {
    "@context": CONTEXT,
    "@type": "sc:Dataset",
    "@id": _PAGE,
    "conformsTo": CONFORMS_TO,
    "name": "District hospital bed occupancy",
    "description": "Daily count of occupied and vacant beds in each district hospital.",
    "url": _PAGE,
    "isLiveDataset": True,
    "license": "https://spdx.org/licenses/CC-BY-4.0.html",
    "creator": {
        "@type": "sc:Organization",
        "name": "Department of Health, Karnataka",
        "url": "https://suchi.example.in/institutions/ka-health",
    },
    "datePublished": "2026-11-02T09:30:00+00:00",
    "dateModified": "2026-11-28T11:02:40+00:00",
    "version": "1.0",
    "keywords": ["hospitals", "beds"],
    "citeAs": "Department of Health, Karnataka (2026). District hospital bed occupancy. "
    "Version 1.0. " + _PAGE,
    "distribution": [
        {
            "@type": "cr:FileObject",
            "@id": _FILE,
            "name": "Daily occupancy (CSV)",
            "contentUrl": "https://health.ka.example/data/beds.csv",
            "encodingFormat": "text/csv",
            "contentSize": "48213 B",
        }
    ],
    "recordSet": [
        {
            "@type": "cr:RecordSet",
            "@id": _RECORDS,
            "name": "Daily occupancy (CSV)",
            "key": {"@id": _RECORDS + "/district"},
            "field": [
                {
                    "@type": "cr:Field",
                    "@id": _RECORDS + "/district",
                    "name": "district",
                    "dataType": "sc:Text",
                    "source": {"fileObject": {"@id": _FILE}, "extract": {"column": "district"}},
                }
            ],
        }
    ],
}

EXAMPLES = {
    "datasets_list": [
        response("Health datasets about hospitals", SEARCH_PAGE, summary="One result, with facets"),
        response(
            "Too deep for page numbers",
            {
                "detail": f"page: Page numbers reach only the first {SHALLOW_ROWS:,} results "
                "(page 500 at this page size); follow the `next` links (cursors) to go deeper.",
                "errors": {"page": ["Page numbers reach only the first …"]},
            },
            status=400,
        ),
    ],
    "institutions_list": [response("Institutions", INSTITUTION)],
    "institutions_retrieve": [response("An institution", INSTITUTION), NOT_FOUND],
    "themes_list": [response("Themes", THEME)],
    "licenses_list": [response("Licences", LICENCE)],
    "datasets_croissant_retrieve": [
        response(
            "A dataset in Croissant 1.1 (one column shown)",
            CROISSANT,
            media_type="application/ld+json",
        ),
        NOT_FOUND,
        response("Withdrawn", {"detail": "This dataset was withdrawn."}, status=410),
    ],
}
