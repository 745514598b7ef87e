"""The nomination API in the OpenAPI document (core.api.schema). Imported by urls.py."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from consent.api.examples import ARTEFACT, ok, page
from consent.api.serializers import ConsentArtefactOutput
from consent.models import ConsentArtefact
from core.api.schema import Operations
from core.api.serializers import ErrorOutput, page_of

from .nomination_serializers import NominationInput, NominationOutput, NominationReportInput
from .nomination_views import (
    MyNomination,
    MyNominationAccept,
    MyNominationArtefactRevoke,
    MyNominationArtefacts,
    MyNominationDecline,
    MyNominationRecords,
    MyNominationReport,
    MyNominations,
)
from .records_openapi import EXAMPLES as RECORDS_EXAMPLES

NOMINATION = {
    "id": "0b6f8f0e-8a0c-4f55-9a3e-7d9a2f1c5e42",
    "citizen": "asha@suchi",
    "name": "Ravi Kumar",
    "identifier": "ravi@example.in",
    "nominee": "ravi@suchi",
    "status": "accepted",
    "event": "",
    "evidence_reference": "",
    "review_text": "",
    "created_at": "2026-12-06T09:00:00Z",
    "accepted_at": "2026-12-06T09:30:00Z",
    "reported_at": None,
    "reviewed_at": None,
    "ended_at": None,
}
RECORDS_EXAMPLE = RECORDS_EXAMPLES["me_records"][0]


def _out(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True)


EXAMPLES = {
    "me_nomination_list": [_out("Your nominee", NOMINATION)],
    "me_nomination_name": [
        OpenApiExample(
            "Name a nominee",
            value={"name": "Ravi Kumar", "identifier": "ravi@example.in"},
            request_only=True,
        ),
        _out("Named", {**NOMINATION, "nominee": None, "status": "named", "accepted_at": None}),
    ],
    "me_nomination_withdraw": [_out("Withdrawn", {**NOMINATION, "status": "withdrawn"})],
    "me_nominations_list": [_out("A nomination naming you", NOMINATION)],
    "me_nomination_accept": [_out("Accepted", NOMINATION)],
    "me_nomination_decline": [_out("Declined", {**NOMINATION, "status": "declined"})],
    "me_nomination_report": [
        OpenApiExample(
            "Report a death",
            value={"event": "death", "reference": "Death certificate D-2026-0412, Pune"},
            request_only=True,
        ),
        _out("Under review", {**NOMINATION, "status": "reported", "event": "death"}),
    ],
    "me_nomination_artefacts": [ok("One active consent", page(ARTEFACT))],
    "me_nomination_artefact_revoke": [ok("Withdrawn", {**ARTEFACT, "status": "revoked"})],
    "me_nomination_records": [RECORDS_EXAMPLE],
}

ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}
WRITE = {**ERRORS, 409: ErrorOutput, 415: ErrorOutput}
citizen = Operations(
    examples=EXAMPLES,
    auth=[{"citizenToken": []}, {"cookieAuth": []}],
    tags=["citizens: nomination"],
)
citizen(
    MyNomination,
    "get",
    "me_nomination_list",
    "Your nominations, live and past",
    {200: NominationOutput(many=True), **ERRORS},
)
citizen(
    MyNomination,
    "post",
    "me_nomination_name",
    "Name a nominee",
    {201: NominationOutput, **WRITE},
    request=NominationInput,
    description="Names the person who may exercise your rights if you die or become unable "
    "to (DPDP Act 2023 s.14). They accept by signing in with the identifier you give. A new "
    "nomination replaces one not acted on; yourself is refused (400 naming `identifier`).",
)
citizen(
    MyNomination,
    "delete",
    "me_nomination_withdraw",
    "Withdraw your nomination",
    {200: NominationOutput, **ERRORS},
    description="At any time, whatever its state: a pending report of death or incapacity "
    "falls with it.",
)
citizen(
    MyNominations,
    "get",
    "me_nominations_list",
    "Nominations naming you",
    {200: NominationOutput(many=True), **ERRORS},
)
citizen(
    MyNominationAccept,
    "post",
    "me_nomination_accept",
    "Accept a nomination",
    {200: NominationOutput, **WRITE},
    request=None,
)
citizen(
    MyNominationDecline,
    "post",
    "me_nomination_decline",
    "Decline a nomination",
    {200: NominationOutput, **WRITE},
    request=None,
)
citizen(
    MyNominationReport,
    "post",
    "me_nomination_report",
    "Report the death or incapacity of the citizen who named you",
    {200: NominationOutput, **WRITE},
    request=NominationReportInput,
    description="With a reference to the supporting record held elsewhere. The citizen is "
    "told at once; Suchi's grievance officer reviews. Approved, you may withdraw their "
    "consents and export their records.",
)
citizen(
    MyNominationArtefacts,
    "get",
    "me_nomination_artefacts",
    "The consents of the citizen you act for",
    {200: page_of(ConsentArtefactOutput, "NomineeArtefactPage"), **ERRORS},
    parameters=[
        OpenApiParameter("status", str, enum=list(ConsentArtefact.Status.values), required=False)
    ],
)
citizen(
    MyNominationArtefactRevoke,
    "post",
    "me_nomination_artefact_revoke",
    "Withdraw a consent of the citizen you act for",
    {200: ConsentArtefactOutput, **WRITE},
    request=None,
)
citizen(
    MyNominationRecords,
    "get",
    "me_nomination_records",
    "The records of the citizen you act for, signed",
    {
        200: OpenApiResponse(
            description="As GET /api/v1/me/records: RFC 8785 JSON, signed in X-Suchi-Signature",
            response=dict,
        ),
        **ERRORS,
    },
)
