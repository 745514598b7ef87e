"""Nomination (DPDP Act 2023 s.14): the citizen names, reads and withdraws their nominee
(`/me/nomination`); a nominee accepts, declines, reports, and once approved acts
(`/me/nominations/…`)."""

from rest_framework import status
from rest_framework.response import Response

from consent import selectors as consent_selectors
from consent.api.serializers import ConsentArtefactOutput
from consent.api.views.common import CitizenView, citizen_actor
from consent.models import ConsentArtefact
from core.api.lists import paged, status_filter
from core.api.serializers import validated

from .. import nomination as service
from ..models import Nomination
from .nomination_serializers import NominationInput, NominationOutput, NominationReportInput
from .records_views import records_response


class MyNomination(CitizenView):
    serializer_class = NominationOutput
    pagination_class = None

    def get(self, request):
        qs = Nomination.objects.select_related("citizen", "nominee").filter(citizen=self.citizen)
        return Response(NominationOutput(qs, many=True).data)

    def post(self, request):
        data = validated(NominationInput, request)
        named = service.nomination_name(
            citizen=self.citizen,
            name=data["name"],
            identifier=data["identifier"],
            actor=citizen_actor(request),
        )
        return Response(NominationOutput(named).data, status=status.HTTP_201_CREATED)

    def delete(self, request):
        ended = service.nomination_withdraw(citizen=self.citizen, actor=citizen_actor(request))
        return Response(NominationOutput(ended).data)


class MyNominations(CitizenView):
    serializer_class = NominationOutput
    pagination_class = None

    def get(self, request):
        return Response(NominationOutput(service.nominations_naming(self.citizen), many=True).data)


class _NominationView(CitizenView):
    def answer(self, nomination):
        """The nomination as the service left it (a declined one is no longer listed: the
        address it named may pass to someone else)."""
        return Response(NominationOutput(nomination).data)


class MyNominationAccept(_NominationView):
    def post(self, request, pk):
        return self.answer(service.nomination_accept(nominee=self.citizen, nomination_id=pk))


class MyNominationDecline(_NominationView):
    def post(self, request, pk):
        return self.answer(service.nomination_decline(nominee=self.citizen, nomination_id=pk))


class MyNominationReport(_NominationView):
    def post(self, request, pk):
        data = validated(NominationReportInput, request)
        done = service.nomination_report(
            nominee=self.citizen,
            nomination_id=pk,
            event=data["event"],
            reference=data["reference"],
            text=data["text"],
        )
        return self.answer(done)


class MyNominationArtefacts(CitizenView):
    serializer_class = ConsentArtefactOutput

    def get(self, request, pk):
        principal = service.nomination_acting(self.citizen, pk).citizen
        wanted = status_filter(request, ConsentArtefact.Status.values)
        qs = consent_selectors.artefacts_of_citizen(citizen=principal, status=wanted)
        return paged(self, qs, ConsentArtefactOutput)


class MyNominationArtefactRevoke(CitizenView):
    def post(self, request, pk, artefact_id):
        principal = service.nomination_acting(self.citizen, pk).citizen
        service.nominee_revoke(nominee=self.citizen, nomination_id=pk, artefact_id=artefact_id)
        qs = consent_selectors.artefacts_of_citizen(citizen=principal)
        return Response(ConsentArtefactOutput(qs.get(pk=artefact_id)).data)


class MyNominationRecords(CitizenView):
    def get(self, request, pk):
        return records_response(service.nomination_acting(self.citizen, pk).citizen)
