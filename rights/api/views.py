"""The grievance API: citizens file and follow theirs (`/me/grievances`), institutions read
and answer those about them (scope `grievances:answer`), anyone reads the statistics."""

from django.conf import settings
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from consent.api.views.common import CitizenView
from core.api.lists import paged, status_filter
from core.api.pagination import Pagination
from core.api.serializers import validated
from registry.api.permissions import HasScope
from registry.services import Actor

from .. import selectors
from ..models import Grievance
from ..services import grievance_answer, grievance_escalate, grievance_file, grievance_resolve
from .serializers import (
    GrievanceAnswerInput,
    GrievanceInput,
    GrievanceOutput,
    GrievanceStatsOutput,
    GrievanceTextInput,
)


def _citizen_actor(request) -> str:
    return f"citizen {request.user.citizen.handle}"


class MyGrievances(CitizenView):
    serializer_class = GrievanceOutput

    def get(self, request):
        wanted = status_filter(request, Grievance.Status.values)
        qs = selectors.grievances_of_citizen(citizen=self.citizen, status=wanted)
        return paged(self, qs, GrievanceOutput)

    def post(self, request):
        data = validated(GrievanceInput, request)
        grievance = grievance_file(
            citizen=self.citizen,
            institution_slug=data["institution"] or None,
            subject=data["subject"],
            text=data["text"],
            kind=data["kind"],
            artefact_id=data["artefact"],
            actor=_citizen_actor(request),
        )
        grievance = selectors.grievances_of_citizen(citizen=self.citizen).get(pk=grievance.pk)
        return Response(
            GrievanceOutput(grievance).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/me/grievances/{grievance.pk}"},
        )


class MyGrievanceDetail(CitizenView):
    def get(self, request, pk):
        qs = selectors.grievances_of_citizen(citizen=self.citizen)
        return Response(GrievanceOutput(generics.get_object_or_404(qs, pk=pk)).data)


class MyGrievanceResolve(CitizenView):
    def post(self, request, pk):
        grievance_resolve(citizen=self.citizen, grievance_id=pk, actor=_citizen_actor(request))
        qs = selectors.grievances_of_citizen(citizen=self.citizen)
        return Response(GrievanceOutput(qs.get(pk=pk)).data)


class MyGrievanceEscalate(CitizenView):
    def post(self, request, pk):
        data = validated(GrievanceTextInput, request)
        grievance_escalate(
            citizen=self.citizen,
            grievance_id=pk,
            text=data["text"],
            actor=_citizen_actor(request),
        )
        qs = selectors.grievances_of_citizen(citizen=self.citizen)
        return Response(GrievanceOutput(qs.get(pk=pk)).data)


class InstitutionGrievances(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "grievances:answer"
    pagination_class = Pagination
    serializer_class = GrievanceOutput

    def get(self, request):
        wanted = status_filter(request, Grievance.Status.values)
        qs = selectors.grievances_of_institution(
            institution=request.user.institution, status=wanted
        )
        return paged(self, qs, GrievanceOutput)


class InstitutionGrievanceDetail(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "grievances:answer"

    def get(self, request, pk):
        qs = selectors.grievances_of_institution(institution=request.user.institution)
        return Response(GrievanceOutput(generics.get_object_or_404(qs, pk=pk)).data)


class InstitutionGrievanceRespond(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "grievances:answer"

    def post(self, request, pk):
        data = validated(GrievanceAnswerInput, request)
        institution = request.user.institution
        grievance_answer(
            institution=institution,
            grievance_id=pk,
            text=data["text"],
            outcome=data["outcome"],
            actor=Actor.for_token(request.auth).label,
        )
        qs = selectors.grievances_of_institution(institution=institution)
        return Response(GrievanceOutput(qs.get(pk=pk)).data)


class GrievanceStats(generics.GenericAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request):
        stats = {
            **selectors.grievance_stats(),
            "answer_within_days": settings.SUCHI_GRIEVANCE_DAYS,
        }
        return Response(GrievanceStatsOutput(stats).data)
