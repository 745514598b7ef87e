"""The exchange API. Consumers' tokens have scope `access:request` (file, follow, withdraw);
providers' `access:review` (review, approve, reject, suspend, resume, revoke, status checks,
receipts). Either party reads what concerns it; anyone else gets 404. The register is public."""

from django.http import HttpResponse
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.lists import paged, status_filter
from core.api.pagination import Pagination
from core.api.renderers import CSVRenderer
from core.api.serializers import status_answer, validated
from core.http import csv_response
from registry.api.permissions import HasScope
from registry.api.statuscheck import StatusCheckView
from registry.services import Actor

from .. import selectors
from ..models import AccessRequest, DataUseAgreement, ExchangePolicy
from ..services import (
    ReleaseInput,
    RequestInput,
    access_request_approve,
    access_request_create,
    access_request_for_party,
    access_request_message,
    access_request_reject,
    access_request_withdraw,
    agreement_for_party,
    agreement_status,
    agreement_transition,
    max_duration_days,
    release_record,
)
from ..terms import terms_checked
from .serializers import (
    AccessRequestInput,
    AccessRequestOutput,
    AgreementOutput,
    AgreementReceiptOutput,
    ApproveInput,
    MessageInput,
    PolicyInput,
    ReasonInput,
    RegisterEntry,
    RejectInput,
    ReleaseInputSerializer,
    purpose_of,
)

REQUEST = "access:request"
REVIEW = "access:review"


class PartyScope(HasScope):
    """Either party: a consumer's `access:request` or a provider's `access:review` token."""

    def has_permission(self, request, view) -> bool:
        for scope in (REQUEST, REVIEW):
            view.required_scope = scope
            if super().has_permission(request, view):
                return True
        self.message = f"This token needs the `{REQUEST}` or `{REVIEW}` scope."
        return False


def _actor(request) -> str:
    return Actor.for_token(request.auth).label


def _request_output(request, access_request) -> dict:
    found = selectors.requests_of_party(institution=request.user.institution).get(
        pk=access_request.pk
    )
    return AccessRequestOutput(found).data


class AccessRequestListCreate(generics.GenericAPIView):
    permission_classes = [PartyScope]
    pagination_class = Pagination
    serializer_class = AccessRequestOutput

    def post(self, request):
        if REQUEST not in request.auth.scopes:
            return Response(
                {"detail": f"This token lacks the `{REQUEST}` scope."},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = validated(AccessRequestInput, request)
        institution = request.user.institution
        responsible = data.get("responsible") or {
            "name": institution.name,
            "email": institution.contact_email,
        }
        data_range = data.get("data_range") or {}
        created = access_request_create(
            consumer=institution,
            data=RequestInput(
                dataset_ids=data["datasets"],
                purpose=data["purpose"],
                description=data["description"],
                duration_days=data["duration_days"],
                responsible_name=responsible["name"],
                responsible_email=responsible["email"],
                data_from=data_range.get("from"),
                data_to=data_range.get("to"),
                model_name=data["model_name"],
                outputs_released=data["outputs_released"],
            ),
            token=request.auth,
            actor=_actor(request),
        )
        return Response(
            _request_output(request, created),
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/access-requests/{created.pk}"},
        )

    def get(self, request):
        qs = selectors.requests_of_party(
            institution=request.user.institution,
            status=status_filter(request, AccessRequest.Status.values),
        )
        return paged(self, qs, AccessRequestOutput)


class AccessRequestDetail(APIView):
    permission_classes = [PartyScope]

    def get(self, request, pk):
        found = access_request_for_party(institution=request.user.institution, request_id=pk)
        return Response(_request_output(request, found))


class AccessRequestApprove(APIView):
    permission_classes = [HasScope]
    required_scope = REVIEW

    def post(self, request, pk):
        data = validated(ApproveInput, request)
        institution = request.user.institution
        policy = ExchangePolicy.objects.filter(institution=institution).first()
        agreement = access_request_approve(
            provider=institution,
            request_id=pk,
            terms=data["terms"],
            basis=data["basis"],
            template=policy.terms_template if policy else None,
            actor=_actor(request),
        )
        found = agreement_for_party(institution=institution, agreement_id=agreement.pk)
        return Response(
            {
                **_request_output(request, agreement.request),
                "agreement": AgreementOutput(found).data,
            }
        )


class AccessRequestReject(APIView):
    permission_classes = [HasScope]
    required_scope = REVIEW

    def post(self, request, pk):
        data = validated(RejectInput, request)
        found = access_request_reject(
            provider=request.user.institution,
            request_id=pk,
            reason=data["reason"],
            actor=_actor(request),
        )
        return Response(_request_output(request, found))


class AccessRequestWithdraw(APIView):
    permission_classes = [HasScope]
    required_scope = REQUEST

    def post(self, request, pk):
        found = access_request_withdraw(
            consumer=request.user.institution, request_id=pk, actor=_actor(request)
        )
        return Response(_request_output(request, found))


class AccessRequestMessages(APIView):
    permission_classes = [PartyScope]

    def post(self, request, pk):
        data = validated(MessageInput, request)
        access_request_message(
            institution=request.user.institution,
            request_id=pk,
            text=data["text"],
            author=_actor(request),
        )
        found = access_request_for_party(institution=request.user.institution, request_id=pk)
        return Response(_request_output(request, found), status=status.HTTP_201_CREATED)


class AgreementList(generics.GenericAPIView):
    permission_classes = [PartyScope]
    pagination_class = Pagination
    serializer_class = AgreementOutput

    def get(self, request):
        qs = selectors.agreements_of_party(
            institution=request.user.institution,
            status=status_filter(request, DataUseAgreement.Status.values),
        )
        return paged(self, qs, AgreementOutput)


class AgreementDetail(APIView):
    permission_classes = [PartyScope]

    def get(self, request, pk):
        found = agreement_for_party(institution=request.user.institution, agreement_id=pk)
        return Response(AgreementOutput(found).data)


class AgreementStatus(StatusCheckView):
    """The check a provider makes before every release (either party may ask)."""

    permission_classes = [PartyScope]
    status_model = DataUseAgreement
    status_scopes = frozenset({REQUEST, REVIEW})
    status_live = frozenset(DataUseAgreement.LIVE)

    def get(self, request, pk):
        found = agreement_status(institution=request.user.institution, agreement_id=pk)
        response = Response(status_answer(found))
        response["Cache-Control"] = "no-store"
        return response


class AgreementTransition(APIView):
    permission_classes = [HasScope]
    required_scope = REVIEW
    action = ""

    def post(self, request, pk):
        data = validated(ReasonInput, request)
        agreement_transition(
            provider=request.user.institution,
            agreement_id=pk,
            action=self.action,
            reason=data["reason"],
            actor=_actor(request),
        )
        found = agreement_for_party(institution=request.user.institution, agreement_id=pk)
        return Response(AgreementOutput(found).data)


class AgreementReceipts(generics.GenericAPIView):
    permission_classes = [PartyScope]
    pagination_class = Pagination
    serializer_class = AgreementReceiptOutput

    def post(self, request, pk):
        if REVIEW not in request.auth.scopes:
            return Response(
                {"detail": f"This token lacks the `{REVIEW}` scope."},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = validated(ReleaseInputSerializer, request)
        receipt = release_record(
            provider=request.user.institution,
            agreement_id=pk,
            release=ReleaseInput(
                served_at=data["served_at"],
                record_count=data["record_count"],
                sha256=data["sha256"],
                dataset_id=data["dataset"],
                note=data["note"],
            ),
            token=request.auth,
            actor=_actor(request),
        )
        return Response(AgreementReceiptOutput(receipt).data, status=status.HTTP_201_CREATED)

    def get(self, request, pk):
        agreement = agreement_for_party(institution=request.user.institution, agreement_id=pk)
        return paged(
            self, selectors.receipts_of_agreement(agreement=agreement), AgreementReceiptOutput
        )


class ExchangePolicyView(APIView):
    """The provider's standing rules: the longest agreement it grants, its terms template."""

    permission_classes = [HasScope]
    required_scope = REVIEW

    def _output(self, institution) -> dict:
        policy = ExchangePolicy.objects.filter(institution=institution).first()
        return {
            "max_duration_days": max_duration_days(institution),
            "terms_template": policy.terms_template if policy else {},
        }

    def get(self, request):
        return Response(self._output(request.user.institution))

    def put(self, request):
        data = validated(PolicyInput, request)
        # The template must itself be valid terms (checked as for a research request).
        terms_checked(data["terms_template"], template={}, purpose="research")
        ExchangePolicy.objects.update_or_create(
            institution=request.user.institution,
            defaults={
                "max_duration_days": data["max_duration_days"],
                "terms_template": data["terms_template"],
            },
        )
        return Response(self._output(request.user.institution))


REGISTER_COLUMNS = [
    "id", "consumer", "consumer_name", "provider", "provider_name", "datasets", "purpose",
    "status", "valid_from", "valid_until",
]  # fmt: skip


class AgreementRegister(generics.GenericAPIView):
    """The public register of agreements; at the .csv address, all of it as CSV."""

    permission_classes = [AllowAny]
    authentication_classes = []
    pagination_class = Pagination
    serializer_class = RegisterEntry
    csv = False

    def get_renderers(self):
        # JSON first, so that errors stay JSON; CSV when asked for (Accept: text/csv).
        return [JSONRenderer(), CSVRenderer()] if self.csv else super().get_renderers()

    def get(self, request):
        qs = selectors.agreements_register()
        if self.csv:
            return register_csv(qs)
        return paged(self, qs, RegisterEntry)


def register_csv(qs) -> HttpResponse:
    rows = (
        [
            agreement.pk,
            agreement.consumer.slug,
            agreement.consumer.name,
            agreement.provider.slug,
            agreement.provider.name,
            " ".join(str(d.pk) for d in agreement.datasets.all()),
            purpose_of(agreement.purpose)["code"],
            agreement.status,
            agreement.valid_from.isoformat(),
            agreement.valid_until.isoformat(),
        ]
        for agreement in qs.iterator(chunk_size=1000)
    )
    return csv_response("agreements.csv", REGISTER_COLUMNS, rows)
