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

_LINK = {
    "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "provider": {"id": "sbi", "name": "State Bank of India"},
    "link_reference": "LNK-4f1c2a",
    "masked_reference": "XXXXXX4321",
    "type": "DEPOSIT",
    "label": "Savings account",
    "status": "active",
    "created_at": "2026-12-06T09:30:00Z",
    "delinked_at": None,
}
_SESSION = {
    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "provider": "sbi",
    "accounts": [
        {"reference": "ACC-1", "masked": "XXXXXX4321", "type": "DEPOSIT", "label": "Savings"}
    ],
    "chosen": [],
    "sent_to": "",
    "expires_at": "2026-12-06T09:40:00Z",
}
_ENDPOINT = {
    "url": "https://fip.example.in/suchi",
    "public_jwk": {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    },
}


def _example(name: str, value, **kw) -> OpenApiExample:
    return OpenApiExample(name, value=value, **kw)


EXAMPLES.update(
    {
        "linking_endpoint_read": [
            _example(
                "Registered",
                {**_ENDPOINT, "is_active": True, "updated_at": "2026-12-06T09:00:00Z"},
                response_only=True,
                status_codes=["200"],
            )
        ],
        "linking_endpoint_set": [
            _example("Register", _ENDPOINT, request_only=True),
            _example(
                "Registered",
                {**_ENDPOINT, "is_active": True, "updated_at": "2026-12-06T09:00:00Z"},
                response_only=True,
                status_codes=["200"],
            ),
        ],
        "linking_endpoint_disable": [
            _example(
                "Discovery stopped",
                {**_ENDPOINT, "is_active": False, "updated_at": "2026-12-07T09:00:00Z"},
                response_only=True,
                status_codes=["200"],
            )
        ],
        "link_notice": [
            _example(
                "An account closed",
                {
                    "type": "delinked",
                    "notice_id": "7d3f0c2e-5b1a-4c8e-9f00-2a1b3c4d5e6f",
                    "link_reference": "LNK-4f1c2a",
                    "timestamp": "2026-12-06T09:30:00Z",
                },
                request_only=True,
            ),
            _example(
                "Delinked",
                {"link_reference": "LNK-4f1c2a", "status": "delinked"},
                response_only=True,
                status_codes=["200"],
            ),
        ],
        "my_links": [
            _example(
                "Linked accounts",
                {"count": 1, "next": None, "previous": None, "results": [_LINK]},
                response_only=True,
                status_codes=["200"],
            )
        ],
        "my_link_providers": [
            _example(
                "Providers",
                {
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [{"id": "sbi", "name": "State Bank of India"}],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
        "my_link_discover": [
            _example(
                "By mobile number only",
                {"provider": "sbi", "identifiers": ["mobile"]},
                request_only=True,
            ),
            _example("Accounts found", _SESSION, response_only=True, status_codes=["201"]),
        ],
        "my_link_choose": [
            _example("Choose", {"accounts": ["ACC-1"]}, request_only=True),
            _example(
                "The provider sent a code",
                {**_SESSION, "chosen": ["ACC-1"], "sent_to": "XXXXXX3210"},
                response_only=True,
                status_codes=["200"],
            ),
        ],
        "my_link_confirm": [
            _example("The code", {"code": "123456"}, request_only=True),
            _example("Linked", _LINK, response_only=True, status_codes=["201"]),
        ],
        "my_link": [_example("A linked account", _LINK, response_only=True, status_codes=["200"])],
        "my_link_delink": [
            _example(
                "Delinked",
                {**_LINK, "status": "delinked", "delinked_at": "2026-12-07T10:00:00Z"},
                response_only=True,
                status_codes=["200"],
            )
        ],
    }
)
