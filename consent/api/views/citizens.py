"""The consent API for citizens (`/me/…`, a citizen token or the portal session): review,
grant, deny, pause, resume, revoke, and see and export everything held about them."""

from django.utils import timezone
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.lists import paged, status_filter
from core.api.serializers import validated

from ... import selectors
from ...models import ConsentArtefact, ConsentRequest
from ...profiles import profile_param, profile_sign
from ...services import (
    artefact_for_citizen,
    artefact_pause,
    artefact_resume,
    artefact_revoke,
    citizen_token_issue,
    consent_deny,
    consent_grant,
    consent_withdraw,
    export_checkpoint,
)
from ..auth import PasswordAttemptThrottle
from ..serializers import (
    ArtefactProfileOutput,
    CitizenOutput,
    ConsentArtefactOutput,
    ConsentRequestOutput,
    EventOutput,
    GrantInput,
    ReceiptOutput,
    TokenRequestInput,
    consents_data,
)
from .common import CitizenView, citizen_actor


# --- Citizens --------------------------------------------------------------------------------
class CitizenToken(APIView):
    authentication_classes = []
    throttle_classes = [PasswordAttemptThrottle]

    def post(self, request):
        data = validated(TokenRequestInput, request)
        token, lifetime = citizen_token_issue(
            handle=data["handle"],
            password=data["password"],
            request=request._request,
        )
        return Response({"access_token": token, "token_type": "Bearer", "expires_in": lifetime})


class Me(CitizenView):
    def get(self, request):
        return Response(CitizenOutput(self.citizen).data)


class MyRequests(CitizenView):
    serializer_class = ConsentRequestOutput

    def get(self, request):
        wanted = status_filter(request, ConsentRequest.Status.values)
        qs = selectors.requests_of_citizen(citizen=self.citizen, status=wanted)
        return paged(self, qs, ConsentRequestOutput)


class MyRequestDetail(CitizenView):
    def get(self, request, pk):
        qs = selectors.requests_of_citizen(citizen=self.citizen)
        return Response(ConsentRequestOutput(generics.get_object_or_404(qs, pk=pk)).data)


class MyRequestGrant(CitizenView):
    def post(self, request, pk):
        serializer = GrantInput(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        _, artefacts = consent_grant(
            citizen=self.citizen,
            request_id=pk,
            dataset_ids=serializer.validated_data["datasets"],
            expires_at=serializer.validated_data["expires_at"],
            account_ids=serializer.validated_data["accounts"],
            actor=citizen_actor(request),
        )
        qs = selectors.artefacts_of_citizen(citizen=self.citizen).filter(
            pk__in=[a.pk for a in artefacts]
        )
        return Response(ConsentArtefactOutput(qs, many=True).data)


class MyRequestDeny(CitizenView):
    def post(self, request, pk):
        consent_deny(citizen=self.citizen, request_id=pk, actor=citizen_actor(request))
        qs = selectors.requests_of_citizen(citizen=self.citizen)
        return Response(ConsentRequestOutput(qs.get(pk=pk)).data)


class MyRequestWithdraw(CitizenView):
    def post(self, request, pk):
        revoked = consent_withdraw(
            citizen=self.citizen, request_id=pk, actor=citizen_actor(request)
        )
        qs = selectors.artefacts_of_citizen(citizen=self.citizen).filter(
            pk__in=[a.pk for a in revoked]
        )
        return Response(ConsentArtefactOutput(qs, many=True).data)


class MyArtefacts(CitizenView):
    serializer_class = ConsentArtefactOutput

    def get(self, request):
        wanted = status_filter(request, ConsentArtefact.Status.values)
        qs = selectors.artefacts_of_citizen(citizen=self.citizen, status=wanted)
        return paged(self, qs, ConsentArtefactOutput)


class MyArtefactDetail(CitizenView):
    def get(self, request, pk):
        profile = profile_param(request.query_params.get("profile"))
        found = artefact_for_citizen(citizen=self.citizen, artefact_id=pk)  # expired if due
        qs = selectors.artefacts_of_citizen(citizen=self.citizen)
        artefact = qs.get(pk=found.pk)
        if profile:
            return Response(ArtefactProfileOutput(profile_sign(artefact, profile)).data)
        return Response(ConsentArtefactOutput(artefact).data)


def _artefact_action(service, verb: str):
    class ArtefactAction(CitizenView):
        def post(self, request, pk):
            service(citizen=self.citizen, artefact_id=pk, actor=citizen_actor(request))
            qs = selectors.artefacts_of_citizen(citizen=self.citizen)
            return Response(ConsentArtefactOutput(qs.get(pk=pk)).data)

    ArtefactAction.__name__ = f"MyArtefact{verb.capitalize()}"
    return ArtefactAction


MyArtefactPause = _artefact_action(artefact_pause, "pause")
MyArtefactResume = _artefact_action(artefact_resume, "resume")
MyArtefactRevoke = _artefact_action(artefact_revoke, "revoke")


class MyAccessLog(CitizenView):
    serializer_class = ReceiptOutput

    def get(self, request):
        return paged(self, selectors.receipts_of_citizen(citizen=self.citizen), ReceiptOutput)


class MyExport(CitizenView):
    def get(self, request):
        citizen = self.citizen
        body = {
            "format": "suchi.consent-export/1",
            "exported_at": timezone.now(),
            "citizen": CitizenOutput(citizen).data,
            **consents_data(citizen),
            "ledger": {
                "hash": "sha256(prev_hash ‖ RFC 8785 JSON of the event without its hashes); "
                "the first prev_hash is 64 zeros",
                "head": citizen.ledger_head,
                # The head, signed now: kept with the export, it proves later what the chain
                # was (verify it with /.well-known/jwks.json; docs/consent.md).
                "checkpoint": export_checkpoint(citizen=citizen),
                "events": EventOutput(selectors.events_of_citizen(citizen=citizen), many=True).data,
            },
        }
        response = Response(body)
        response["Content-Disposition"] = (
            f'attachment; filename="suchi-consents-{citizen.handle.replace("@", "-at-")}.json"'
        )
        response["Cache-Control"] = "no-store"
        return response
