"""The guardians API in the OpenAPI document (core.api.schema). Imported by urls.py."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from consent.api.examples import ARTEFACT, REQUEST, ok, page
from consent.api.serializers import ConsentArtefactOutput, ConsentRequestOutput, GrantInput
from consent.models import ConsentArtefact, ConsentRequest
from core.api.schema import Operations
from core.api.serializers import ErrorOutput, page_of

from .guardian_serializers import GuardianConfirmInput, GuardianNameInput, GuardianshipOutput
from .guardian_views import (
    MyGuardians,
    MyWardArtefactRevoke,
    MyWardArtefacts,
    MyWardConfirm,
    MyWardDecline,
    MyWardEnd,
    MyWardRequestDeny,
    MyWardRequestGrant,
    MyWardRequests,
    MyWards,
)

GUARDIANSHIP = {
    "id": "5b0d6a52-3f43-4d0e-9a57-0c6a8e2f7d11",
    "ward": "meera@suchi",
    "guardian": "asha@suchi",
    "named_identifier": "asha@example.in",
    "basis": "minor",
    "relationship": "parent",
    "order_reference": "",
    "status": "active",
    "verification": {
        "method": "one-time code",
        "identifier_kind": "email",
        "verified_at": "2026-12-06T10:00:00Z",
        "declared_adult": True,
    },
    "created_at": "2026-12-06T09:50:00Z",
    "confirmed_at": "2026-12-06T10:00:00Z",
    "ended_at": None,
    "end_reason": "",
}

GIVEN = {
    "given_by": {
        "role": "guardian",
        "guardian": "asha@suchi",
        "basis": "minor",
        "relationship": "parent",
        "verification": GUARDIANSHIP["verification"],
    }
}


def _out(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


def _in(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


EXAMPLES = {
    "me_guardians_list": [_out("Your guardian", GUARDIANSHIP)],
    "me_guardians_name": [
        _in("A child names a parent", {"guardian": "asha@example.in", "basis": "minor"}),
        _out("Named; waiting for the guardian", {**GUARDIANSHIP, "status": "pending"}),
    ],
    "me_wards_list": [_out("A ward", GUARDIANSHIP)],
    "me_ward_confirm": [
        _in("Confirm with a fresh code", {"code": "482913", "relationship": "parent"}),
        _out("Confirmed", GUARDIANSHIP),
    ],
    "me_ward_decline": [_out("Declined", {**GUARDIANSHIP, "status": "declined"})],
    "me_ward_end": [_out("Ended", {**GUARDIANSHIP, "status": "ended"})],
    "me_ward_requests_list": [ok("One pending request", page(REQUEST))],
    "me_ward_request_grant": [
        _in("Grant as asked", {}),
        ok("Granted by the guardian", {**ARTEFACT, "claims": {**ARTEFACT["claims"], **GIVEN}}),
    ],
    "me_ward_request_deny": [ok("Denied", {**REQUEST, "status": "denied"})],
    "me_ward_artefacts_list": [ok("One active consent", page(ARTEFACT))],
    "me_ward_artefact_revoke": [ok("Withdrawn", {**ARTEFACT, "status": "revoked"})],
}

ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}
WRITE = {**ERRORS, 409: ErrorOutput, 415: ErrorOutput}
citizen = Operations(
    examples=EXAMPLES,
    auth=[{"citizenToken": []}, {"cookieAuth": []}],
    tags=["citizens: guardians"],
)
citizen(
    MyGuardians,
    "get",
    "me_guardians_list",
    "Who answers consent requests for you",
    {200: GuardianshipOutput(many=True), **ERRORS},
)
citizen(
    MyGuardians,
    "post",
    "me_guardians_name",
    "Name a parent or lawful guardian",
    {201: GuardianshipOutput, **WRITE},
    request=GuardianNameInput,
    description="A child under 18 names a parent (basis `minor`; an adult's account may not: "
    "400 naming `basis`); an adult with a disability names a lawful guardian (basis "
    "`disability`, with the reference of the order that appointed them). The guardian "
    "confirms with a fresh one-time code; until then nothing changes.",
)
citizen(
    MyWards,
    "get",
    "me_wards_list",
    "The guardianships you hold or are named for",
    {200: GuardianshipOutput(many=True), **ERRORS},
)
citizen(
    MyWardConfirm,
    "post",
    "me_ward_confirm",
    "Confirm you are the guardian",
    {200: GuardianshipOutput, **WRITE},
    request=GuardianConfirmInput,
    description="Ask for a code for the identifier you were named by (`POST "
    "/api/v1/auth/otp`), then confirm with it, saying how you are related. A guardian is an "
    "adult: declare your date of birth if your account has not. The artefacts you grant "
    "record how you were verified.",
)
citizen(
    MyWardDecline,
    "post",
    "me_ward_decline",
    "Decline to be the guardian",
    {200: GuardianshipOutput, **WRITE},
    request=None,
)
citizen(
    MyWardEnd,
    "post",
    "me_ward_end",
    "Step down as guardian",
    {200: GuardianshipOutput, **WRITE},
    request=None,
)
citizen(
    MyWardRequests,
    "get",
    "me_ward_requests_list",
    "Your ward's consent requests",
    {200: page_of(ConsentRequestOutput, "WardRequestPage"), **ERRORS},
    parameters=[
        OpenApiParameter("status", str, enum=list(ConsentRequest.Status.values), required=False)
    ],
)
citizen(
    MyWardRequestGrant,
    "post",
    "me_ward_request_grant",
    "Grant a consent request for your ward",
    {200: ConsentArtefactOutput(many=True), **WRITE},
    request=GrantInput,
    description="As the citizen's own grant; each artefact carries `given_by` (the guardian, "
    "the basis, the relationship and how the guardian was verified).",
)
citizen(
    MyWardRequestDeny,
    "post",
    "me_ward_request_deny",
    "Deny a request for your ward",
    {200: ConsentRequestOutput, **WRITE},
    request=None,
)
citizen(
    MyWardArtefacts,
    "get",
    "me_ward_artefacts_list",
    "Your ward's consents",
    {200: page_of(ConsentArtefactOutput, "WardArtefactPage"), **ERRORS},
    parameters=[
        OpenApiParameter("status", str, enum=list(ConsentArtefact.Status.values), required=False)
    ],
)
citizen(
    MyWardArtefactRevoke,
    "post",
    "me_ward_artefact_revoke",
    "Withdraw a consent of your ward",
    {200: ConsentArtefactOutput, **WRITE},
    request=None,
)
