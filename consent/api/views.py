"""Consent API: thin views. Input serializer validates → service writes → output serializer.

Three audiences: consumers (token scope `consents:request`), providers (`consents:verify`) and
citizens (`/me/…`, with a citizen token or the portal session).
"""

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import Pagination
from core.api.serializers import ErrorOutput, page_of
from registry.api.permissions import HasScope
from registry.services import Actor

from .. import selectors
from ..keys import jwks
from ..models import ConsentArtefact, ConsentRequest, PurposeCode, WebhookDelivery
from ..services import (
    Period,
    ReceiptInput,
    artefact_for_party,
    artefact_pause,
    artefact_resume,
    artefact_revoke,
    artefact_status,
    citizen_token_issue,
    consent_deny,
    consent_grant,
    consent_request_cancel,
    consent_request_create,
    consent_withdraw,
    export_checkpoint,
    receipt_record,
    webhook_endpoint_create,
    webhook_endpoint_disable,
)
from .auth import CitizenTokenAuthentication, IsCitizen, PasswordAttemptThrottle
from .examples import EXAMPLES
from .serializers import (
    ArtefactStatusOutput,
    CitizenOutput,
    ConsentArtefactOutput,
    ConsentRequestInput,
    ConsentRequestOutput,
    EventOutput,
    GrantInput,
    PurposeOutput,
    ReceiptInputSerializer,
    ReceiptOutput,
    TokenOutput,
    TokenRequestInput,
    WebhookDeliveryOutput,
    WebhookEndpointInput,
    WebhookEndpointOutput,
)

ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}
ERRORS_WRITE = {**ERRORS, 409: ErrorOutput, 415: ErrorOutput}
TOKEN_AUTH = [{"institutionToken": []}]
CITIZEN_AUTH = [{"citizenToken": []}, {"cookieAuth": []}]


def _status_filter(request, choices) -> str | None:
    value = request.query_params.get("status")
    if value and value not in choices:
        raise ValidationError({"status": [f"Unknown status; use one of {', '.join(choices)}."]})
    return value or None


def _citizen_actor(request) -> str:
    return f"citizen {request.user.citizen.handle}"


# --- Public ----------------------------------------------------------------------------------
class PurposeList(APIView):
    @extend_schema(
        operation_id="purposes_list",
        examples=EXAMPLES["purposes_list"],
        summary="The purposes consent may be asked for",
        description="Each purpose has a code (ABDM's where one exists) and a W3C DPV concept.",
        responses={200: PurposeOutput(many=True)},
        auth=[{}],
        tags=["consent"],
    )
    def get(self, request):
        purposes = PurposeCode.objects.filter(is_active=True)
        return Response(PurposeOutput(purposes, many=True).data)


@cache_control(public=True, max_age=300)
def jwks_view(request):
    """The public keys artefacts and webhooks are signed with (RFC 7517 JWK Set)."""
    response = JsonResponse(jwks())
    response["Content-Type"] = "application/jwk-set+json"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- Consumers -------------------------------------------------------------------------------
class ConsentRequestListCreate(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "consents:request"
    pagination_class = Pagination
    serializer_class = ConsentRequestOutput

    @extend_schema(
        operation_id="consent_requests_create",
        examples=EXAMPLES["consent_requests_create"],
        summary="Ask a citizen for consent",
        description="Creates a pending request the citizen sees in the portal. The datasets must "
        "be published with access `consent`; they may be held by several providers (one signed "
        "artefact per provider is issued on grant). Needs `consents:request`.",
        request=ConsentRequestInput,
        responses={201: ConsentRequestOutput, **ERRORS_WRITE},
        auth=TOKEN_AUTH,
        tags=["consent: consumers"],
    )
    def post(self, request):
        serializer = ConsentRequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
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

    @extend_schema(
        operation_id="consent_requests_list",
        examples=EXAMPLES["consent_requests_list"],
        summary="Your institution's consent requests",
        parameters=[
            OpenApiParameter("status", enum=ConsentRequest.Status.values, required=False),
        ],
        responses={200: page_of(ConsentRequestOutput, "ConsentRequestPage"), **ERRORS},
        auth=TOKEN_AUTH,
        tags=["consent: consumers"],
    )
    def get(self, request):
        wanted = _status_filter(request, ConsentRequest.Status.values)
        qs = selectors.requests_of_consumer(institution=request.user.institution, status=wanted)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ConsentRequestOutput(page, many=True).data)


class ConsentRequestDetail(APIView):
    permission_classes = [HasScope]
    required_scope = "consents:request"

    @extend_schema(
        operation_id="consent_requests_retrieve",
        examples=EXAMPLES["consent_requests_retrieve"],
        summary="One of your consent requests",
        responses={200: ConsentRequestOutput, **ERRORS},
        auth=TOKEN_AUTH,
        tags=["consent: consumers"],
    )
    def get(self, request, pk):
        qs = selectors.requests_of_consumer(institution=request.user.institution)
        consent_request = generics.get_object_or_404(qs, pk=pk)
        return Response(ConsentRequestOutput(consent_request).data)


class ConsentRequestCancel(APIView):
    permission_classes = [HasScope]
    required_scope = "consents:request"

    @extend_schema(
        operation_id="consent_requests_cancel",
        examples=EXAMPLES["consent_requests_cancel"],
        summary="Cancel a request the citizen has not answered",
        request=None,
        responses={200: ConsentRequestOutput, **ERRORS_WRITE},
        auth=TOKEN_AUTH,
        tags=["consent: consumers"],
    )
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

    @extend_schema(
        operation_id="consent_artefacts_list",
        examples=EXAMPLES["consent_artefacts_list"],
        summary="Artefacts your institution is the consumer or provider of",
        description="Each carries its compact JWS in `jws`; verify it with the keys at "
        "`/.well-known/jwks.json`.",
        parameters=[
            OpenApiParameter("request", str, description="A consent request id", required=False),
            OpenApiParameter("status", enum=ConsentArtefact.Status.values, required=False),
        ],
        responses={200: page_of(ConsentArtefactOutput, "ConsentArtefactPage"), **ERRORS},
        auth=TOKEN_AUTH,
        tags=["consent: consumers", "consent: providers"],
    )
    def get(self, request):
        request_id = request.query_params.get("request")
        if request_id:
            request_id = _uuid(request_id, "request")
        qs = selectors.artefacts_of_party(
            institution=request.user.institution,
            request_id=request_id,
            status=_status_filter(request, ConsentArtefact.Status.values),
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ConsentArtefactOutput(page, many=True).data)


def _uuid(value: str, field: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({field: ["Must be a UUID."]}) from None


class ArtefactDetail(APIView):
    permission_classes = [_PartyScope]

    @extend_schema(
        operation_id="consent_artefacts_retrieve",
        examples=EXAMPLES["consent_artefacts_retrieve"],
        summary="One artefact your institution is party to",
        responses={200: ConsentArtefactOutput, **ERRORS},
        auth=TOKEN_AUTH,
        tags=["consent: consumers", "consent: providers"],
    )
    def get(self, request, pk):
        artefact = artefact_for_party(institution=request.user.institution, artefact_id=pk)
        return Response(ConsentArtefactOutput(artefact).data)


# --- Providers -------------------------------------------------------------------------------
class ArtefactStatus(APIView):
    permission_classes = [HasScope]
    required_scope = "consents:verify"

    @extend_schema(
        operation_id="consent_artefacts_status",
        examples=EXAMPLES["consent_artefacts_status"],
        summary="Is this consent still in force?",
        description="Ask before every release of records. Answered only to the artefact's "
        "provider or consumer; anyone else gets 404. Needs `consents:verify`.",
        responses={200: ArtefactStatusOutput, **ERRORS},
        auth=TOKEN_AUTH,
        tags=["consent: providers"],
    )
    def get(self, request, pk):
        found = artefact_status(institution=request.user.institution, artefact_id=pk)
        response = Response(ArtefactStatusOutput(found).data)
        response["Cache-Control"] = "no-store"
        return response


class ArtefactReceipts(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "consents:verify"
    pagination_class = Pagination
    serializer_class = ReceiptOutput

    @extend_schema(
        operation_id="consent_artefacts_receipts_create",
        examples=EXAMPLES["consent_artefacts_receipts_create"],
        summary="Report a release of records",
        description="The provider records each release; the citizen sees it in their access "
        "log. Against an artefact that is not active the answer is 409 and the attempt is "
        "written to the citizen's ledger.",
        request=ReceiptInputSerializer,
        responses={201: ReceiptOutput, **ERRORS_WRITE},
        auth=TOKEN_AUTH,
        tags=["consent: providers"],
    )
    def post(self, request, pk):
        serializer = ReceiptInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
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

    @extend_schema(
        operation_id="consent_artefacts_receipts_list",
        examples=EXAMPLES["consent_artefacts_receipts_list"],
        summary="Releases reported under an artefact",
        responses={200: page_of(ReceiptOutput, "ReceiptPage"), **ERRORS},
        auth=TOKEN_AUTH,
        tags=["consent: providers"],
    )
    def get(self, request, pk):
        artefact = artefact_for_party(institution=request.user.institution, artefact_id=pk)
        qs = selectors.receipts_of_party(
            institution=request.user.institution, artefact_id=artefact.pk
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ReceiptOutput(page, many=True).data)


# --- Webhooks --------------------------------------------------------------------------------
class WebhookEndpointListCreate(APIView):
    permission_classes = [HasScope]
    required_scope = "webhooks:write"

    @extend_schema(
        operation_id="webhooks_list",
        examples=EXAMPLES["webhooks_list"],
        summary="Your institution's webhook endpoints",
        responses={200: WebhookEndpointOutput(many=True), **ERRORS},
        auth=TOKEN_AUTH,
        tags=["webhooks"],
    )
    def get(self, request):
        endpoints = request.user.institution.webhook_endpoints.order_by("created_at")
        return Response(WebhookEndpointOutput(endpoints, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        examples=EXAMPLES["webhooks_create"],
        summary="Receive consent events at a URL",
        description="Every status change of your consent requests and artefacts is POSTed as "
        "JSON, signed as a detached JWS in `X-Suchi-Signature` (keys at "
        "`/.well-known/jwks.json`), with the event id in `X-Suchi-Event-Id` for de-duplication. "
        "Failed deliveries are retried with exponential backoff for 24 hours.",
        request=WebhookEndpointInput,
        responses={201: WebhookEndpointOutput, **ERRORS_WRITE},
        auth=TOKEN_AUTH,
        tags=["webhooks"],
    )
    def post(self, request):
        serializer = WebhookEndpointInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(
            institution=request.user.institution, **serializer.validated_data
        )
        return Response(WebhookEndpointOutput(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetail(APIView):
    permission_classes = [HasScope]
    required_scope = "webhooks:write"

    @extend_schema(
        operation_id="webhooks_disable",
        examples=EXAMPLES["webhooks_disable"],
        summary="Stop deliveries to an endpoint",
        request=None,
        responses={200: WebhookEndpointOutput, **ERRORS},
        auth=TOKEN_AUTH,
        tags=["webhooks"],
    )
    def delete(self, request, pk):
        endpoint = webhook_endpoint_disable(institution=request.user.institution, endpoint_id=pk)
        return Response(WebhookEndpointOutput(endpoint).data)


class WebhookDeliveryList(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "webhooks:write"
    pagination_class = Pagination
    serializer_class = WebhookDeliveryOutput

    @extend_schema(
        operation_id="webhook_deliveries_list",
        examples=EXAMPLES["webhook_deliveries_list"],
        summary="Deliveries to your endpoints, newest first",
        parameters=[
            OpenApiParameter("status", enum=WebhookDelivery.Status.values, required=False),
        ],
        responses={200: page_of(WebhookDeliveryOutput, "WebhookDeliveryPage"), **ERRORS},
        auth=TOKEN_AUTH,
        tags=["webhooks"],
    )
    def get(self, request):
        wanted = _status_filter(request, WebhookDelivery.Status.values)
        qs = selectors.deliveries_of(institution=request.user.institution, status=wanted)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(WebhookDeliveryOutput(page, many=True).data)


# --- Citizens --------------------------------------------------------------------------------
class CitizenToken(APIView):
    authentication_classes = []
    throttle_classes = [PasswordAttemptThrottle]

    @extend_schema(
        operation_id="auth_token",
        examples=EXAMPLES["auth_token"],
        summary="A short-lived token for a citizen's app",
        description="Exchange a handle and password for a bearer token valid for 15 minutes. "
        "Attempts are limited per client address.",
        request=TokenRequestInput,
        responses={200: TokenOutput, 400: ErrorOutput, 429: ErrorOutput},
        auth=[{}],
        tags=["consent: citizens"],
    )
    def post(self, request):
        serializer = TokenRequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, lifetime = citizen_token_issue(
            handle=serializer.validated_data["handle"],
            password=serializer.validated_data["password"],
            request=request._request,
        )
        return Response({"access_token": token, "token_type": "Bearer", "expires_in": lifetime})


class _CitizenView(generics.GenericAPIView):
    authentication_classes = [CitizenTokenAuthentication, SessionAuthentication]
    permission_classes = [IsCitizen]
    pagination_class = Pagination

    @property
    def citizen(self):
        return self.request.user.citizen


class Me(_CitizenView):
    @extend_schema(
        operation_id="me_retrieve",
        examples=EXAMPLES["me_retrieve"],
        summary="The signed-in citizen",
        responses={200: CitizenOutput, **ERRORS},
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def get(self, request):
        return Response(CitizenOutput(self.citizen).data)


class MyRequests(_CitizenView):
    serializer_class = ConsentRequestOutput

    @extend_schema(
        operation_id="me_consent_requests_list",
        examples=EXAMPLES["me_consent_requests_list"],
        summary="Requests for your consent",
        parameters=[
            OpenApiParameter("status", enum=ConsentRequest.Status.values, required=False),
        ],
        responses={200: page_of(ConsentRequestOutput, "MyConsentRequestPage"), **ERRORS},
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def get(self, request):
        wanted = _status_filter(request, ConsentRequest.Status.values)
        qs = selectors.requests_of_citizen(citizen=self.citizen, status=wanted)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ConsentRequestOutput(page, many=True).data)


class MyRequestDetail(_CitizenView):
    @extend_schema(
        operation_id="me_consent_requests_retrieve",
        examples=EXAMPLES["me_consent_requests_retrieve"],
        summary="One request for your consent",
        responses={200: ConsentRequestOutput, **ERRORS},
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def get(self, request, pk):
        qs = selectors.requests_of_citizen(citizen=self.citizen)
        return Response(ConsentRequestOutput(generics.get_object_or_404(qs, pk=pk)).data)


class MyRequestGrant(_CitizenView):
    @extend_schema(
        operation_id="me_consent_requests_grant",
        examples=EXAMPLES["me_consent_requests_grant"],
        summary="Grant a request",
        description="Optionally for fewer of the datasets asked for, or until an earlier time. "
        "Issues one signed artefact per provider.",
        request=GrantInput,
        responses={200: ConsentArtefactOutput(many=True), **ERRORS_WRITE},
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def post(self, request, pk):
        serializer = GrantInput(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        _, artefacts = consent_grant(
            citizen=self.citizen,
            request_id=pk,
            dataset_ids=serializer.validated_data["datasets"],
            expires_at=serializer.validated_data["expires_at"],
            actor=_citizen_actor(request),
        )
        qs = selectors.artefacts_of_citizen(citizen=self.citizen).filter(
            pk__in=[a.pk for a in artefacts]
        )
        return Response(ConsentArtefactOutput(qs, many=True).data)


class MyRequestDeny(_CitizenView):
    @extend_schema(
        operation_id="me_consent_requests_deny",
        examples=EXAMPLES["me_consent_requests_deny"],
        summary="Deny a request",
        request=None,
        responses={200: ConsentRequestOutput, **ERRORS_WRITE},
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def post(self, request, pk):
        consent_deny(citizen=self.citizen, request_id=pk, actor=_citizen_actor(request))
        qs = selectors.requests_of_citizen(citizen=self.citizen)
        return Response(ConsentRequestOutput(qs.get(pk=pk)).data)


class MyRequestWithdraw(_CitizenView):
    @extend_schema(
        operation_id="me_consent_requests_withdraw",
        summary="Withdraw a granted request",
        description="Revokes every consent the grant issued (one per provider) in one call, as "
        "granting took one call. Returns the consents revoked.",
        request=None,
        responses={200: ConsentArtefactOutput(many=True), **ERRORS_WRITE},
        examples=EXAMPLES["me_consent_requests_withdraw"],
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def post(self, request, pk):
        revoked = consent_withdraw(
            citizen=self.citizen, request_id=pk, actor=_citizen_actor(request)
        )
        qs = selectors.artefacts_of_citizen(citizen=self.citizen).filter(
            pk__in=[a.pk for a in revoked]
        )
        return Response(ConsentArtefactOutput(qs, many=True).data)


class MyArtefacts(_CitizenView):
    serializer_class = ConsentArtefactOutput

    @extend_schema(
        operation_id="me_consent_artefacts_list",
        examples=EXAMPLES["me_consent_artefacts_list"],
        summary="Consents you have given",
        parameters=[
            OpenApiParameter("status", enum=ConsentArtefact.Status.values, required=False),
        ],
        responses={200: page_of(ConsentArtefactOutput, "MyConsentArtefactPage"), **ERRORS},
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def get(self, request):
        wanted = _status_filter(request, ConsentArtefact.Status.values)
        qs = selectors.artefacts_of_citizen(citizen=self.citizen, status=wanted)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ConsentArtefactOutput(page, many=True).data)


class MyArtefactDetail(_CitizenView):
    @extend_schema(
        operation_id="me_consent_artefacts_retrieve",
        examples=EXAMPLES["me_consent_artefacts_retrieve"],
        summary="One consent you have given",
        responses={200: ConsentArtefactOutput, **ERRORS},
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def get(self, request, pk):
        qs = selectors.artefacts_of_citizen(citizen=self.citizen)
        return Response(ConsentArtefactOutput(generics.get_object_or_404(qs, pk=pk)).data)


def _artefact_action(service, verb: str):
    class ArtefactAction(_CitizenView):
        @extend_schema(
            operation_id=f"me_consent_artefacts_{verb}",
            examples=EXAMPLES[f"me_consent_artefacts_{verb}"],
            summary=f"{verb.capitalize()} a consent",
            request=None,
            responses={200: ConsentArtefactOutput, **ERRORS_WRITE},
            auth=CITIZEN_AUTH,
            tags=["consent: citizens"],
        )
        def post(self, request, pk):
            service(citizen=self.citizen, artefact_id=pk, actor=_citizen_actor(request))
            qs = selectors.artefacts_of_citizen(citizen=self.citizen)
            return Response(ConsentArtefactOutput(qs.get(pk=pk)).data)

    ArtefactAction.__name__ = f"MyArtefact{verb.capitalize()}"
    return ArtefactAction


MyArtefactPause = _artefact_action(artefact_pause, "pause")
MyArtefactResume = _artefact_action(artefact_resume, "resume")
MyArtefactRevoke = _artefact_action(artefact_revoke, "revoke")


class MyAccessLog(_CitizenView):
    serializer_class = ReceiptOutput

    @extend_schema(
        operation_id="me_access_log",
        examples=EXAMPLES["me_access_log"],
        summary="Who received records about you, and when",
        responses={200: page_of(ReceiptOutput, "MyReceiptPage"), **ERRORS},
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def get(self, request):
        page = self.paginate_queryset(selectors.receipts_of_citizen(citizen=self.citizen))
        return self.get_paginated_response(ReceiptOutput(page, many=True).data)


class MyExport(_CitizenView):
    @extend_schema(
        operation_id="me_export",
        examples=EXAMPLES["me_export"],
        summary="Everything Suchi holds about your consents, as one JSON document",
        description="Requests, artefacts (with their JWS), access receipts and your ledger "
        "events with their hash chain, which you can verify yourself.",
        responses={200: dict, **ERRORS},
        auth=CITIZEN_AUTH,
        tags=["consent: citizens"],
    )
    def get(self, request):
        citizen = self.citizen
        body = {
            "format": "suchi.consent-export/1",
            "exported_at": timezone.now(),
            "citizen": CitizenOutput(citizen).data,
            "consent_requests": ConsentRequestOutput(
                selectors.requests_of_citizen(citizen=citizen), many=True
            ).data,
            "consent_artefacts": ConsentArtefactOutput(
                selectors.artefacts_of_citizen(citizen=citizen), many=True
            ).data,
            "access_receipts": ReceiptOutput(
                selectors.receipts_of_citizen(citizen=citizen), many=True
            ).data,
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
