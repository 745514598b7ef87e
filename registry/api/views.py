"""Dataset API: thin views. Input serializer validates → service writes → output serializer."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core import response_cache
from core.api.lists import paged
from core.api.pagination import Pagination as CorePagination
from core.api.serializers import validated
from core.replicas import replica_reads

from .. import selectors
from ..models import Dataset
from ..services import (
    Actor,
    dataset_register,
    dataset_revalidate,
    dataset_update,
    dataset_withdraw,
)
from ..version import catalogue_version
from .permissions import HasScope, WriteNeedsScope, caller_institution
from .serializers import (
    DatasetInput,
    DatasetOutput,
    RevisionOutput,
    ValidationRunOutput,
    revision_ref,
)


@csrf_exempt  # any method gets the same JSON 404, not a CSRF page
def api_not_found(request, *args, **kwargs):
    from django.http import JsonResponse

    hint = ""
    if request.path.endswith("/"):
        hint = " API paths have no trailing slash."
    return JsonResponse(
        {"detail": f"No API endpoint at {request.path}.{hint} See /api/docs/."}, status=404
    )


class Pagination(CorePagination):
    page_size = 20  # a dataset's history: revisions and validation runs are large


def _with_submitted_revision(body: dict, dataset: Dataset) -> dict:
    """Add the state of the change just written (e.g. `rejected`), which the dataset itself
    may not show: a published dataset keeps its public version when a change fails."""
    latest = dataset.revisions.order_by("-number").first()
    return {**body, "submitted_revision": revision_ref(latest)}


def _gone(dataset: Dataset) -> Response:
    return Response(
        {"detail": "This dataset was withdrawn.", "withdrawn_at": dataset.withdrawn_at.isoformat()},
        status=status.HTTP_410_GONE,
    )


def _readable(request, pk) -> tuple[Dataset | None, bool, Response | None]:
    """The dataset the caller may read, whether the caller owns it, and a 410 to send instead
    when it was withdrawn and the caller is not its owner (404 if not visible at all)."""
    institution = caller_institution(request)
    if institution is None:  # anyone: the hot path of harvesters' reads
        dataset = selectors.dataset_public(pk)
        if dataset is None:
            raise Http404("No Dataset matches the given query.")
    else:
        dataset = get_object_or_404(selectors.datasets_visible_to(institution=institution), pk=pk)
    owner = institution is not None and dataset.institution_id == institution.pk
    if dataset.status == Dataset.Status.WITHDRAWN and not owner:
        return None, False, _gone(dataset)
    return dataset, owner, None


class DatasetListCreate(APIView):
    """POST registers a dataset. (GET, the search, is the catalogue's: catalog.api.views.)"""

    permission_classes = [WriteNeedsScope]
    required_scope = "datasets:write"

    def post(self, request):
        data = validated(DatasetInput, request)
        dataset = dataset_register(
            institution=request.user.institution,
            data=data,
            actor=Actor.for_token(request.auth),
        )
        dataset = selectors.datasets_writable_by(institution=request.user.institution).get(
            pk=dataset.pk
        )
        body = _with_submitted_revision(
            DatasetOutput(dataset, context={"request": request}).data, dataset
        )
        return Response(
            body, status=status.HTTP_201_CREATED, headers={"Location": body["links"]["self"]}
        )


@replica_reads
class DatasetDetail(APIView):
    permission_classes = [WriteNeedsScope]
    required_scope = "datasets:write"

    def _writable(self, request, pk) -> Dataset:
        qs = selectors.datasets_writable_by(institution=request.user.institution)
        return get_object_or_404(qs, pk=pk)

    def get(self, request, pk):
        # Anonymous reads: from the cache (or 304) while the catalogue's version holds.
        entry = response_cache.entry_for(request, catalogue_version())
        cached = response_cache.cached_answer(request, entry)
        if cached is not None:
            return cached
        dataset, _, gone = _readable(request, pk)
        if gone:
            return gone
        response = Response(DatasetOutput(dataset, context={"request": request}).data)
        response["Last-Modified"] = http_date(dataset.modified_at.timestamp())
        return response_cache.keep_answer(response, entry)

    def _update(self, request, pk, *, partial: bool):
        dataset = self._writable(request, pk)
        data = validated(DatasetInput, request, partial=partial)
        dataset_update(
            dataset=dataset,
            data=data,
            actor=Actor.for_token(request.auth),
            partial=partial,
        )
        dataset = self._writable(request, pk)
        body = DatasetOutput(dataset, context={"request": request}).data
        return Response(_with_submitted_revision(body, dataset))

    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    def delete(self, request, pk):
        dataset = dataset_withdraw(
            dataset=self._writable(request, pk), actor=Actor.for_token(request.auth)
        )
        dataset = self._writable(request, dataset.pk)
        return Response(DatasetOutput(dataset, context={"request": request}).data)


class _DatasetChildList(generics.GenericAPIView):
    pagination_class = Pagination


class DatasetRevisions(_DatasetChildList):
    serializer_class = RevisionOutput

    def get(self, request, pk):
        dataset, owner, gone = _readable(request, pk)
        if gone:
            return gone
        page = self.paginate_queryset(selectors.dataset_revisions(dataset=dataset, owner=owner))
        data = RevisionOutput(page, many=True, context={"owner": owner}).data
        return self.get_paginated_response(data)


class DatasetValidations(_DatasetChildList):
    serializer_class = ValidationRunOutput

    def get(self, request, pk):
        dataset, owner, gone = _readable(request, pk)
        if gone:
            return gone
        runs = selectors.dataset_validation_runs(dataset=dataset, owner=owner)
        return paged(self, runs, ValidationRunOutput)


class DatasetValidate(APIView):
    permission_classes = [HasScope]
    required_scope = "datasets:write"

    def post(self, request, pk):
        qs = selectors.datasets_writable_by(institution=request.user.institution)
        run = dataset_revalidate(dataset=get_object_or_404(qs, pk=pk))
        return Response(ValidationRunOutput(run).data, status=status.HTTP_202_ACCEPTED)
