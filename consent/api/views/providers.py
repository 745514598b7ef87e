"""The consent API for providers (scope `consents:verify`): the live status of an artefact before
every release, and the receipts of what was released."""

from rest_framework import generics, status
from rest_framework.response import Response

from core.api.lists import paged
from core.api.pagination import Pagination
from core.api.serializers import status_answer, validated
from registry.api.permissions import HasScope
from registry.api.statuscheck import StatusCheckView
from registry.services import Actor

from ... import selectors
from ...models import ConsentArtefact
from ...services import (
    ReceiptInput,
    artefact_for_party,
    artefact_status,
    receipt_record,
)
from ..serializers import (
    ReceiptInputSerializer,
    ReceiptOutput,
)


# --- Providers -------------------------------------------------------------------------------
class ArtefactStatus(StatusCheckView):
    permission_classes = [HasScope]
    required_scope = "consents:verify"
    status_model = ConsentArtefact
    status_scopes = frozenset({required_scope})
    status_live = frozenset(ConsentArtefact.LIVE)

    def get(self, request, pk):
        found = artefact_status(institution=request.user.institution, artefact_id=pk)
        response = Response(status_answer(found))
        response["Cache-Control"] = "no-store"
        return response


class ArtefactReceipts(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "consents:verify"
    pagination_class = Pagination
    serializer_class = ReceiptOutput

    def post(self, request, pk):
        data = validated(ReceiptInputSerializer, request)
        receipt = receipt_record(
            provider=request.user.institution,
            artefact_id=pk,
            receipt=ReceiptInput(
                data_from=data["data_range"]["from"],
                data_to=data["data_range"]["to"],
                record_count=data["record_count"],
                sha256=data["sha256"],
                served_at=data["served_at"],
            ),
            token=request.auth,
            actor=Actor.for_token(request.auth).label,
        )
        receipt = selectors.receipts_of_party(
            institution=request.user.institution, artefact_id=pk
        ).get(pk=receipt.pk)
        return Response(ReceiptOutput(receipt).data, status=status.HTTP_201_CREATED)

    def get(self, request, pk):
        artefact = artefact_for_party(institution=request.user.institution, artefact_id=pk)
        qs = selectors.receipts_of_party(
            institution=request.user.institution, artefact_id=artefact.pk
        )
        return paged(self, qs, ReceiptOutput)
