"""The catalogue's read API: search with facets, institutions, themes, licences."""

from datetime import UTC

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from registry import vocabularies
from registry.api.serializers import DatasetOutput, ErrorOutput
from registry.api.views import READ_AUTH, DatasetListCreate

from ..search import DatasetQuery, SearchError, count_and_facets, search_datasets
from ..selectors import institutions_listed
from .pagination import SearchCursorPagination

_ORDERINGS = {
    "relevance": ("-rank", "id"),
    "-modified": ("-modified_at", "id"),
    "title": ("title", "id"),
}
_LIST_PARAMS = ("institution", "theme", "license", "format", "access", "keyword", "state")


def _refuse_nul(params) -> None:
    """PostgreSQL text cannot hold NUL: refuse it in any parameter with a 400 naming it."""
    for name, values in params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise ValidationError({name.replace("\x00", ""): ["Contains a NUL character."]})


def _parse_query(params) -> DatasetQuery:
    _refuse_nul(params)
    query = DatasetQuery(q=params.get("q", "").strip(), sort=params.get("sort", ""))
    for name in _LIST_PARAMS:
        values = [v.strip() for raw in params.getlist(name) for v in raw.split(",") if v.strip()]
        setattr(query, name, values)
    if since := params.get("modified_since"):
        try:
            moment = parse_datetime(since) or (
                parse_date(since) and parse_datetime(f"{since}T00:00:00")
            )
        except ValueError:
            moment = None
        if not moment:
            raise ValidationError({"modified_since": ["Use an ISO 8601 date or date-time."]})
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        query.modified_since = moment
    return query


class FacetValue(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SearchPage(serializers.Serializer):
    count = serializers.IntegerField()
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
        "several (repeat the parameter or separate with commas); values of one filter are "
        "ORed, different filters ANDed. Pages are linked by opaque cursors (`next`, "
        "`previous`).",
        parameters=[
            OpenApiParameter("q", str, description='Words, "a phrase", -excluded, a or b.'),
            *[OpenApiParameter(name, str, many=True) for name in _LIST_PARAMS],
            OpenApiParameter("modified_since", str, description="ISO 8601 date or date-time."),
            OpenApiParameter("sort", str, enum=["relevance", "-modified", "title"]),
            OpenApiParameter("page_size", int, description="1 to 100 (larger is clamped)."),
            OpenApiParameter("cursor", str, description="From a `next`/`previous` link."),
        ],
        responses={200: SearchPage, 400: ErrorOutput},
        auth=READ_AUTH,
        tags=["catalogue"],
    )
    def get(self, request):
        query = _parse_query(request.query_params)
        try:
            qs = search_datasets(query)
        except SearchError as exc:
            raise ValidationError({exc.param: [str(exc)]}) from None
        paginator = SearchCursorPagination(_ORDERINGS[query.effective_sort()])
        page = paginator.paginate_queryset(qs, request, view=self)
        total, facet_counts = count_and_facets(qs)
        return Response(
            {
                "count": total,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": DatasetOutput(page, many=True, context={"request": request}).data,
                "facets": facet_counts,
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
    )
    def get(self, request):
        return Response(ThemeOutput(vocabularies.themes().values(), many=True).data)


class LicenceOutput(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()
    is_open = serializers.BooleanField()
    osi_approved = serializers.BooleanField()
    fsf_libre = serializers.BooleanField()


class LicenceList(APIView):
    @extend_schema(
        responses=LicenceOutput(many=True),
        parameters=[OpenApiParameter("open", bool, description="Only licences fit for open data.")],
        auth=READ_AUTH,
        tags=["catalogue"],
        operation_id="licenses_list",
        summary="Licences (the SPDX list), marking those fit for open data",
    )
    def get(self, request):
        items = [lic for lic in vocabularies.licences().values() if not lic.deprecated]
        if request.query_params.get("open") in {"1", "true"}:
            items = [lic for lic in items if lic.is_open]
        return Response(LicenceOutput(sorted(items, key=lambda lic: lic.id), many=True).data)
