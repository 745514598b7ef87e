"""Harvest API: an institution's sources and their jobs (token scope `datasets:write`)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import Pagination
from core.api.serializers import ErrorOutput, page_of
from core.errors import NotFound
from registry.api.permissions import HasScope

from ..models import HarvestJob
from ..services import (
    harvest_job_abort,
    harvest_job_start,
    harvest_source_create,
    harvest_source_deactivate,
    harvest_source_for,
)
from .serializers import HarvestJobOutput, HarvestSourceInput, HarvestSourceOutput

ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}
ERRORS_WRITE = {**ERRORS, 409: ErrorOutput}
AUTH = [{"institutionToken": []}]
SOURCE = {
    "id": "6b0f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    "institution": "national",
    "name": "Karnataka state registry",
    "kind": "suchi",
    "url": "https://data.karnataka.example.in",
    "frequency": "daily",
    "withdraw_grace_hours": 24,
    "is_active": True,
    "next_run_at": "2026-11-29T02:00:00Z",
    "created_at": "2026-11-28T10:00:00Z",
}
JOB = {
    "id": 41,
    "source": SOURCE["id"],
    "status": "finished",
    "trigger": "schedule",
    "stage": "",
    "created_at": "2026-11-28T02:00:00Z",
    "started_at": "2026-11-28T02:00:01Z",
    "finished_at": "2026-11-28T02:00:09Z",
    "heartbeat_at": "2026-11-28T02:00:09Z",
    "abort_requested": False,
    "pages": 11,
    "counts": {
        "gathered": 1093,
        "added": 2,
        "updated": 5,
        "unchanged": 1085,
        "withdrawn": 1,
        "failed": 1,
    },
    "error": "",
    "errors": ["TSA-3c1: description: This field may not be blank."],
}


QUEUED = {
    **JOB,
    "status": "new",
    "trigger": "manual",
    "started_at": None,
    "finished_at": None,
    "heartbeat_at": None,
    "pages": 0,
    "errors": [],
    "counts": dict.fromkeys(JOB["counts"], 0),
}


QUEUED = {
    **JOB,
    "status": "new",
    "trigger": "manual",
    "started_at": None,
    "finished_at": None,
    "heartbeat_at": None,
    "pages": 0,
    "errors": [],
    "counts": dict.fromkeys(JOB["counts"], 0),
}


def _ok(name, value, code="200"):
    return OpenApiExample(name, value=value, response_only=True, status_codes=[code])


class _Owner(APIView):
    permission_classes = [HasScope]
    required_scope = "datasets:write"


class HarvestSourceListCreate(_Owner):
    @extend_schema(
        operation_id="harvest_sources_list",
        summary="Your institution's harvest sources",
        responses={200: HarvestSourceOutput(many=True), **ERRORS},
        examples=[_ok("One source", SOURCE)],
        auth=AUTH,
        tags=["harvest"],
    )
    def get(self, request):
        sources = request.user.institution.harvest_sources.select_related("institution")
        return Response(HarvestSourceOutput(sources, many=True).data)

    @extend_schema(
        operation_id="harvest_sources_create",
        summary="Harvest another catalogue into your datasets",
        description="Kinds: `dcat` (Turtle, RDF/XML or JSON-LD, following hydra paging), `ckan` "
        "(the Action API at the URL), `datajson` (a DCAT-US 1.1 data.json) and `suchi` (another "
        "Suchi node's REST API, lossless). Scheduled sources run from beat; every run withdraws "
        "datasets gone from the source after `withdraw_grace_hours`.",
        request=HarvestSourceInput,
        responses={201: HarvestSourceOutput, **ERRORS_WRITE},
        examples=[
            OpenApiExample(
                "A Suchi peer, daily",
                value={
                    "name": SOURCE["name"],
                    "kind": "suchi",
                    "url": SOURCE["url"],
                    "frequency": "daily",
                    "withdraw_grace_hours": 24,
                },
                request_only=True,
            ),
            _ok("Created", SOURCE, "201"),
        ],
        auth=AUTH,
        tags=["harvest"],
    )
    def post(self, request):
        serializer = HarvestSourceInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = harvest_source_create(
            institution=request.user.institution, **serializer.validated_data
        )
        return Response(HarvestSourceOutput(source).data, status=status.HTTP_201_CREATED)


class HarvestSourceDetail(_Owner):
    @extend_schema(
        operation_id="harvest_sources_retrieve",
        summary="A harvest source",
        responses={200: HarvestSourceOutput, **ERRORS},
        examples=[_ok("A source", SOURCE)],
        auth=AUTH,
        tags=["harvest"],
    )
    def get(self, request, pk):
        source = harvest_source_for(institution=request.user.institution, source_id=pk)
        return Response(HarvestSourceOutput(source).data)

    @extend_schema(
        operation_id="harvest_sources_deactivate",
        summary="Stop harvesting a source (its datasets and history stay)",
        request=None,
        responses={200: HarvestSourceOutput, **ERRORS},
        examples=[_ok("Deactivated", {**SOURCE, "is_active": False, "next_run_at": None})],
        auth=AUTH,
        tags=["harvest"],
    )
    def delete(self, request, pk):
        source = harvest_source_for(institution=request.user.institution, source_id=pk)
        return Response(HarvestSourceOutput(harvest_source_deactivate(source=source)).data)


class HarvestSourceJobs(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "datasets:write"
    pagination_class = Pagination
    serializer_class = HarvestJobOutput

    @extend_schema(
        operation_id="harvest_jobs_list",
        summary="A source's jobs, newest first, with their reports",
        responses={200: page_of(HarvestJobOutput, "HarvestJobPage"), **ERRORS},
        examples=[_ok("One job", {"count": 1, "next": None, "previous": None, "results": [JOB]})],
        auth=AUTH,
        tags=["harvest"],
    )
    def get(self, request, pk):
        source = harvest_source_for(institution=request.user.institution, source_id=pk)
        page = self.paginate_queryset(source.jobs.all())
        return self.get_paginated_response(HarvestJobOutput(page, many=True).data)

    @extend_schema(
        operation_id="harvest_jobs_start",
        summary="Harvest the source now",
        description="409 if a job of this source is already waiting or running.",
        request=None,
        responses={202: HarvestJobOutput, **ERRORS_WRITE},
        examples=[_ok("Queued", QUEUED, "202")],
        auth=AUTH,
        tags=["harvest"],
    )
    def post(self, request, pk):
        source = harvest_source_for(institution=request.user.institution, source_id=pk)
        job = harvest_job_start(source=source)
        job.refresh_from_db()
        return Response(HarvestJobOutput(job).data, status=status.HTTP_202_ACCEPTED)


def _job(request, pk) -> HarvestJob:
    job = HarvestJob.objects.filter(pk=pk, source__institution=request.user.institution).first()
    if job is None:
        raise NotFound("No such harvest job.")
    return job


class HarvestJobDetail(_Owner):
    @extend_schema(
        operation_id="harvest_jobs_retrieve",
        summary="A job and its report",
        responses={200: HarvestJobOutput, **ERRORS},
        examples=[_ok("Finished", JOB)],
        auth=AUTH,
        tags=["harvest"],
    )
    def get(self, request, pk):
        return Response(HarvestJobOutput(_job(request, pk)).data)


class HarvestJobAbort(_Owner):
    @extend_schema(
        operation_id="harvest_jobs_abort",
        summary="Stop a job",
        description="A waiting job is aborted at once; a running one stops at its next "
        "heartbeat (within a second or so), keeping what it imported.",
        request=None,
        responses={200: HarvestJobOutput, **ERRORS_WRITE},
        examples=[_ok("Abort asked", {**JOB, "status": "running", "abort_requested": True})],
        auth=AUTH,
        tags=["harvest"],
    )
    def post(self, request, pk):
        return Response(HarvestJobOutput(harvest_job_abort(job=_job(request, pk))).data)
