"""Guardians (DPDP Act 2023 s.9): the ward names a guardian (`/me/guardians`); the guardian
confirms, declines or steps down, and answers the ward's consent requests (`/me/wards/…`)."""

from django.http import Http404
from rest_framework import generics, status
from rest_framework.response import Response

from consent import selectors as consent_selectors
from consent.api.serializers import ConsentArtefactOutput, ConsentRequestOutput, GrantInput
from consent.api.views.common import CitizenView, citizen_actor
from consent.models import ConsentArtefact, ConsentRequest
from core.api.lists import paged, status_filter
from core.api.serializers import validated

from .. import guardians
from ..models import Guardianship
from .guardian_serializers import (
    GuardianConfirmInput,
    GuardianNameInput,
    GuardianshipOutput,
)


class MyGuardians(CitizenView):
    """The ward's side: who answers for me, and naming someone."""

    serializer_class = GuardianshipOutput
    pagination_class = None

    def get(self, request):
        qs = guardians.guardianships_of_ward(self.citizen)
        return Response(GuardianshipOutput(qs, many=True, context={"ward": True}).data)

    def post(self, request):
        data = validated(GuardianNameInput, request)
        named = guardians.guardianship_name(
            ward=self.citizen,
            guardian=data["guardian"],
            basis=data["basis"],
            order_reference=data["order_reference"],
            actor=citizen_actor(request),
        )
        output = GuardianshipOutput(Guardianship.objects.get(pk=named.pk), context={"ward": True})
        return Response(output.data, status=status.HTTP_201_CREATED)


class MyWards(CitizenView):
    """The guardian's side: the guardianships I hold or am named for."""

    serializer_class = GuardianshipOutput
    pagination_class = None

    def get(self, request):
        qs = guardians.guardianships_of_guardian(self.citizen)
        return Response(GuardianshipOutput(qs, many=True).data)


class _WardView(CitizenView):
    def guardianship(self, pk) -> Guardianship:
        qs = guardians.guardianships_of_guardian(self.citizen)
        return generics.get_object_or_404(qs, pk=pk)

    def held(self, pk) -> Guardianship:
        """An active guardianship of mine (404 otherwise)."""
        found = self.guardianship(pk)
        if found.status != Guardianship.Status.ACTIVE or found.guardian_id != self.citizen.pk:
            raise Http404
        return found

    def answer(self, guardianship: Guardianship):
        """The guardianship as the service left it (a declined one is no longer listed: the
        address it named may pass to someone else)."""
        return Response(GuardianshipOutput(guardianship).data)


class MyWardConfirm(_WardView):
    def post(self, request, pk):
        data = validated(GuardianConfirmInput, request)
        done = guardians.guardianship_confirm(
            guardian=self.citizen,
            guardianship_id=pk,
            code=data["code"],
            relationship=data["relationship"],
            birth_date=data["birth_date"],
            token_reference=data["token_reference"],
        )
        return self.answer(done)


class MyWardDecline(_WardView):
    def post(self, request, pk):
        return self.answer(
            guardians.guardianship_decline(guardian=self.citizen, guardianship_id=pk)
        )


class MyWardEnd(_WardView):
    def post(self, request, pk):
        return self.answer(guardians.guardianship_end(guardian=self.citizen, guardianship_id=pk))


class MyWardRequests(_WardView):
    serializer_class = ConsentRequestOutput

    def get(self, request, pk):
        ward = self.held(pk).ward
        wanted = status_filter(request, ConsentRequest.Status.values)
        qs = consent_selectors.requests_of_citizen(citizen=ward, status=wanted)
        return paged(self, qs, ConsentRequestOutput)


class MyWardRequestGrant(_WardView):
    def post(self, request, pk, request_id):
        ward = self.held(pk).ward
        serializer = GrantInput(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        _, artefacts = guardians.ward_grant(
            guardian=self.citizen,
            guardianship_id=pk,
            request_id=request_id,
            dataset_ids=serializer.validated_data["datasets"],
            expires_at=serializer.validated_data["expires_at"],
            account_ids=serializer.validated_data["accounts"],
        )
        qs = consent_selectors.artefacts_of_citizen(citizen=ward).filter(
            pk__in=[a.pk for a in artefacts]
        )
        return Response(ConsentArtefactOutput(qs, many=True).data)


class MyWardRequestDeny(_WardView):
    def post(self, request, pk, request_id):
        ward = self.held(pk).ward
        guardians.ward_deny(guardian=self.citizen, guardianship_id=pk, request_id=request_id)
        qs = consent_selectors.requests_of_citizen(citizen=ward)
        return Response(ConsentRequestOutput(qs.get(pk=request_id)).data)


class MyWardArtefacts(_WardView):
    serializer_class = ConsentArtefactOutput

    def get(self, request, pk):
        ward = self.held(pk).ward
        wanted = status_filter(request, ConsentArtefact.Status.values)
        qs = consent_selectors.artefacts_of_citizen(citizen=ward, status=wanted)
        return paged(self, qs, ConsentArtefactOutput)


class MyWardArtefactRevoke(_WardView):
    def post(self, request, pk, artefact_id):
        ward = self.held(pk).ward
        guardians.ward_revoke(guardian=self.citizen, guardianship_id=pk, artefact_id=artefact_id)
        qs = consent_selectors.artefacts_of_citizen(citizen=ward)
        return Response(ConsentArtefactOutput(qs.get(pk=artefact_id)).data)
