"""Examples of the one-time code API for the OpenAPI document, by operation id."""

from drf_spectacular.utils import OpenApiExample

EXAMPLES = {
    "auth_otp": [
        OpenApiExample(
            "An e-mail address", value={"identifier": "asha@example.in"}, request_only=True
        ),
        OpenApiExample(
            "A mobile number, message in Hindi",
            value={"identifier": "+91 98765 43210", "language": "hi"},
            request_only=True,
        ),
        OpenApiExample(
            "Sent",
            value={
                "detail": "A code was sent, if the identifier can receive one.",
                "expires_in": 300,
            },
            response_only=True,
            status_codes=["202"],
        ),
    ],
    "auth_otp_verify": [
        OpenApiExample(
            "The code received",
            value={"identifier": "asha@example.in", "code": "482913"},
            request_only=True,
        ),
        OpenApiExample(
            "Signed in (a new account)",
            value={
                "access_token": "cit_eyJ1IjoxMiwicCI6IjNmMmEifQ:1v2w3x:abc",
                "token_type": "Bearer",
                "expires_in": 900,
                "handle": "asha@suchi",
                "created": True,
            },
            response_only=True,
            status_codes=["200"],
        ),
    ],
}
