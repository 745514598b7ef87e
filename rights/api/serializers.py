"""Grievance API: strict input, plain output."""

from rest_framework import serializers

from core.api.serializers import StrictCharField, StrictSerializer

from ..models import GRIEVANCE_TEXT_MAX


class GrievanceInput(StrictSerializer):
    institution = StrictCharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="The institution's id (slug); leave out for a grievance about Suchi itself",
    )
    subject = StrictCharField(max_length=200)
    text = StrictCharField(max_length=GRIEVANCE_TEXT_MAX)


class GrievanceTextInput(StrictSerializer):
    text = StrictCharField(max_length=GRIEVANCE_TEXT_MAX)


class GrievanceStepOutput(serializers.Serializer):
    kind = serializers.CharField()
    actor = serializers.CharField()
    text = serializers.CharField()
    at = serializers.DateTimeField()


class GrievanceInstitutionOutput(serializers.Serializer):
    id = serializers.CharField(source="slug")
    name = serializers.CharField()


class GrievanceOutput(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.CharField()
    institution = GrievanceInstitutionOutput(allow_null=True)
    subject = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    steps = GrievanceStepOutput(many=True, source="steps.all")


class GrievanceStatsOutput(serializers.Serializer):
    received = serializers.IntegerField()
    answered = serializers.IntegerField()
    answered_in_time = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Not answered by the due date (so far)")
    escalated = serializers.IntegerField()
    resolved = serializers.IntegerField()
    median_days_to_answer = serializers.FloatField(allow_null=True)
    answer_within_days = serializers.IntegerField(help_text="The published period (≤ 90)")
