"""The one-time code and linking APIs in the OpenAPI document (core.api.schema). Imported
by urls.py."""

from drf_spectacular.utils import OpenApiParameter

from consent.api.serializers import LinkedAccountOutput
from consent.models import AccountLink
from core.api.schema import Operations
from core.api.serializers import ErrorOutput, page_of

from .examples import EXAMPLES
from .linking_views import (
    MyLinkChoose,
    MyLinkConfirm,
    MyLinkDetail,
    MyLinkDiscover,
    MyLinkProviders,
    MyLinks,
    ProviderLinkingEndpoint,
    ProviderLinkNotice,
)
from .serializers import (
    DiscoverInput,
    LinkChooseInput,
    LinkConfirmInput,
    LinkingEndpointInput,
    LinkingEndpointOutput,
    LinkNoticeInput,
    LinkNoticeOutput,
    LinkProviderOutput,
    LinkSessionOutput,
    OtpRequestInput,
    OtpSentOutput,
    OtpTokenOutput,
    OtpVerifyInput,
)
from .views import OtpRequest, OtpVerify

ERRORS = {400: ErrorOutput, 413: ErrorOutput, 415: ErrorOutput, 429: ErrorOutput}

anyone = Operations(examples=EXAMPLES, auth=[{}], tags=["citizens: sign in"])
anyone(
    OtpRequest,
    "post",
    "auth_otp",
    "Send a citizen a one-time code",
    {202: OtpSentOutput, **ERRORS, 503: ErrorOutput},
    request=OtpRequestInput,
    description="Sends a 6-digit code, valid 5 minutes, to an e-mail address or an Indian "
    "mobile number. The answer is the same whether or not an account exists. A new code for "
    "the same identifier after a minute, at most 5 an hour, 30 an hour from one client "
    "address (429 with Retry-After); 503 if the mail or SMS could not be sent.",
)
anyone(
    OtpVerify,
    "post",
    "auth_otp_verify",
    "Sign in with the code (creates the account the first time)",
    {200: OtpTokenOutput, **ERRORS},
    request=OtpVerifyInput,
    description="Returns a citizen token like `auth/token`. The first verified code creates "
    "the account, with a handle bound to the identifier. A wrong code counts a try; the "
    "fifth wrong try, a used, expired or superseded code, or a code sent to another identifier "
    "are refused (400 naming `code`).",
)

# --- Linking ---------------------------------------------------------------------------------
LINK_ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}
PROVIDER_ERRORS = {**LINK_ERRORS, 409: ErrorOutput, 429: ErrorOutput, 502: ErrorOutput}

provider = Operations(
    examples=EXAMPLES, auth=[{"institutionToken": []}], tags=["consent: providers"]
)
provider(
    ProviderLinkingEndpoint,
    "get",
    "linking_endpoint_read",
    "Where this provider answers account discovery and linking",
    {200: LinkingEndpointOutput, **LINK_ERRORS},
)
provider(
    ProviderLinkingEndpoint,
    "put",
    "linking_endpoint_set",
    "Register (or replace) the provider's discovery and linking endpoint",
    {200: LinkingEndpointOutput, **LINK_ERRORS, 415: ErrorOutput},
    request=LinkingEndpointInput,
    description="Suchi POSTs signed JSON to `<url>/discover`, `<url>/link`, "
    '`<url>/link/confirm` and `<url>/delink` (docs/identity.md, "Linking"). `public_jwk` is '
    "the Ed25519 key the provider signs its notices to Suchi with.",
)
provider(
    ProviderLinkingEndpoint,
    "delete",
    "linking_endpoint_disable",
    "Stop offering discovery (links already made stay)",
    {200: LinkingEndpointOutput, **LINK_ERRORS},
)
anyone(
    ProviderLinkNotice,
    "post",
    "link_notice",
    "A provider's signed notice that a link ended at its side",
    {200: LinkNoticeOutput, 400: ErrorOutput, 401: ErrorOutput, 404: ErrorOutput, 415: ErrorOutput},
    request=LinkNoticeInput,
    tags=["consent: providers"],
    parameters=[
        OpenApiParameter(
            "X-Suchi-Provider", str, OpenApiParameter.HEADER, required=True, description="Its id"
        ),
        OpenApiParameter(
            "X-Suchi-Signature",
            str,
            OpenApiParameter.HEADER,
            required=True,
            description="Detached compact JWS (EdDSA) over the exact body, with the provider's "
            "registered key",
        ),
    ],
    description="No token: the signature is the credential (401 if it does not verify, or "
    "the provider registered no key). `timestamp` must be within 5 minutes of Suchi's clock.",
)

citizen = Operations(
    examples=EXAMPLES,
    auth=[{"citizenToken": []}, {"cookieAuth": []}],
    tags=["citizens: linked accounts"],
)
citizen(
    MyLinks,
    "get",
    "my_links",
    "Your linked accounts and records",
    {200: page_of(LinkedAccountOutput, "LinkedAccountPage"), **LINK_ERRORS},
    parameters=[
        OpenApiParameter("status", str, enum=list(AccountLink.Status.values), required=False)
    ],
)
citizen(
    MyLinkProviders,
    "get",
    "my_link_providers",
    "Providers that offer account discovery",
    {200: page_of(LinkProviderOutput, "LinkProviderPage"), **LINK_ERRORS},
)
citizen(
    MyLinkDiscover,
    "post",
    "my_link_discover",
    "Ask a provider which of its accounts or records are yours",
    {201: LinkSessionOutput, **PROVIDER_ERRORS, 415: ErrorOutput},
    request=DiscoverInput,
    description="Sends the provider only your verified identifiers of the kinds you allow. "
    "502 with a message when the provider is down, answers garbage, or answers with records "
    "that do not match your identifiers (nothing is linked).",
)
citizen(
    MyLinkChoose,
    "post",
    "my_link_choose",
    "Choose accounts to link: the provider sends you a code",
    {200: LinkSessionOutput, **PROVIDER_ERRORS, 415: ErrorOutput},
    request=LinkChooseInput,
)
citizen(
    MyLinkConfirm,
    "post",
    "my_link_confirm",
    "Enter the provider's code: the accounts are linked",
    {201: LinkedAccountOutput(many=True), **PROVIDER_ERRORS, 415: ErrorOutput},
    request=LinkConfirmInput,
)
citizen(
    MyLinkDetail, "get", "my_link", "One linked account", {200: LinkedAccountOutput, **LINK_ERRORS}
)
citizen(
    MyLinkDetail,
    "delete",
    "my_link_delink",
    "Delink an account (the provider is told)",
    {200: LinkedAccountOutput, **LINK_ERRORS, 409: ErrorOutput},
)
