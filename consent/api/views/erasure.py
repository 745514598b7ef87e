"""The consumer's duty to erase (consent.services.erasure): the artefacts whose data it must
erase, and its confirmation, which Suchi signs and records in the citizen's ledger."""

from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.lists import status_filter
from core.api.serializers import validated
from registry.api.permissions import HasScope
from registry.services import Actor

from ...models import ErasureConfirmation
from ...services import artefact_for_party, erasure_confirm, erasures_of_consumer
from ..serializers import ErasureDueOutput, ErasureInput, ErasureOutput

STATES = ["due", "overdue", "confirmed"]


class ErasureList(APIView):
    permission_classes = [HasScope]
    required_scope = "consents:request"

    def get(self, request):
        wanted = status_filter(request, STATES, param="state")
        found = erasures_of_consumer(institution=request.user.institution, state=wanted)
        return Response(ErasureDueOutput(found[:1000], many=True).data)


class ArtefactErasure(APIView):
    permission_classes = [HasScope]
    required_scope = "consents:request"

    def get(self, request, pk):
        artefact = artefact_for_party(institution=request.user.institution, artefact_id=pk)
        confirmation = ErasureConfirmation.objects.filter(artefact=artefact).first()
        if confirmation is None:
            raise Http404("Erasure is not confirmed for this artefact.")
        return Response(ErasureOutput(confirmation).data)

    def post(self, request, pk):
        data = validated(ErasureInput, request)
        confirmation = erasure_confirm(
            institution=request.user.institution,
            artefact_id=pk,
            statement=data["statement"],
            actor=Actor.for_token(request.auth).label,
        )
        return Response(ErasureOutput(confirmation).data, status=status.HTTP_201_CREATED)
