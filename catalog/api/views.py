"""The catalogue's read API: search with facets, institutions, themes, licences."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import ErrorOutput
from registry import vocabularies
from registry.api import examples as ex
from registry.api.serializers import DatasetOutput
from registry.api.views import READ_AUTH, DatasetListCreate

from ..query_params import LIST_PARAMS, ORDERINGS, boolean, dataset_query_from
from ..search import (
    SearchError,
    for_paging,
    relevance_is_approximate,
    search_datasets,
    summarize,
)
from ..search.postgres import SAMPLE_FRACTION
from ..selectors import institutions_listed
from .pagination import SHALLOW_ROWS, SearchCursorPagination


def _facet(value: str, label: str, count: int = 1) -> dict:
    return {"value": value, "label": label, "count": count}


_EXAMPLE_INSTITUTION = {
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
EXAMPLE_SEARCH_PAGE = {
    "count": 1,
    "count_is_estimate": False,
    "facets_are_estimates": False,
    "relevance_is_approximate": False,
    "next": None,
    "previous": None,
    "results": [ex.DATASET_OUTPUT],
    "facets": {
        "institution": [_facet("ka-health", "Department of Health, Karnataka")],
        "theme": [_facet("HEAL", "Health")],
        "license": [_facet("CC-BY-4.0", "Creative Commons Attribution 4.0 International")],
        "format": [_facet("CSV", "CSV")],
        "access": [_facet("open", "Open")],
        "keyword": [_facet("beds", "beds"), _facet("hospitals", "hospitals")],
    },
}


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


class DatasetCollection(DatasetListCreate):
    """GET searches the catalogue; POST registers a dataset (see the registry API)."""

    @extend_schema(
        operation_id="datasets_list",
        summary="Search published datasets",
        description="Full-text search with filters and facets. Filters take one value or "
        "several (repeat the parameter or separate with commas): several values of "
        "`institution`, `license` or `access` are ORed, several values of `theme`, `keyword`, "
        "`format` or `state` are ANDed (a dataset has many of those), and different filters "
        "are ANDed. Pages are linked by opaque cursors (`next`, `previous`), which reach any "
        f"depth; `page=N` jumps to a shallow page, while N * page_size ≤ {SHALLOW_ROWS:,}.",
        parameters=[
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
            OpenApiParameter(
                "cursor", str, description="From a `next`/`previous` link. Not with `page`."
            ),
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1},
                description=f"A shallow page by number, from 1, while page * page_size ≤ "
                f"{SHALLOW_ROWS:,}; deeper pages are a 400 naming `page`: follow the `next` "
                "links instead. Not with `cursor`.",
            ),
        ],
        responses={200: SearchPage, 400: ErrorOutput},
        examples=[
            OpenApiExample(
                "Health datasets about hospitals",
                summary="One result, with facets",
                value=EXAMPLE_SEARCH_PAGE,
                response_only=True,
                status_codes=["200"],
            ),
            OpenApiExample(
                "Too deep for page numbers",
                value={
                    "detail": f"page: Page numbers reach only the first {SHALLOW_ROWS:,} results "
                    "(page 500 at this page size); follow the `next` links (cursors) to go "
                    "deeper.",
                    "errors": {"page": ["Page numbers reach only the first …"]},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
        auth=READ_AUTH,
        tags=["catalogue"],
    )
    def get(self, request):
        try:
            query = dataset_query_from(request.query_params)
            qs = search_datasets(query)
        except SearchError as exc:
            raise ValidationError({exc.param: [str(exc)]}) from None
        paginator = SearchCursorPagination(ORDERINGS[query.effective_sort()])
        page = paginator.paginate_queryset(for_paging(qs, query), request, view=self)
        summary = summarize(qs, query, allow_estimate=True)
        return Response(
            {
                "count": summary.count,
                "count_is_estimate": summary.estimated,
                "facets_are_estimates": summary.estimated,
                "relevance_is_approximate": relevance_is_approximate(query, summary.count),
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": DatasetOutput(page, many=True, context={"request": request}).data,
                "facets": summary.facets,
            }
        )


class InstitutionOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField(source="kind")
    description = serializers.CharField()
    is_provider = serializers.BooleanField()
    is_consumer = serializers.BooleanField()
    state_code = serializers.CharField()
    website = serializers.CharField()
    verification_status = serializers.CharField()


class InstitutionList(APIView):
    @extend_schema(
        responses=InstitutionOutput(many=True),
        auth=READ_AUTH,
        tags=["catalogue"],
        operation_id="institutions_list",
        summary="Institutions",
        # drf-spectacular wraps the example of a list response in a list itself.
        examples=[ex.response("Institutions", _EXAMPLE_INSTITUTION)],
    )
    def get(self, request):
        return Response(InstitutionOutput(institutions_listed(), many=True).data)


class InstitutionDetail(APIView):
    @extend_schema(
        responses={200: InstitutionOutput, 404: ErrorOutput},
        auth=READ_AUTH,
        tags=["catalogue"],
        operation_id="institutions_retrieve",
        summary="An institution",
        examples=[ex.response("An institution", _EXAMPLE_INSTITUTION), ex.NOT_FOUND],
    )
    def get(self, request, slug):
        return Response(InstitutionOutput(get_object_or_404(institutions_listed(), slug=slug)).data)


class ThemeOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    label_hi = serializers.CharField()
    iri = serializers.URLField()


class ThemeList(APIView):
    @extend_schema(
        responses=ThemeOutput(many=True),
        auth=READ_AUTH,
        tags=["catalogue"],
        operation_id="themes_list",
        summary="The sector themes (DCAT-AP data themes)",
        examples=[
            ex.response(
                "Themes",
                {
                    "code": "HEAL",
                    "label": "Health",
                    "label_hi": "स्वास्थ्य",
                    "iri": "http://publications.europa.eu/resource/authority/data-theme/HEAL",
                },
            )
        ],
    )
    def get(self, request):
        return Response(ThemeOutput(vocabularies.themes().values(), many=True).data)


class LicenceOutput(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField(
        allow_null=True,
        help_text="Where the licence is published; null for a LicenseRef- with no page of its "
        "own (a source's public-domain statement)",
    )
    is_open = serializers.BooleanField()

    def to_representation(self, instance):
        body = super().to_representation(instance)
        body["url"] = body["url"] or None
        return body

    osi_approved = serializers.BooleanField()
    fsf_libre = serializers.BooleanField()


class LicenceList(APIView):
    @extend_schema(
        responses={200: LicenceOutput(many=True), 400: ErrorOutput},
        parameters=[
            OpenApiParameter(
                "open",
                bool,
                description="true: only licences fit for open data; false: only the others.",
            )
        ],
        auth=READ_AUTH,
        tags=["catalogue"],
        operation_id="licenses_list",
        summary="Licences (the SPDX list), marking those fit for open data",
        examples=[
            ex.response(
                "Licences",
                {
                    "id": "CC-BY-4.0",
                    "name": "Creative Commons Attribution 4.0 International",
                    "url": "https://spdx.org/licenses/CC-BY-4.0.html",
                    "is_open": True,
                    "osi_approved": False,
                    "fsf_libre": True,
                },
            )
        ],
    )
    def get(self, request):
        items = [lic for lic in vocabularies.licences().values() if not lic.deprecated]
        try:
            only_open = boolean(request.query_params, "open")
        except SearchError as exc:
            raise ValidationError({exc.param: [str(exc)]}) from None
        if only_open is not None:
            items = [lic for lic in items if lic.is_open == only_open]
        return Response(LicenceOutput(sorted(items, key=lambda lic: lic.id), many=True).data)
