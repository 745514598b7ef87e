"""Guardians API: strict input, plain output."""

from rest_framework import serializers

from core.api.serializers import StrictCharField, StrictSerializer

from ..guardians import ORDER_REFERENCE_MAX
from ..models import GuardianRelationship, GuardianshipBasis


class GuardianNameInput(StrictSerializer):
    guardian = StrictCharField(
        max_length=254,
        help_text="The guardian's e-mail address or mobile number, verified in Suchi",
    )
    basis = serializers.ChoiceField(
        choices=GuardianshipBasis.values,
        help_text="`minor` for a child under 18; `disability` for a lawful guardian",
    )
    order_reference = StrictCharField(
        max_length=ORDER_REFERENCE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="For `disability`: the court or authority order that appointed the guardian",
    )


class GuardianConfirmInput(StrictSerializer):
    code = StrictCharField(
        max_length=12,
        help_text="A fresh one-time code sent to the identifier you were named by "
        "(POST /api/v1/auth/otp)",
    )
    relationship = serializers.ChoiceField(choices=GuardianRelationship.values)
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Your date of birth, if your account has not declared it (a guardian is "
        "an adult)",
    )
    token_reference = StrictCharField(
        max_length=ORDER_REFERENCE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional: a virtual token of identity and age (e.g. from DigiLocker), "
        "by reference",
    )


class GuardianshipOutput(serializers.Serializer):
    id = serializers.UUIDField()
    ward = serializers.CharField(source="ward.handle")
    guardian = serializers.SerializerMethodField(help_text="The guardian's handle, once confirmed")
    named_identifier = serializers.SerializerMethodField(
        help_text="The e-mail address or mobile number the ward named"
    )
    basis = serializers.CharField()
    relationship = serializers.CharField()
    order_reference = serializers.CharField()
    status = serializers.CharField()
    verification = serializers.JSONField()
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()

    def get_guardian(self, obj) -> str | None:
        return obj.guardian.handle if obj.guardian_id else None

    def get_named_identifier(self, obj) -> str:
        return obj.identifier_value
