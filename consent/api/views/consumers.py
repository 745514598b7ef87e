"""The consent API for consumers (scope `consents:request`): ask citizens, follow requests, read
the artefacts issued to them (shared with providers: an artefact is read by either party)."""

from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.lists import paged, status_filter
from core.api.pagination import Pagination
from core.api.serializers import validated
from registry.api.permissions import HasScope
from registry.services import Actor

from ... import selectors
from ...models import ConsentArtefact, ConsentRequest
from ...profiles import profile_param, profile_sign
from ...services import (
    Period,
    artefact_for_party,
    consent_request_cancel,
    consent_request_create,
)
from ...vocabulary import StatedTerms
from ..serializers import (
    ArtefactProfileOutput,
    ConsentArtefactOutput,
    ConsentRequestInput,
    ConsentRequestOutput,
)
from .common import uuid_param


# --- Consumers -------------------------------------------------------------------------------
class ConsentRequestListCreate(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "consents:request"
    pagination_class = Pagination
    serializer_class = ConsentRequestOutput

    def post(self, request):
        data = validated(ConsentRequestInput, request)
        frequency = data["frequency"]
        consent_request = consent_request_create(
            consumer=request.user.institution,
            citizen_handle=data["citizen"],
            purpose_code=data["purpose"]["code"],
            purpose_text=data["purpose"]["text"],
            dataset_ids=data["datasets"],
            access_mode=data["access_mode"],
            data_from=data["data_range"]["from"],
            data_to=data["data_range"]["to"],
            fetch_type=data["fetch_type"],
            frequency=Period(**frequency) if frequency else None,
            data_life=Period(**data["data_life"]),
            expires_at=data["expires_at"],
            notice_text=data["notice"]["text"],
            notice_version=data["notice"]["version"],
            notice_language=data["notice"]["language"],
            accounts=data["accounts"],
            stated=StatedTerms(
                consent_types=data["consent_types"],
                fi_types=data["fi_types"],
                hi_types=data["hi_types"],
                data_filters=data["data_filters"],
            ),
            token=request.auth,
            actor=Actor.for_token(request.auth).label,
        )
        consent_request = selectors.requests_of_consumer(institution=request.user.institution).get(
            pk=consent_request.pk
        )
        return Response(
            ConsentRequestOutput(consent_request).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/consent-requests/{consent_request.pk}"},
        )

    def get(self, request):
        wanted = status_filter(request, ConsentRequest.Status.values)
        qs = selectors.requests_of_consumer(institution=request.user.institution, status=wanted)
        return paged(self, qs, ConsentRequestOutput)


class ConsentRequestDetail(APIView):
    permission_classes = [HasScope]
    required_scope = "consents:request"

    def get(self, request, pk):
        qs = selectors.requests_of_consumer(institution=request.user.institution)
        consent_request = generics.get_object_or_404(qs, pk=pk)
        return Response(ConsentRequestOutput(consent_request).data)


class ConsentRequestCancel(APIView):
    permission_classes = [HasScope]
    required_scope = "consents:request"

    def post(self, request, pk):
        consent_request_cancel(
            consumer=request.user.institution,
            request_id=pk,
            actor=Actor.for_token(request.auth).label,
        )
        qs = selectors.requests_of_consumer(institution=request.user.institution)
        return Response(ConsentRequestOutput(qs.get(pk=pk)).data)


class _PartyScope(HasScope):
    """Consumers (`consents:request`) and providers (`consents:verify`) read artefacts."""

    def has_permission(self, request, view) -> bool:
        for scope in ("consents:request", "consents:verify"):
            view.required_scope = scope
            if super().has_permission(request, view):
                return True
        self.message = "This token needs the `consents:request` or `consents:verify` scope."
        return False


class ArtefactList(generics.GenericAPIView):
    permission_classes = [_PartyScope]
    pagination_class = Pagination
    serializer_class = ConsentArtefactOutput

    def get(self, request):
        request_id = request.query_params.get("request")
        if request_id:
            request_id = uuid_param(request_id, "request")
        qs = selectors.artefacts_of_party(
            institution=request.user.institution,
            request_id=request_id,
            status=status_filter(request, ConsentArtefact.Status.values),
        )
        return paged(self, qs, ConsentArtefactOutput)


class ArtefactDetail(APIView):
    permission_classes = [_PartyScope]

    def get(self, request, pk):
        profile = profile_param(request.query_params.get("profile"))
        artefact = artefact_for_party(institution=request.user.institution, artefact_id=pk)
        if profile:
            return Response(ArtefactProfileOutput(profile_sign(artefact, profile)).data)
        return Response(ConsentArtefactOutput(artefact).data)
