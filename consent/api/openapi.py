"""The consent API in the OpenAPI document: one call per operation (core.api.schema), by
audience as the views are. Imported by urls.py."""

from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer

from core.api.schema import Operations
from core.api.serializers import ErrorOutput, page_of

from ..models import ConsentArtefact, ConsentRequest, WebhookDelivery
from ..profiles import PROFILES
from .examples import EXAMPLES
from .serializers import (
    ArtefactProfileOutput,
    ArtefactStatusOutput,
    CitizenOutput,
    ConsentArtefactOutput,
    ConsentRequestInput,
    ConsentRequestOutput,
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
from .views.citizens import (
    CitizenToken,
    Me,
    MyAccessLog,
    MyArtefactDetail,
    MyArtefactPause,
    MyArtefactResume,
    MyArtefactRevoke,
    MyArtefacts,
    MyExport,
    MyRequestDeny,
    MyRequestDetail,
    MyRequestGrant,
    MyRequests,
    MyRequestWithdraw,
)
from .views.consumers import (
    ArtefactDetail,
    ArtefactList,
    ConsentRequestCancel,
    ConsentRequestDetail,
    ConsentRequestListCreate,
)
from .views.providers import ArtefactReceipts, ArtefactStatus
from .views.public import PurposeList
from .views.webhooks import WebhookDeliveryList, WebhookEndpointDetail, WebhookEndpointListCreate

ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}
ERRORS_WRITE = {**ERRORS, 409: ErrorOutput, 415: ErrorOutput}
TOKEN_AUTH = [{"institutionToken": []}]
CITIZEN_AUTH = [{"citizenToken": []}, {"cookieAuth": []}]


def status_param(choices) -> list[OpenApiParameter]:
    return [OpenApiParameter("status", enum=choices, required=False)]


# An artefact read by its parties or by its citizen: Suchi's own, or as a profile.
ARTEFACT_OR_PROFILE = PolymorphicProxySerializer(
    component_name="ConsentArtefactOrProfile",
    serializers=[ConsentArtefactOutput, ArtefactProfileOutput],
    resource_type_field_name=None,
)
PROFILE_PARAM = OpenApiParameter(
    "profile",
    enum=list(PROFILES),
    required=False,
    description="Read the artefact as an interoperable profile",
)
PROFILE_DESCRIPTION = (
    "Suchi's own artefact, or with `profile` the same consent read as a ReBIT Account "
    "Aggregator `ConsentDetail` (`rebit`) or an ABDM consent artefact (`abdm`): "
    "`{profile, document, signature}`, where `signature` is a compact JWS (typ "
    "`rebit-consent+jws` / `abdm-consent+jws`, keys at `/.well-known/jwks.json`) whose "
    "payload is the RFC 8785 canonical JSON of `document`. An ABDM reading of a paused "
    "consent is 409 (ABDM has no paused state). See docs/consent.md."
)


# --- Public ----------------------------------------------------------------------------------
anyone = Operations(examples=EXAMPLES, auth=[{}], tags=["consent"])
anyone(
    PurposeList,
    "get",
    "purposes_list",
    "The purposes consent may be asked for",
    {200: PurposeOutput(many=True)},
    description="Each purpose has a code (ABDM's where one exists) and a W3C DPV concept.",
)

# --- Consumers -------------------------------------------------------------------------------
consumer = Operations(examples=EXAMPLES, auth=TOKEN_AUTH, tags=["consent: consumers"])
consumer(
    ConsentRequestListCreate,
    "post",
    "consent_requests_create",
    "Ask a citizen for consent",
    {201: ConsentRequestOutput, **ERRORS_WRITE},
    request=ConsentRequestInput,
    description="Creates a pending request the citizen sees in the portal. The datasets must "
    "be published with access `consent`; they may be held by several providers (one signed "
    "artefact per provider is issued on grant). Needs `consents:request`.",
)
consumer(
    ConsentRequestListCreate,
    "get",
    "consent_requests_list",
    "Your institution's consent requests",
    {200: page_of(ConsentRequestOutput, "ConsentRequestPage"), **ERRORS},
    parameters=status_param(ConsentRequest.Status.values),
)
consumer(
    ConsentRequestDetail,
    "get",
    "consent_requests_retrieve",
    "One of your consent requests",
    {200: ConsentRequestOutput, **ERRORS},
)
consumer(
    ConsentRequestCancel,
    "post",
    "consent_requests_cancel",
    "Cancel a request the citizen has not answered",
    {200: ConsentRequestOutput, **ERRORS_WRITE},
    request=None,
)

# Artefacts are read by either party.
party = Operations(
    examples=EXAMPLES, auth=TOKEN_AUTH, tags=["consent: consumers", "consent: providers"]
)
party(
    ArtefactList,
    "get",
    "consent_artefacts_list",
    "Artefacts your institution is the consumer or provider of",
    {200: page_of(ConsentArtefactOutput, "ConsentArtefactPage"), **ERRORS},
    description="Each carries its compact JWS in `jws`; verify it with the keys at "
    "`/.well-known/jwks.json`.",
    parameters=[
        OpenApiParameter("request", str, description="A consent request id", required=False),
        *status_param(ConsentArtefact.Status.values),
    ],
)
party(
    ArtefactDetail,
    "get",
    "consent_artefacts_retrieve",
    "One artefact your institution is party to",
    {200: ARTEFACT_OR_PROFILE, **ERRORS, 409: ErrorOutput},
    description=PROFILE_DESCRIPTION,
    parameters=[PROFILE_PARAM],
)

# --- Providers -------------------------------------------------------------------------------
provider = Operations(examples=EXAMPLES, auth=TOKEN_AUTH, tags=["consent: providers"])
provider(
    ArtefactStatus,
    "get",
    "consent_artefacts_status",
    "Is this consent still in force?",
    {200: ArtefactStatusOutput, **ERRORS},
    description="Ask before every release of records. Answered only to the artefact's "
    "provider or consumer; anyone else gets 404. Needs `consents:verify`.",
)
provider(
    ArtefactReceipts,
    "post",
    "consent_artefacts_receipts_create",
    "Report a release of records",
    {201: ReceiptOutput, **ERRORS_WRITE},
    request=ReceiptInputSerializer,
    description="The provider records each release; the citizen sees it in their access "
    "log. Against an artefact that is not active the answer is 409 and the attempt is "
    "written to the citizen's ledger.",
)
provider(
    ArtefactReceipts,
    "get",
    "consent_artefacts_receipts_list",
    "Releases reported under an artefact",
    {200: page_of(ReceiptOutput, "ReceiptPage"), **ERRORS},
)

# --- Webhooks --------------------------------------------------------------------------------
webhook = Operations(examples=EXAMPLES, auth=TOKEN_AUTH, tags=["webhooks"])
webhook(
    WebhookEndpointListCreate,
    "get",
    "webhooks_list",
    "Your institution's webhook endpoints",
    {200: WebhookEndpointOutput(many=True), **ERRORS},
)
webhook(
    WebhookEndpointListCreate,
    "post",
    "webhooks_create",
    "Receive consent events at a URL",
    {201: WebhookEndpointOutput, **ERRORS_WRITE},
    request=WebhookEndpointInput,
    description="Every status change of your consent requests and artefacts is POSTed as "
    "JSON, signed as a detached JWS in `X-Suchi-Signature` (keys at "
    "`/.well-known/jwks.json`), with the event id in `X-Suchi-Event-Id` for de-duplication. "
    "Failed deliveries are retried with exponential backoff for 24 hours.",
)
webhook(
    WebhookEndpointDetail,
    "delete",
    "webhooks_disable",
    "Stop deliveries to an endpoint",
    {200: WebhookEndpointOutput, **ERRORS},
    request=None,
)
webhook(
    WebhookDeliveryList,
    "get",
    "webhook_deliveries_list",
    "Deliveries to your endpoints, newest first",
    {200: page_of(WebhookDeliveryOutput, "WebhookDeliveryPage"), **ERRORS},
    parameters=status_param(WebhookDelivery.Status.values),
)

# --- Citizens --------------------------------------------------------------------------------
citizen = Operations(examples=EXAMPLES, auth=CITIZEN_AUTH, tags=["consent: citizens"])
citizen(
    CitizenToken,
    "post",
    "auth_token",
    "A short-lived token for a citizen's app",
    {200: TokenOutput, 400: ErrorOutput, 429: ErrorOutput},
    request=TokenRequestInput,
    auth=[{}],
    description="Exchange a handle and password for a bearer token valid for 15 minutes. "
    "Attempts are limited per client address.",
)
citizen(Me, "get", "me_retrieve", "The signed-in citizen", {200: CitizenOutput, **ERRORS})
citizen(
    MyRequests,
    "get",
    "me_consent_requests_list",
    "Requests for your consent",
    {200: page_of(ConsentRequestOutput, "MyConsentRequestPage"), **ERRORS},
    parameters=status_param(ConsentRequest.Status.values),
)
citizen(
    MyRequestDetail,
    "get",
    "me_consent_requests_retrieve",
    "One request for your consent",
    {200: ConsentRequestOutput, **ERRORS},
)
citizen(
    MyRequestGrant,
    "post",
    "me_consent_requests_grant",
    "Grant a request",
    {200: ConsentArtefactOutput(many=True), **ERRORS_WRITE},
    request=GrantInput,
    description="Optionally for fewer of the datasets asked for, or until an earlier time. "
    "Issues one signed artefact per provider.",
)
citizen(
    MyRequestDeny,
    "post",
    "me_consent_requests_deny",
    "Deny a request",
    {200: ConsentRequestOutput, **ERRORS_WRITE},
    request=None,
)
citizen(
    MyRequestWithdraw,
    "post",
    "me_consent_requests_withdraw",
    "Withdraw a granted request",
    {200: ConsentArtefactOutput(many=True), **ERRORS_WRITE},
    request=None,
    description="Revokes every consent the grant issued (one per provider) in one call, as "
    "granting took one call. Returns the consents revoked.",
)
citizen(
    MyArtefacts,
    "get",
    "me_consent_artefacts_list",
    "Consents you have given",
    {200: page_of(ConsentArtefactOutput, "MyConsentArtefactPage"), **ERRORS},
    parameters=status_param(ConsentArtefact.Status.values),
)
citizen(
    MyArtefactDetail,
    "get",
    "me_consent_artefacts_retrieve",
    "One consent you have given",
    {200: ARTEFACT_OR_PROFILE, **ERRORS, 409: ErrorOutput},
    description=PROFILE_DESCRIPTION,
    parameters=[PROFILE_PARAM],
)
for view, verb in (
    (MyArtefactPause, "pause"),
    (MyArtefactResume, "resume"),
    (MyArtefactRevoke, "revoke"),
):
    citizen(
        view,
        "post",
        f"me_consent_artefacts_{verb}",
        f"{verb.capitalize()} a consent",
        {200: ConsentArtefactOutput, **ERRORS_WRITE},
        request=None,
    )
citizen(
    MyAccessLog,
    "get",
    "me_access_log",
    "Who received records about you, and when",
    {200: page_of(ReceiptOutput, "MyReceiptPage"), **ERRORS},
)
citizen(
    MyExport,
    "get",
    "me_export",
    "Everything Suchi holds about your consents, as one JSON document",
    {200: dict, **ERRORS},
    description="Requests, artefacts (with their JWS), access receipts and your ledger "
    "events with their hash chain, which you can verify yourself.",
)
