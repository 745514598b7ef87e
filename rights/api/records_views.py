"""The citizen's records (`GET /api/v1/me/records`: everything Suchi holds about them, signed)
and closing their account (`POST /api/v1/me/close`)."""

import rfc8785
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.response import Response

from consent import selectors as consent_selectors
from consent.api.serializers import (
    CitizenOutput,
    EventOutput,
    LinkedAccountOutput,
    consents_data,
)
from consent.api.views.common import CitizenView
from consent.services import export_checkpoint
from core.api.serializers import validated
from identity.api.guardian_serializers import GuardianshipOutput
from identity.models import Guardianship, Notification, VerifiedIdentifier

from .. import selectors
from ..models import Nomination
from ..records import RECORDS_FORMAT, account_close, records_sign
from .nomination_serializers import NominationOutput
from .records_serializers import AccountClosedOutput, AccountCloseInput, NoticeOutput
from .serializers import GrievanceOutput


def _z(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def _plain(value):
    """Serializer output (ReturnDict, ReturnList, OrderedDict) as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# Long: one line per kind of record, the document's whole shape in one place.
def records_document(citizen) -> dict:
    """Everything Suchi holds about the citizen, as plain JSON values."""
    notices = Notification.objects.filter(
        citizen=citizen, channel=Notification.Channel.INBOX
    ).order_by("created_at", "id")
    identifiers = VerifiedIdentifier.objects.filter(citizen=citizen).order_by("kind", "value")
    return _plain(
        {
            "format": RECORDS_FORMAT,
            "exported_at": _z(timezone.now()),
            "citizen": {
                **CitizenOutput(citizen).data,
                "created_at": _z(citizen.created_at),
                "closed_at": _z(citizen.closed_at),
            },
            "identifiers": [{"kind": i.kind, "value": i.value} for i in identifiers],
            **consents_data(citizen),
            "linked_accounts": LinkedAccountOutput(
                consent_selectors.links_of_citizen(citizen=citizen), many=True
            ).data,
            "grievances": GrievanceOutput(
                selectors.grievances_of_citizen(citizen=citizen), many=True
            ).data,
            "notices": NoticeOutput(notices, many=True).data,
            "nominations": NominationOutput(
                Nomination.objects.filter(citizen=citizen).select_related("citizen", "nominee"),
                many=True,
            ).data,
            "guardianships": GuardianshipOutput(
                Guardianship.objects.filter(ward=citizen).select_related("ward", "guardian"),
                many=True,
            ).data,
            "ledger": {
                "head": citizen.ledger_head,
                "checkpoint": export_checkpoint(citizen=citizen),
                "events": EventOutput(
                    consent_selectors.events_of_citizen(citizen=citizen), many=True
                ).data,
            },
        }
    )


def records_response(citizen) -> HttpResponse:
    """The citizen's records as a signed JSON download (for them, or their nominee)."""
    body = rfc8785.dumps(records_document(citizen))
    response = HttpResponse(body, content_type="application/json")
    response["X-Suchi-Signature"] = records_sign(body)
    handle = citizen.handle.replace("@", "-at-")
    response["Content-Disposition"] = f'attachment; filename="suchi-records-{handle}.json"'
    response["Cache-Control"] = "no-store"
    return response


class MyRecords(CitizenView):
    def get(self, request):
        return records_response(self.citizen)


class MyAccountClose(CitizenView):
    def post(self, request):
        data = validated(AccountCloseInput, request)
        done = account_close(
            citizen=self.citizen,
            confirm=data["confirm"],
            actor=f"citizen {self.citizen.handle}",
        )
        return Response(AccountClosedOutput(done).data)
