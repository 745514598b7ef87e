"""Exchange API serializers: strict input (unknown fields are errors naming them) and output."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog import iris
from core.api.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
    page_of,
)

from ..models import AccessRequest, AgreementReceipt, DataUseAgreement
from ..terms import delete_by, purposes

MAX_DESCRIPTION = 5000


class DataRangeInput(StrictSerializer):
    """`{"from": date, "to": date}` (`from` is a Python keyword, hence get_fields)."""

    def get_fields(self):
        return {
            "from": serializers.DateField(required=False, allow_null=True, default=None),
            "to": serializers.DateField(required=False, allow_null=True, default=None),
        }


class ResponsibleInput(StrictSerializer):
    name = StrictCharField(max_length=200)
    email = serializers.EmailField(max_length=254)


class AccessRequestInput(StrictSerializer):
    datasets = serializers.ListField(
        child=serializers.UUIDField(), min_length=1, max_length=50, help_text="Dataset ids"
    )
    purpose = serializers.ChoiceField(choices=[])
    description = StrictCharField(max_length=MAX_DESCRIPTION, help_text="What for, and how")
    duration_days = StrictIntegerField(min_value=1, max_value=3650)
    data_range = DataRangeInput(required=False)
    responsible = ResponsibleInput(
        required=False,
        help_text="The person answerable for the use; the institution's contact when omitted",
    )
    model_name = StrictCharField(
        max_length=200, required=False, default="", help_text="For ai-training: the model"
    )
    outputs_released = StrictBooleanField(
        required=False, allow_null=True, default=None, help_text="For ai-training"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = list(purposes())


class BasisInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=list(DataUseAgreement.Basis.values)[1:])
    statement = StrictCharField(max_length=2000, required=False, default="")


class ApproveInput(StrictSerializer):
    terms = serializers.JSONField(
        required=False,
        default=dict,
        help_text="permitted_uses, prohibited_uses, onward_transfer, retention_days, "
        "attribution, output_obligations (docs/exchange.md); the provider's template fills "
        "what is left out",
    )
    basis = BasisInput(required=False, allow_null=True, default=None)


class ReasonInput(StrictSerializer):
    reason = StrictCharField(max_length=2000, required=False, default="")


class RejectInput(StrictSerializer):
    reason = StrictCharField(max_length=2000)


class MessageInput(StrictSerializer):
    text = StrictCharField(max_length=MAX_DESCRIPTION)


class ReleaseInputSerializer(StrictSerializer):
    served_at = serializers.DateTimeField()
    dataset = serializers.UUIDField(required=False, allow_null=True, default=None)
    record_count = StrictIntegerField(min_value=0, required=False, allow_null=True, default=None)
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$", required=False, default="")
    note = StrictCharField(max_length=500, required=False, default="")


class PolicyInput(StrictSerializer):
    max_duration_days = StrictIntegerField(min_value=1, max_value=3650)
    terms_template = serializers.JSONField(required=False, default=dict)


# --- Output ----------------------------------------------------------------------------------
class PartyOutput(serializers.Serializer):
    id = serializers.CharField(source="slug")
    name = serializers.CharField()


class ExchangeDatasetBrief(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    uri = serializers.SerializerMethodField()

    def get_uri(self, dataset) -> str:
        return iris.dataset(settings.SUCHI_SITE_URL, dataset.pk)


def purpose_of(code: str) -> dict:
    known = purposes().get(code, {})
    return {"code": code, "name": known.get("name", code), "dpv": known.get("dpv", "")}


class ExchangePurpose(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    dpv = serializers.URLField()


class MessageOutput(serializers.Serializer):
    institution = serializers.CharField(source="institution.slug")
    author = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class AgreementRef(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()


class AccessRequestOutput(serializers.ModelSerializer):
    consumer = PartyOutput()
    provider = PartyOutput()
    datasets = ExchangeDatasetBrief(many=True)
    purpose = serializers.SerializerMethodField()
    data_range = serializers.SerializerMethodField()
    responsible = serializers.SerializerMethodField()
    ai_training = serializers.SerializerMethodField()
    messages = MessageOutput(many=True)
    agreement = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id", "status", "consumer", "provider", "datasets", "purpose", "description",
            "duration_days", "data_range", "responsible", "ai_training", "reason", "messages",
            "agreement", "created_at", "updated_at",
        ]  # fmt: skip

    def get_purpose(self, request) -> ExchangePurpose:
        return purpose_of(request.purpose)

    def get_data_range(self, request) -> dict:
        return {
            "from": request.data_from.isoformat() if request.data_from else None,
            "to": request.data_to.isoformat() if request.data_to else None,
        }

    def get_responsible(self, request) -> dict:
        return {"name": request.responsible_name, "email": request.responsible_email}

    def get_ai_training(self, request) -> dict | None:
        if request.purpose != "ai-training":
            return None
        return {"model": request.model_name, "outputs_released": request.outputs_released}

    @extend_schema_field(AgreementRef(allow_null=True))
    def get_agreement(self, request) -> dict | None:
        agreement = getattr(request, "agreement", None)
        return {"id": str(agreement.pk), "status": agreement.status} if agreement else None


class AgreementOutput(serializers.ModelSerializer):
    request = serializers.UUIDField(source="request_id")
    consumer = PartyOutput()
    provider = PartyOutput()
    datasets = ExchangeDatasetBrief(many=True)
    purpose = serializers.SerializerMethodField()
    delete_by = serializers.SerializerMethodField()
    artefact = serializers.CharField(source="jws", help_text="The compact JWS, EdDSA")
    links = serializers.SerializerMethodField()

    class Meta:
        model = DataUseAgreement
        fields = [
            "id", "request", "status", "consumer", "provider", "datasets", "purpose", "basis",
            "terms", "valid_from", "valid_until", "delete_by", "updated_at", "kid", "claims",
            "artefact", "links",
        ]  # fmt: skip

    def get_purpose(self, agreement) -> ExchangePurpose:
        return purpose_of(agreement.purpose)

    def get_delete_by(self, agreement) -> str:
        return delete_by(agreement.valid_until, agreement.terms).isoformat()

    def get_links(self, agreement) -> dict:
        site = settings.SUCHI_SITE_URL
        return {
            "status": f"{site}/api/v1/agreements/{agreement.pk}/status",
            "receipts": f"{site}/api/v1/agreements/{agreement.pk}/receipts",
            "jwks": f"{site}/.well-known/jwks.json",
        }


class AgreementStatusOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    valid_until = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class AgreementReceiptOutput(serializers.ModelSerializer):
    agreement = serializers.UUIDField(source="agreement_id")
    dataset = serializers.UUIDField(source="dataset_id", allow_null=True)

    class Meta:
        model = AgreementReceipt
        fields = [
            "id", "agreement", "outcome", "agreement_status", "dataset", "record_count",
            "sha256", "note", "served_at", "created_at",
        ]  # fmt: skip


class RegisterEntry(serializers.Serializer):
    """One line of the public register: nothing the parties keep to themselves."""

    id = serializers.UUIDField()
    consumer = PartyOutput()
    provider = PartyOutput()
    datasets = ExchangeDatasetBrief(many=True)
    purpose = serializers.SerializerMethodField()
    status = serializers.CharField()
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()

    def get_purpose(self, agreement) -> ExchangePurpose:
        return purpose_of(agreement.purpose)


AccessRequestPage = page_of(AccessRequestOutput, "AccessRequestPage")
AgreementPage = page_of(AgreementOutput, "AgreementPage")
AgreementReceiptPage = page_of(AgreementReceiptOutput, "AgreementReceiptPage")
RegisterPage = page_of(RegisterEntry, "RegisterPage")
