"""Nomination API: strict input, plain output."""

from rest_framework import serializers

from core.api.serializers import StrictCharField, StrictSerializer

from ..models import NOMINATION_TEXT_MAX, NominationEvent


class NominationInput(StrictSerializer):
    name = StrictCharField(max_length=200, help_text="Your nominee's name")
    identifier = StrictCharField(
        max_length=254,
        help_text="Their e-mail address or mobile number: they accept by signing in with it",
    )


class NominationReportInput(StrictSerializer):
    event = serializers.ChoiceField(choices=NominationEvent.values)
    reference = StrictCharField(
        max_length=300,
        help_text="The supporting record held elsewhere (e.g. a death certificate number); "
        "Suchi stores no documents",
    )
    text = StrictCharField(
        max_length=NOMINATION_TEXT_MAX, required=False, allow_blank=True, default=""
    )


class NominationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    citizen = serializers.CharField(source="citizen.handle")
    name = serializers.CharField()
    identifier = serializers.CharField(source="identifier_value")
    nominee = serializers.SerializerMethodField(help_text="The nominee's handle, once accepted")
    status = serializers.CharField()
    event = serializers.CharField()
    evidence_reference = serializers.CharField()
    review_text = serializers.CharField()
    created_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    reported_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)

    def get_nominee(self, obj) -> str | None:
        return obj.nominee.handle if obj.nominee_id else None
