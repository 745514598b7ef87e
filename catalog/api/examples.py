"""Examples for the catalogue's read API in the OpenAPI document. drf-spectacular wraps the
example of a list response in a list itself."""

from registry.api.examples import DATASET_OUTPUT, NOT_FOUND, response

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
}
