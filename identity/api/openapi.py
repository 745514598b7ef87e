"""The one-time code API in the OpenAPI document (core.api.schema). Imported by urls.py."""

from core.api.schema import Operations
from core.api.serializers import ErrorOutput

from .examples import EXAMPLES
from .serializers import OtpRequestInput, OtpSentOutput, OtpTokenOutput, OtpVerifyInput
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
