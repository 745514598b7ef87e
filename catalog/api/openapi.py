"""The catalogue's read API in the OpenAPI document: one call per operation (core.api.schema).
Imported by urls.py."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from core.api.schema import Operations
from core.api.serializers import ErrorOutput
from registry.api.openapi import READ_AUTH
from registry.api.serializers import DatasetOutput

from ..query_params import LIST_PARAMS
from ..search.postgres import SAMPLE_FRACTION
from .ckan_views import CkanAction
from .examples import EXAMPLES
from .pagination import SHALLOW_ROWS
from .views import (
    DatasetCollection,
    DatasetCroissant,
    InstitutionDetail,
    InstitutionList,
    InstitutionOutput,
    LicenceList,
    LicenceOutput,
    ThemeList,
    ThemeOutput,
)


class FacetValue(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SearchPage(serializers.Serializer):
    count = serializers.IntegerField()
    count_is_estimate = serializers.BooleanField(
        help_text="True when `count` was estimated from a 1/32 sample of the catalogue "
        f"(PostgreSQL, when about {settings.SUCHI_SEARCH_SAMPLE_MIN * SAMPLE_FRACTION:,} or "
        "more datasets match); "
        "false when it was counted."
    )
    facets_are_estimates = serializers.BooleanField(
        help_text="True when the facet counts were estimated from the sample (then each count "
        "is a multiple of 32, and values rarer than about 1 in 200 matches may be missing)."
    )
    relevance_is_approximate = serializers.BooleanField(
        help_text="True when sorting by relevance and more than "
        f"{settings.SUCHI_SEARCH_RELEVANCE_WINDOW:,} datasets match: relevance then orders the "
        f"{settings.SUCHI_SEARCH_RELEVANCE_WINDOW:,} most recently modified matches."
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DatasetOutput(many=True)
    facets = serializers.DictField(child=FacetValue(many=True))


SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description='Words, "a phrase", -excluded, a or b.'),
    *[OpenApiParameter(name, str, many=True) for name in LIST_PARAMS],
    OpenApiParameter("modified_since", str, description="ISO 8601 date or date-time."),
    OpenApiParameter(
        "sort",
        str,
        enum=["relevance", "-modified", "title"],
        description="Default: relevance with words in `q`, else -modified (newest "
        "first), which is also what relevance means without words.",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1},
        description="1 to 100 (larger is clamped).",
    ),
    OpenApiParameter("cursor", str, description="From a `next`/`previous` link. Not with `page`."),
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1},
        description=f"A shallow page by number, from 1, while page * page_size ≤ "
        f"{SHALLOW_ROWS:,}; deeper pages are a 400 naming `page`: follow the `next` "
        "links instead. Not with `cursor`.",
    ),
]

catalogue = Operations(examples=EXAMPLES, auth=READ_AUTH, tags=["catalogue"])
catalogue(
    DatasetCollection,
    "get",
    "datasets_list",
    "Search published datasets",
    {200: SearchPage, 400: ErrorOutput},
    parameters=SEARCH_PARAMETERS,
    description="Full-text search with filters and facets. Filters take one value or "
    "several (repeat the parameter or separate with commas): several values of "
    "`institution`, `license` or `access` are ORed, several values of `theme`, `keyword`, "
    "`format` or `state` are ANDed (a dataset has many of those), and different filters "
    "are ANDed. Pages are linked by opaque cursors (`next`, `previous`), which reach any "
    f"depth; `page=N` jumps to a shallow page, while N * page_size ≤ {SHALLOW_ROWS:,}.",
)
catalogue(InstitutionList, "get", "institutions_list", "Institutions", InstitutionOutput(many=True))
catalogue(
    InstitutionDetail,
    "get",
    "institutions_retrieve",
    "An institution",
    {200: InstitutionOutput, 404: ErrorOutput},
)
catalogue(
    ThemeList,
    "get",
    "themes_list",
    "The sector themes (DCAT-AP data themes)",
    ThemeOutput(many=True),
)
catalogue(
    LicenceList,
    "get",
    "licenses_list",
    "Licences (the SPDX list), marking those fit for open data",
    {200: LicenceOutput(many=True), 400: ErrorOutput},
    parameters=[
        OpenApiParameter(
            "open",
            bool,
            description="true: only licences fit for open data; false: only the others.",
        )
    ],
)
catalogue(
    DatasetCroissant,
    "get",
    "datasets_croissant_retrieve",
    "A dataset in MLCommons Croissant 1.1",
    {
        (200, "application/ld+json"): OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="Croissant 1.1 JSON-LD (media type application/ld+json; "
            'profile="http://mlcommons.org/croissant/1.1"), with its @context embedded: '
            "what mlcroissant and other ML loaders read. See docs/croissant.md.",
        ),
        404: ErrorOutput,
        410: ErrorOutput,
    },
    description="Every distribution is a cr:FileObject; each one with a Table Schema is a "
    "cr:RecordSet with a cr:Field per column. Restricted and consent-gated datasets name "
    "no downloadable file: their files point to the dataset's page, and "
    "`conditionsOfAccess` says how access is granted. Also served at "
    "/datasets/{id}/croissant.jsonld and, to an Accept naming the Croissant profile, at "
    "/datasets/{id}.",
)

extend_schema(exclude=True)(CkanAction)  # CKAN's own API, documented by CKAN
