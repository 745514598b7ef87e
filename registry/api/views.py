"""Dataset API: thin views. Input serializer validates → service writes → output serializer."""

from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import Pagination as CorePagination
from core.api.serializers import ErrorOutput

from .. import selectors
from ..models import Dataset
from ..services import (
    Actor,
    dataset_register,
    dataset_revalidate,
    dataset_update,
    dataset_withdraw,
)
from . import examples as ex
from .permissions import HasScope, WriteNeedsScope, caller_institution
from .serializers import (
    DatasetInput,
    DatasetOutput,
    RevisionOutput,
    RevisionPage,
    ValidationRunOutput,
    ValidationRunPage,
    revision_ref,
)

ERRORS_READ = {404: ErrorOutput, 410: ErrorOutput}
ERRORS_WRITE = {
    400: ErrorOutput,
    401: ErrorOutput,
    403: ErrorOutput,
    404: ErrorOutput,
    409: ErrorOutput,
    413: ErrorOutput,
    415: ErrorOutput,
}
# Reads need no token; a token, if sent, must be valid.
READ_AUTH = [{"institutionToken": []}, {}]

_PENDING_UPDATE = {
    **ex.DATASET_OUTPUT,
    "pending_revision": {"number": 2, "kind": "update", "status": "pending"},
    "submitted_revision": {"number": 2, "kind": "update", "status": "pending"},
}


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
    dataset = get_object_or_404(selectors.datasets_visible_to(institution=institution), pk=pk)
    owner = institution is not None and dataset.institution_id == institution.pk
    if dataset.status == Dataset.Status.WITHDRAWN and not owner:
        return None, False, _gone(dataset)
    return dataset, owner, None


class DatasetListCreate(APIView):
    """POST registers a dataset. (GET, the search, is the catalogue's: catalog.api.views.)"""

    permission_classes = [WriteNeedsScope]
    required_scope = "datasets:write"

    @extend_schema(
        request=DatasetInput,
        responses={201: DatasetOutput, **ERRORS_WRITE},
        operation_id="datasets_create",
        summary="Register a dataset",
        description="Registers the metadata of a dataset held at your institution and queues its "
        "validation. Needs a token with the `datasets:write` scope.",
        examples=[
            ex.dataset_request(),
            ex.response(
                "Registered, validation queued",
                {
                    **ex.DATASET_OUTPUT,
                    "status": "validating",
                    "published_at": None,
                    "revision": None,
                    "pending_revision": {"number": 1, "kind": "create", "status": "pending"},
                    "quality": None,
                    "submitted_revision": {"number": 1, "kind": "create", "status": "pending"},
                },
                status=201,
            ),
            ex.INVALID_FIELD,
            ex.UNAUTHENTICATED,
        ],
        tags=["datasets"],
    )
    def post(self, request):
        serializer = DatasetInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        dataset = dataset_register(
            institution=request.user.institution,
            data=serializer.validated_data,
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


class DatasetDetail(APIView):
    permission_classes = [WriteNeedsScope]
    required_scope = "datasets:write"

    def _writable(self, request, pk) -> Dataset:
        qs = selectors.datasets_writable_by(institution=request.user.institution)
        return get_object_or_404(qs, pk=pk)

    @extend_schema(
        responses={200: DatasetOutput, **ERRORS_READ},
        auth=READ_AUTH,
        operation_id="datasets_retrieve",
        summary="Show a dataset",
        examples=[ex.response("A published dataset", ex.DATASET_OUTPUT), ex.NOT_FOUND, ex.GONE],
        tags=["datasets"],
    )
    def get(self, request, pk):
        dataset, _, gone = _readable(request, pk)
        if gone:
            return gone
        response = Response(DatasetOutput(dataset, context={"request": request}).data)
        response["Last-Modified"] = http_date(dataset.modified_at.timestamp())
        return response

    def _update(self, request, pk, *, partial: bool):
        dataset = self._writable(request, pk)
        serializer = DatasetInput(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        dataset_update(
            dataset=dataset,
            data=serializer.validated_data,
            actor=Actor.for_token(request.auth),
            partial=partial,
        )
        dataset = self._writable(request, pk)
        body = DatasetOutput(dataset, context={"request": request}).data
        return Response(_with_submitted_revision(body, dataset))

    @extend_schema(
        request=DatasetInput,
        responses={200: DatasetOutput, **ERRORS_WRITE},
        operation_id="datasets_update",
        summary="Replace a dataset's metadata",
        description="Accepts the GET representation back as it is. A published dataset stays "
        "visible, unchanged, until the change passes validation (see `pending_revision`).",
        examples=[
            ex.dataset_request("The full metadata, changed"),
            ex.response("The public version stays while the change is validated", _PENDING_UPDATE),
            ex.INVALID_FIELD,
        ],
        tags=["datasets"],
    )
    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(
        request=DatasetInput,
        responses={200: DatasetOutput, **ERRORS_WRITE},
        operation_id="datasets_partial_update",
        summary="Change some of a dataset's metadata",
        examples=[
            ex.dataset_request("A new title", {"title": "District hospital beds, daily"}),
            ex.response("The public version stays while the change is validated", _PENDING_UPDATE),
            ex.INVALID_FIELD,
        ],
        tags=["datasets"],
    )
    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    @extend_schema(
        request=None,
        responses={200: DatasetOutput, **ERRORS_WRITE},
        operation_id="datasets_withdraw",
        summary="Withdraw a dataset",
        description="Removes it from the catalogue. Nothing is deleted; its history remains.",
        examples=[
            ex.response(
                "Withdrawn",
                {
                    **ex.DATASET_OUTPUT,
                    "status": "withdrawn",
                    "withdrawn_at": "2026-11-28T11:02:40+00:00",
                    "revision": 2,
                },
            ),
            ex.NOT_FOUND,
        ],
        tags=["datasets"],
    )
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

    @extend_schema(
        operation_id="dataset_revisions_list",
        summary="A dataset's revision history",
        responses={200: RevisionPage, **ERRORS_READ},
        auth=READ_AUTH,
        examples=[ex.response("One revision", ex.page(ex.REVISION)), ex.NOT_FOUND, ex.GONE],
        tags=["datasets"],
    )
    def get(self, request, pk):
        dataset, owner, gone = _readable(request, pk)
        if gone:
            return gone
        page = self.paginate_queryset(selectors.dataset_revisions(dataset=dataset, owner=owner))
        data = RevisionOutput(page, many=True, context={"owner": owner}).data
        return self.get_paginated_response(data)


class DatasetValidations(_DatasetChildList):
    serializer_class = ValidationRunOutput

    @extend_schema(
        operation_id="dataset_validations_list",
        summary="A dataset's validation runs and their findings",
        responses={200: ValidationRunPage, **ERRORS_READ},
        auth=READ_AUTH,
        examples=[
            ex.response("A run that passed with a warning", ex.page(ex.VALIDATION_RUN)),
            ex.NOT_FOUND,
            ex.GONE,
        ],
        tags=["datasets"],
    )
    def get(self, request, pk):
        dataset, owner, gone = _readable(request, pk)
        if gone:
            return gone
        runs = selectors.dataset_validation_runs(dataset=dataset, owner=owner)
        page = self.paginate_queryset(runs)
        return self.get_paginated_response(ValidationRunOutput(page, many=True).data)


class DatasetValidate(APIView):
    permission_classes = [HasScope]
    required_scope = "datasets:write"

    @extend_schema(
        request=None,
        responses={202: ValidationRunOutput, **ERRORS_WRITE},
        operation_id="dataset_validate",
        summary="Validate a dataset again now",
        description="Queues a validation run (for example after fixing the source). A dataset "
        "never has two queued runs: if one is waiting, it is returned. A rejected dataset is "
        "published if the new run passes; a published one is re-checked as it stands.",
        examples=[
            ex.response(
                "Queued",
                {
                    **ex.VALIDATION_RUN,
                    "status": "queued",
                    "trigger": "manual",
                    "attempt": 0,
                    "started_at": None,
                    "finished_at": None,
                    "summary": {"error": 0, "warning": 0, "info": 0},
                    "quality": None,
                    "findings": [],
                },
                status=202,
            ),
            ex.NOT_FOUND,
        ],
        tags=["datasets"],
    )
    def post(self, request, pk):
        qs = selectors.datasets_writable_by(institution=request.user.institution)
        run = dataset_revalidate(dataset=get_object_or_404(qs, pk=pk))
        return Response(ValidationRunOutput(run).data, status=status.HTTP_202_ACCEPTED)
