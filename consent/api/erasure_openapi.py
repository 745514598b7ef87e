"""The consumer's erasure confirmations in the OpenAPI document. Imported by urls.py."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from core.api.schema import Operations
from core.api.serializers import ErrorOutput

from .serializers import ErasureDueOutput, ErasureInput, ErasureOutput
from .views.erasure import STATES, ArtefactErasure, ErasureList

_ID = "09c358f4-9b77-47ea-b247-4c61d67d9352"
_CONFIRMED = {
    "artefact": _ID,
    "confirmed_at": "2026-12-20T10:00:00Z",
    "statement": "Deleted the discharge summary from the claims system and its backups.",
    "confirmed_by": "token suraksha:ab12",
    "receipt": "eyJhbGciOiJFZERTQSJ9.eyJzY2hlbWEiOiJzdWNoaS5lcmFzdXJlLXJlY2VpcHQvMSJ9.c2ln",
}
EXAMPLES = {
    "erasures_list": [
        OpenApiExample(
            "One overdue",
            value={
                "artefact": _ID,
                "status": "revoked",
                "provider": {"id": "ka-health", "name": "Department of Health, Karnataka"},
                "citizen": "asha@suchi",
                "erase_by": "2027-01-01T10:00:00Z",
                "state": "overdue",
            },
            response_only=True,
            status_codes=["200"],
        )
    ],
    "consent_artefacts_erasure_retrieve": [
        OpenApiExample("Confirmed", value=_CONFIRMED, response_only=True, status_codes=["200"])
    ],
    "consent_artefacts_erasure_create": [
        OpenApiExample(
            "The statement", value={"statement": _CONFIRMED["statement"]}, request_only=True
        ),
        OpenApiExample("Confirmed", value=_CONFIRMED, response_only=True, status_codes=["201"]),
    ],
}
ERRORS = {400: ErrorOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput}

consumer = Operations(
    examples=EXAMPLES, auth=[{"institutionToken": []}], tags=["consent: consumers"]
)
consumer(
    ErasureList,
    "get",
    "erasures_list",
    "What this consumer must erase: consents that ended, with their erase-by dates",
    {200: ErasureDueOutput(many=True), **ERRORS},
    parameters=[OpenApiParameter("state", str, enum=STATES, required=False)],
    description="`due`: the consent ended, erase by `erase_by`; `overdue`: not confirmed by "
    "then; `confirmed`. Erase-by: SUCHI_ERASURE_GRACE_DAYS after a revocation, and at the "
    "latest the data life after the consent's end.",
)
consumer(
    ArtefactErasure,
    "get",
    "consent_artefacts_erasure_retrieve",
    "The consumer's confirmation that it erased this artefact's data",
    {200: ErasureOutput, **ERRORS},
)
consumer(
    ArtefactErasure,
    "post",
    "consent_artefacts_erasure_create",
    "Confirm that the data received under this artefact is erased",
    {201: ErasureOutput, **ERRORS, 409: ErrorOutput, 415: ErrorOutput},
    request=ErasureInput,
    description="Once per artefact. Suchi signs a receipt (`suchi.erasure-receipt/1`: "
    "artefact, consumer, provider, citizen, time, SHA-256 of the statement), records "
    "`erasure.confirmed` in the citizen's ledger, and tells the citizen and the provider.",
)
