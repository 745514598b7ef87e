"""The catalogue's read API: search with facets, institutions, themes, licences, and a
dataset in MLCommons Croissant."""

from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core import response_cache
from core.replicas import replica_reads
from registry import vocabularies
from registry.api.serializers import DatasetOutput
from registry.api.views import DatasetListCreate
from registry.version import catalogue_version

from .. import views as catalog_views
from ..query_params import ORDERINGS, boolean, dataset_query_from
from ..search import (
    SearchError,
    for_paging,
    relevance_is_approximate,
    search_datasets,
    summarize,
)
from ..selectors import institutions_listed
from .pagination import SearchCursorPagination


@replica_reads
class DatasetCollection(DatasetListCreate):
    """GET searches the catalogue; POST registers a dataset (see the registry API)."""

    def get(self, request):
        # Anonymous searches: answered from the cache (or 304) while the catalogue's version
        # holds; any change to a dataset, distribution or institution moves it.
        entry = response_cache.entry_for(request, catalogue_version())
        cached = response_cache.cached_answer(request, entry)
        if cached is not None:
            return cached
        return response_cache.keep_answer(self.search(request), entry)

    def search(self, request):
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


@replica_reads
class InstitutionList(APIView):
    def get(self, request):
        return Response(InstitutionOutput(institutions_listed(), many=True).data)


@replica_reads
class InstitutionDetail(APIView):
    def get(self, request, slug):
        return Response(InstitutionOutput(get_object_or_404(institutions_listed(), slug=slug)).data)


class ThemeOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    label_hi = serializers.CharField()
    iri = serializers.URLField()


@replica_reads
class ThemeList(APIView):
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


@replica_reads
class LicenceList(APIView):
    def get(self, request):
        items = [lic for lic in vocabularies.licences().values() if not lic.deprecated]
        try:
            only_open = boolean(request.query_params, "open")
        except SearchError as exc:
            raise ValidationError({exc.param: [str(exc)]}) from None
        if only_open is not None:
            items = [lic for lic in items if lic.is_open == only_open]
        return Response(LicenceOutput(sorted(items, key=lambda lic: lic.id), many=True).data)


@replica_reads
class DatasetCroissant(APIView):
    """A published dataset in MLCommons Croissant 1.1 JSON-LD, the same document as
    /datasets/<id>/croissant.jsonld (410 once withdrawn, 404 if it never was public)."""

    def get(self, request, pk):
        return catalog_views.croissant_response(pk)
