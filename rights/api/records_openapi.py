"""The citizen's records and account closure in the OpenAPI document. Imported by
records_urls.py."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from core.api.schema import Operations
from core.api.serializers import ErrorOutput

from .records_serializers import AccountClosedOutput, AccountCloseInput
from .records_views import MyAccountClose, MyRecords

EXAMPLES = {
    "me_records": [
        OpenApiExample(
            "The records (abridged)",
            value={
                "format": "suchi.citizen-records/1",
                "exported_at": "2026-12-06T09:00:00Z",
                "citizen": {"handle": "asha@suchi", "language": "en", "name": "Asha"},
                "identifiers": [{"kind": "email", "value": "asha@example.in"}],
                "consent_requests": [],
                "consent_artefacts": [],
                "access_receipts": [],
                "linked_accounts": [],
                "grievances": [],
                "notices": [],
                "nominations": [],
                "guardianships": [],
                "ledger": {"head": "0" * 64, "checkpoint": "eyJ…", "events": []},
            },
            response_only=True,
            status_codes=["200"],
        )
    ],
    "me_close": [
        OpenApiExample("Confirm", value={"confirm": "asha@suchi"}, request_only=True),
        OpenApiExample(
            "Closed",
            value={
                "closed_at": "2026-12-06T09:00:00Z",
                "consents_revoked": 2,
                "requests_denied": 1,
                "accounts_delinked": 1,
                "guardianships_ended": 0,
                "nominations_ended": 1,
            },
            response_only=True,
            status_codes=["200"],
        ),
    ],
}

citizen = Operations(
    examples=EXAMPLES,
    auth=[{"citizenToken": []}, {"cookieAuth": []}],
    tags=["citizens: records"],
)
citizen(
    MyRecords,
    "get",
    "me_records",
    "Everything Suchi holds about you, signed",
    {
        200: OpenApiResponse(
            description="RFC 8785 JSON; the X-Suchi-Signature header is a detached JWS "
            "(EdDSA, keys at /.well-known/jwks.json) over exactly these bytes",
            response=dict,
        ),
        401: ErrorOutput,
        403: ErrorOutput,
    },
)
citizen(
    MyAccountClose,
    "post",
    "me_close",
    "Close your account",
    {
        200: AccountClosedOutput,
        400: ErrorOutput,
        401: ErrorOutput,
        403: ErrorOutput,
        409: ErrorOutput,
        415: ErrorOutput,
    },
    request=AccountCloseInput,
    description="Revokes every live consent (the institutions are told), denies pending "
    "requests, delinks your accounts and forgets your sign-in identifiers. The records the "
    "law requires stay, at least seven years (DPDP Act 2023, First Schedule).",
)
