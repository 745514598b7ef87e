"""The exchange API in the OpenAPI document: one call per operation (core.api.schema), by
audience as the views' scopes are. Imported by urls.py.

Two views are mounted at several addresses (urls.py's `as_view(action=…)`, `as_view(csv=…)`);
`by_mount` makes each mount an operation of its own."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers

from core.api.schema import Operations, by_mount, one_mount
from core.api.serializers import ErrorOutput

from ..models import AccessRequest, DataUseAgreement
from .examples import EXAMPLES
from .serializers import (
    AccessRequestInput,
    AccessRequestOutput,
    AccessRequestPage,
    AgreementOutput,
    AgreementPage,
    AgreementReceiptOutput,
    AgreementReceiptPage,
    AgreementStatusOutput,
    ApproveInput,
    MessageInput,
    PolicyInput,
    ReasonInput,
    RegisterPage,
    RejectInput,
    ReleaseInputSerializer,
)
from .views import (
    AccessRequestApprove,
    AccessRequestDetail,
    AccessRequestListCreate,
    AccessRequestMessages,
    AccessRequestReject,
    AccessRequestWithdraw,
    AgreementDetail,
    AgreementList,
    AgreementReceipts,
    AgreementRegister,
    AgreementStatus,
    AgreementTransition,
    ExchangePolicyView,
)


class ApprovedRequestOutput(AccessRequestOutput):
    """The answer to an approval: the request, now approved, with its agreement in full."""

    status = serializers.ChoiceField(choices=[AccessRequest.Status.APPROVED.value])
    agreement = AgreementOutput()


PolicyOutput = inline_serializer(
    "ExchangePolicyOutput",
    {
        "max_duration_days": serializers.IntegerField(),
        "terms_template": serializers.JSONField(),
    },
)


def errors(*codes: int) -> dict:
    """400, 401, 403 and 404 (every operation with a token), and `codes`, in order."""
    return dict.fromkeys(sorted({400, 401, 403, 404, *codes}), ErrorOutput)


ERRORS = errors()
ERRORS_WRITE = errors(413, 415)
# From a state the operation does not apply to (a request already decided, say): 409.
ERRORS_CHANGE = errors(409, 413, 415)
TOKEN_AUTH = [{"institutionToken": []}]
CONSUMERS, PROVIDERS = "exchange: consumers", "exchange: providers"
EITHER = (
    "Either party may ask (a token with `access:request` or `access:review`); anyone else gets 404."
)
NEEDS_REQUEST = "Needs `access:request`."
NEEDS_REVIEW = "Needs `access:review`."


def status_param(choices) -> list[OpenApiParameter]:
    return [OpenApiParameter("status", enum=choices, required=False)]


# --- Consumers -------------------------------------------------------------------------------
consumer = Operations(examples=EXAMPLES, auth=TOKEN_AUTH, tags=[CONSUMERS])
consumer(
    AccessRequestListCreate,
    "post",
    "access_requests_create",
    "Ask a provider for restricted datasets",
    {201: AccessRequestOutput, **errors(409, 410, 413, 415)},
    request=AccessRequestInput,
    description="Files a request the provider reviews. The datasets must be published with "
    "access `restricted` and held by one provider (one request per provider). A dataset "
    "withdrawn from the catalogue is 410. `responsible` defaults to your institution's "
    f"contact. {NEEDS_REQUEST}",
)
consumer(
    AccessRequestWithdraw,
    "post",
    "access_requests_withdraw",
    "Withdraw a request not yet decided",
    {200: AccessRequestOutput, **ERRORS_CHANGE},
    request=None,
    description=f"Only while the request is `requested`; after that, 409. {NEEDS_REQUEST}",
)

# --- Either party ----------------------------------------------------------------------------
party = Operations(examples=EXAMPLES, auth=TOKEN_AUTH, tags=[CONSUMERS, PROVIDERS])
party(
    AccessRequestListCreate,
    "get",
    "access_requests_list",
    "Access requests your institution made or received",
    {200: AccessRequestPage, **ERRORS},
    parameters=status_param(AccessRequest.Status.values),
    description=EITHER,
)
party(
    AccessRequestDetail,
    "get",
    "access_requests_retrieve",
    "One access request, with its thread",
    {200: AccessRequestOutput, **ERRORS},
    description=EITHER,
)
party(
    AccessRequestMessages,
    "post",
    "access_requests_messages_create",
    "Write in a request's thread",
    {201: AccessRequestOutput, **ERRORS_CHANGE},
    request=MessageInput,
    description="Questions and answers between the parties while the request is open (409 "
    f"once it is decided). {EITHER}",
)
party(
    AgreementList,
    "get",
    "agreements_list",
    "Agreements your institution is the consumer or provider of",
    {200: AgreementPage, **ERRORS},
    parameters=status_param(DataUseAgreement.Status.values),
    description="Each carries its signed artefact, a compact JWS in `artefact`; verify it with "
    f"the keys at `/.well-known/jwks.json`. {EITHER}",
)
party(
    AgreementDetail,
    "get",
    "agreements_retrieve",
    "One agreement your institution is party to",
    {200: AgreementOutput, **ERRORS},
    description=EITHER,
)
party(
    AgreementStatus,
    "get",
    "agreements_status",
    "Is this agreement still in force?",
    {200: AgreementStatusOutput, **ERRORS},
    description="The provider asks before every release of data; the answer is never cached "
    f"(`Cache-Control: no-store`). {EITHER}",
)
party(
    AgreementReceipts,
    "get",
    "agreements_receipts_list",
    "Releases reported under an agreement",
    {200: AgreementReceiptPage, **ERRORS},
    description=f"Releases and refused attempts, newest first. {EITHER}",
)

# --- Providers -------------------------------------------------------------------------------
provider = Operations(examples=EXAMPLES, auth=TOKEN_AUTH, tags=[PROVIDERS])
provider(
    AccessRequestApprove,
    "post",
    "access_requests_approve",
    "Approve a request, issuing a signed agreement",
    {200: ApprovedRequestOutput, **ERRORS_CHANGE},
    request=ApproveInput,
    description="Issues the data-use agreement: the terms given, filled from your exchange "
    "policy's template, signed as a compact JWS. For personal data, state the `basis`. 409 "
    f"once the request is decided. {NEEDS_REVIEW}",
)
provider(
    AccessRequestReject,
    "post",
    "access_requests_reject",
    "Reject a request, saying why",
    {200: AccessRequestOutput, **ERRORS_CHANGE},
    request=RejectInput,
    description=f"The reason is shown to the requester. 409 once decided. {NEEDS_REVIEW}",
)
by_mount(
    AgreementTransition,
    "post",
    "action",
    {
        action: one_mount(
            provider,
            AgreementTransition,
            "post",
            f"agreements_{action}",
            summary,
            {200: AgreementOutput, **ERRORS_CHANGE},
            request=ReasonInput,
            description=f"{detail} 409 from a status the action does not apply to. {NEEDS_REVIEW}",
        )
        for action, summary, detail in (
            ("suspend", "Suspend an agreement", "No release is allowed until it is resumed."),
            ("resume", "Resume a suspended agreement", "Releases are allowed again."),
            ("revoke", "Revoke an agreement", "For good; the consumer must delete the data."),
        )
    },
)
provider(
    AgreementReceipts,
    "post",
    "agreements_receipts_create",
    "Report a release of data",
    {201: AgreementReceiptOutput, **ERRORS_CHANGE},
    request=ReleaseInputSerializer,
    description="Record each release under the agreement. Against an agreement that is not "
    "active the answer is 409, and the refused attempt is recorded (outcome `refused`). "
    f"{NEEDS_REVIEW}",
)
provider(
    ExchangePolicyView,
    "get",
    "exchange_policy_retrieve",
    "Your exchange policy",
    {200: PolicyOutput, **ERRORS},
    description="The longest agreement you grant, and the terms template approvals start "
    f"from. {NEEDS_REVIEW}",
)
provider(
    ExchangePolicyView,
    "put",
    "exchange_policy_update",
    "Set your exchange policy",
    {200: PolicyOutput, **ERRORS_WRITE},
    request=PolicyInput,
    description="The template must itself be valid terms (docs/exchange.md). Requests for "
    f"longer than `max_duration_days` are refused. {NEEDS_REVIEW}",
)

# --- Public ----------------------------------------------------------------------------------
anyone = Operations(examples=EXAMPLES, auth=[{}], tags=["exchange: public"])
by_mount(
    AgreementRegister,
    "get",
    "csv",
    {
        False: one_mount(
            anyone,
            AgreementRegister,
            "get",
            "agreements_register",
            "The public register of agreements",
            {200: RegisterPage, 404: ErrorOutput},
            description="Who holds an agreement on which datasets, for what purpose, and "
            "until when: nothing the parties keep to themselves. All of it as CSV at "
            "`agreements/register.csv`.",
        ),
        True: one_mount(
            anyone,
            AgreementRegister,
            "get",
            "agreements_register_csv",
            "The public register of agreements, as CSV",
            {
                (200, "text/csv"): OpenApiResponse(
                    OpenApiTypes.STR,
                    description="Every agreement, one a row, under a header row. Cells a "
                    "spreadsheet would run as formulas start with `'`.",
                )
            },
            description="All of the register in one CSV document.",
        ),
    },
)
