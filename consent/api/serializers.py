"""Consent API serializers: strict input (unknown fields are errors), plain output."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictCharField, StrictIntegerField, StrictSerializer
from registry.payload import SHA256
from registry.vocabularies import languages

from .. import selectors
from ..models import (
    UNITS,
    AccessReceipt,
    ConsentEvent,
    ConsentRequest,
    PurposeCode,
    WebhookDelivery,
    WebhookEndpoint,
)
from ..profiles import PROFILES
from ..services.erasure import erase_by, erasure_state


class PurposeOutput(serializers.ModelSerializer):
    dpv = serializers.URLField(source="dpv_iri")

    class Meta:
        model = PurposeCode
        fields = ["code", "name", "description", "dpv", "source"]


# --- Input -----------------------------------------------------------------------------------
class PurposeInput(StrictSerializer):
    code = StrictCharField(max_length=16)
    text = StrictCharField(max_length=2000)


class DateRangeInput(StrictSerializer):
    """`{"from": date, "to": date}` (`from` is a Python keyword, hence get_fields)."""

    def get_fields(self):
        return {"from": serializers.DateField(), "to": serializers.DateField()}


class PeriodInput(StrictSerializer):
    unit = serializers.ChoiceField(choices=UNITS)
    value = StrictIntegerField(min_value=1, max_value=1000)


class NoticeInput(StrictSerializer):
    text = StrictCharField(max_length=20000)
    version = StrictCharField(max_length=40, required=False, default="")
    language = StrictCharField(max_length=8, required=False, default="en")

    def validate_language(self, value: str) -> str:
        if value not in languages():
            raise serializers.ValidationError("Unknown language; use an ISO 639-1 code.")
        return value


class LinkedAccountInput(StrictSerializer):
    provider = StrictCharField(max_length=100)
    link_reference = StrictCharField(max_length=128)


def _words():
    """A list of AA/ABDM words; the service checks them against consent.vocabulary."""
    return serializers.ListField(
        child=StrictCharField(max_length=40), required=False, default=list, max_length=30
    )


class ConsentRequestInput(StrictSerializer):
    citizen = StrictCharField(max_length=64)
    purpose = PurposeInput()
    datasets = serializers.ListField(child=serializers.UUIDField(), max_length=50)
    access_mode = serializers.ChoiceField(choices=ConsentRequest.AccessMode.values)
    data_range = DateRangeInput()
    fetch_type = serializers.ChoiceField(choices=ConsentRequest.FetchType.values)
    frequency = PeriodInput(required=False, allow_null=True, default=None)
    data_life = PeriodInput()
    expires_at = serializers.DateTimeField()
    notice = NoticeInput()
    accounts = serializers.ListField(
        child=LinkedAccountInput(), required=False, default=list, max_length=50
    )
    consent_types = _words()
    fi_types = _words()
    hi_types = _words()
    data_filters = serializers.ListField(
        child=serializers.DictField(), required=False, default=list, max_length=10
    )


class GrantInput(StrictSerializer):
    datasets = serializers.ListField(
        child=serializers.UUIDField(), required=False, allow_null=True, default=None
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    accounts = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        allow_null=True,
        default=None,
        max_length=50,
        help_text="Ids of your linked accounts to cover (default: those the request names)",
    )


class ReceiptInputSerializer(StrictSerializer):
    data_range = DateRangeInput()
    record_count = StrictIntegerField(min_value=0, max_value=2**31 - 1)
    sha256 = StrictCharField(min_length=64, max_length=64)
    served_at = serializers.DateTimeField()

    def validate_sha256(self, value: str) -> str:
        if not SHA256.match(value):
            raise serializers.ValidationError("64 lower-case hexadecimal digits.")
        return value


class TokenRequestInput(StrictSerializer):
    handle = StrictCharField(max_length=64)
    password = StrictCharField(max_length=200, trim_whitespace=False)


class WebhookEndpointInput(StrictSerializer):
    url = StrictCharField(max_length=2000)
    events = serializers.ListField(
        child=StrictCharField(max_length=24), required=False, default=list
    )
    description = StrictCharField(max_length=200, required=False, default="")


# --- Output ----------------------------------------------------------------------------------
class InstitutionBrief(serializers.Serializer):
    id = serializers.CharField(source="slug")
    name = serializers.CharField()


class DatasetBrief(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    provider = serializers.CharField(source="institution.slug")


class PeriodOutput(serializers.Serializer):
    unit = serializers.CharField()
    value = serializers.IntegerField()


class LinkedAccountOutput(serializers.Serializer):
    """A linked account (consent.AccountLink), as its citizen and the parties see it."""

    id = serializers.UUIDField()
    provider = InstitutionBrief()
    link_reference = serializers.CharField()
    masked_reference = serializers.CharField()
    type = serializers.CharField(source="account_type")
    label = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    delinked_at = serializers.DateTimeField(allow_null=True)


class ConsentRequestOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    consumer = InstitutionBrief()
    citizen = serializers.CharField(source="citizen_handle")
    purpose = serializers.SerializerMethodField()
    datasets = DatasetBrief(many=True, source="datasets.all")
    access_mode = serializers.CharField()
    data_range = serializers.SerializerMethodField()
    fetch_type = serializers.CharField()
    frequency = serializers.SerializerMethodField()
    data_life = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()
    respond_by = serializers.DateTimeField()
    notice = serializers.SerializerMethodField()
    accounts = serializers.SerializerMethodField(
        help_text="The linked accounts the request names, as the consumer named them"
    )
    consent_types = serializers.ListField(child=serializers.CharField())
    fi_types = serializers.ListField(child=serializers.CharField())
    hi_types = serializers.ListField(child=serializers.CharField())
    data_filters = serializers.ListField(child=serializers.DictField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_purpose(self, request: ConsentRequest) -> dict:
        return {
            "code": request.purpose.code,
            "name": request.purpose.name,
            "text": request.purpose_text,
            "dpv": request.purpose.dpv_iri,
        }

    def get_data_range(self, request: ConsentRequest) -> dict:
        return {"from": request.data_from.isoformat(), "to": request.data_to.isoformat()}

    @extend_schema_field(LinkedAccountInput(many=True))
    def get_accounts(self, request: ConsentRequest) -> list[dict]:
        # Only what the consumer sent: the link's live state and the provider's words about
        # the account are the citizen's, and the consumer sees them in a granted artefact.
        return [
            {"provider": link.provider.slug, "link_reference": link.link_reference}
            for link in request.accounts.all()
        ]

    def get_frequency(self, request: ConsentRequest) -> dict | None:
        if request.frequency_value is None:
            return None
        return {"unit": request.frequency_unit, "value": request.frequency_value}

    def get_data_life(self, request: ConsentRequest) -> dict:
        return {"unit": request.data_life_unit, "value": request.data_life_value}

    def get_notice(self, request: ConsentRequest) -> dict:
        return {
            "text": request.notice_text,
            "version": request.notice_version,
            "language": request.notice_language,
            "sha256": request.notice_sha256,
        }


class ConsentArtefactOutput(serializers.Serializer):
    id = serializers.UUIDField()
    request = serializers.UUIDField(source="request_id")
    status = serializers.CharField()
    citizen = serializers.CharField(source="citizen.handle")
    consumer = InstitutionBrief()
    provider = InstitutionBrief()
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    kid = serializers.CharField()
    claims = serializers.JSONField()
    jws = serializers.CharField()
    erasure = serializers.SerializerMethodField(
        help_text="The consumer's duty to erase: `state` (none, due, overdue, confirmed), "
        "`erase_by`, and `confirmed_at` once confirmed"
    )

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "state": {"type": "string", "enum": ["none", "due", "overdue", "confirmed"]},
                "erase_by": {"type": "string", "format": "date-time"},
                "confirmed_at": {"type": "string", "format": "date-time", "nullable": True},
            },
            "required": ["state", "erase_by", "confirmed_at"],
        }
    )
    def get_erasure(self, artefact) -> dict:
        confirmation = getattr(artefact, "erasure", None)
        return {
            "state": erasure_state(artefact),
            "erase_by": serializers.DateTimeField().to_representation(erase_by(artefact)),
            "confirmed_at": (
                serializers.DateTimeField().to_representation(confirmation.confirmed_at)
                if confirmation
                else None
            ),
        }


class ErasureInput(StrictSerializer):
    statement = StrictCharField(
        max_length=2000, help_text="What was erased, and how (kept; its hash is signed)"
    )


class ErasureOutput(serializers.Serializer):
    artefact = serializers.UUIDField(source="artefact_id")
    confirmed_at = serializers.DateTimeField()
    statement = serializers.CharField()
    confirmed_by = serializers.CharField()
    receipt = serializers.CharField(
        source="jws", help_text="Suchi's signed receipt (compact JWS, keys in the JWKS)"
    )


class ErasureDueOutput(serializers.Serializer):
    """An artefact whose data the consumer must erase, or has erased."""

    artefact = serializers.UUIDField(source="pk")
    status = serializers.CharField()
    provider = InstitutionBrief()
    citizen = serializers.CharField(source="citizen.handle")
    erase_by = serializers.DateTimeField()
    state = serializers.CharField(source="erasure_state")


class ArtefactProfileOutput(serializers.Serializer):
    """An artefact read as an interoperable profile (consent.profiles)."""

    profile = serializers.ChoiceField(choices=PROFILES)
    document = serializers.DictField(help_text="The profile's document")
    signature = serializers.CharField(
        help_text="Compact JWS (EdDSA) whose payload is the RFC 8785 JSON of `document`"
    )


class ArtefactStatusOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    valid_until = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ReceiptOutput(serializers.ModelSerializer):
    artefact = serializers.UUIDField(source="artefact_id")
    provider = serializers.CharField(source="artefact.provider.slug")
    consumer = serializers.CharField(source="artefact.consumer.slug")
    data_range = serializers.SerializerMethodField()

    class Meta:
        model = AccessReceipt
        fields = [
            "id",
            "artefact",
            "provider",
            "consumer",
            "data_range",
            "record_count",
            "sha256",
            "served_at",
            "created_at",
        ]

    def get_data_range(self, receipt: AccessReceipt) -> dict:
        return {"from": receipt.data_from.isoformat(), "to": receipt.data_to.isoformat()}


class EventOutput(serializers.ModelSerializer):
    citizen = serializers.CharField(source="citizen.handle")
    request = serializers.UUIDField(source="request_id", allow_null=True)
    artefact = serializers.UUIDField(source="artefact_id", allow_null=True)

    class Meta:
        model = ConsentEvent
        fields = [
            "event_id",
            "citizen",
            "seq",
            "kind",
            "request",
            "artefact",
            "actor",
            "data",
            "created_at",
            "prev_hash",
            "hash",
        ]


class WebhookEndpointOutput(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "description", "is_active", "created_at"]


class WebhookDeliveryOutput(serializers.ModelSerializer):
    endpoint = serializers.UUIDField(source="endpoint_id")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
        ]


class TokenOutput(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()


class CitizenOutput(serializers.Serializer):
    handle = serializers.CharField()
    language = serializers.CharField()
    name = serializers.CharField(source="user.get_full_name")


def consents_data(citizen) -> dict:
    """A citizen's requests, artefacts and receipts, as their exports state them (the consent
    export and the DPDP records download)."""
    return {
        "consent_requests": ConsentRequestOutput(
            selectors.requests_of_citizen(citizen=citizen), many=True
        ).data,
        "consent_artefacts": ConsentArtefactOutput(
            selectors.artefacts_of_citizen(citizen=citizen), many=True
        ).data,
        "access_receipts": ReceiptOutput(
            selectors.receipts_of_citizen(citizen=citizen), many=True
        ).data,
    }
