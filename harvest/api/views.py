"""Harvest API: an institution's sources and their jobs (token scope `datasets:write`)."""

from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.lists import paged
from core.api.pagination import Pagination
from core.api.serializers import validated
from core.errors import NotFound
from registry.api.permissions import HasScope

from ..models import HarvestJob
from ..selectors import harvest_job_for, harvest_job_report
from ..services import (
    harvest_job_abort,
    harvest_job_start,
    harvest_source_create,
    harvest_source_deactivate,
    harvest_source_for,
)
from .serializers import (
    HarvestJobOutput,
    HarvestJobReportOutput,
    HarvestSourceInput,
    HarvestSourceOutput,
)


class _Owner(APIView):
    permission_classes = [HasScope]
    required_scope = "datasets:write"


class HarvestSourceListCreate(_Owner):
    def get(self, request):
        sources = request.user.institution.harvest_sources.select_related("institution")
        return Response(HarvestSourceOutput(sources, many=True).data)

    def post(self, request):
        data = validated(HarvestSourceInput, request)
        source = harvest_source_create(institution=request.user.institution, **data)
        return Response(HarvestSourceOutput(source).data, status=status.HTTP_201_CREATED)


class HarvestSourceDetail(_Owner):
    def get(self, request, pk):
        source = harvest_source_for(institution=request.user.institution, source_id=pk)
        return Response(HarvestSourceOutput(source).data)

    def delete(self, request, pk):
        source = harvest_source_for(institution=request.user.institution, source_id=pk)
        return Response(HarvestSourceOutput(harvest_source_deactivate(source=source)).data)


class HarvestSourceJobs(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "datasets:write"
    pagination_class = Pagination
    serializer_class = HarvestJobOutput

    def get(self, request, pk):
        source = harvest_source_for(institution=request.user.institution, source_id=pk)
        return paged(self, source.jobs.all(), HarvestJobOutput)

    def post(self, request, pk):
        # Answers at once: the job runs on a worker (or, in the embedded default, on a thread
        # of this process), and its report says how far it got.
        source = harvest_source_for(institution=request.user.institution, source_id=pk)
        job = harvest_job_start(source=source)
        job.refresh_from_db()
        return Response(HarvestJobOutput(job).data, status=status.HTTP_202_ACCEPTED)


def _job(request, pk) -> HarvestJob:
    job = harvest_job_for(institution=request.user.institution, job_id=pk)
    if job is None:
        raise NotFound("No such harvest job.")
    return job


class HarvestJobDetail(_Owner):
    def get(self, request, pk):
        job = _job(request, pk)
        job.report = harvest_job_report(job=job)
        return Response(HarvestJobReportOutput(job).data)


class HarvestJobAbort(_Owner):
    def post(self, request, pk):
        return Response(HarvestJobOutput(harvest_job_abort(job=_job(request, pk))).data)
