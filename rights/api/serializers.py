"""Grievance and breach APIs: strict input, plain output."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictCharField, StrictSerializer

from ..models import (
    BREACH_CONTACT_MAX,
    BREACH_TEXT_MAX,
    GRIEVANCE_TEXT_MAX,
    GrievanceKind,
    GrievanceOutcome,
)


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
    kind = serializers.ChoiceField(
        choices=GrievanceKind.values,
        required=False,
        default="grievance",
        help_text="A grievance (s.13), or a request to correct, complete, update or erase "
        "personal data (s.12), which needs `institution`",
    )
    artefact = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="One of your consents with the institution, if it is about data shared under it",
    )


class GrievanceTextInput(StrictSerializer):
    text = StrictCharField(max_length=GRIEVANCE_TEXT_MAX)


class GrievanceAnswerInput(StrictSerializer):
    text = StrictCharField(max_length=GRIEVANCE_TEXT_MAX)
    outcome = serializers.ChoiceField(
        choices=GrievanceOutcome.values,
        required=False,
        default="",
        help_text="Required for a request under s.12 (correction, completion, update, "
        "erasure): what was done",
    )


class GrievanceStepOutput(serializers.Serializer):
    kind = serializers.CharField()
    by = serializers.SerializerMethodField(
        help_text="Who took the step, as a role: citizen, institution, grievance officer, or "
        "suchi (the due date passed). Names and handles are not shown to the other side."
    )
    text = serializers.CharField()
    at = serializers.DateTimeField()

    def get_by(self, step) -> str:
        actor = step.actor
        if actor.startswith("citizen"):
            return "citizen"
        if actor.startswith("grievance officer"):
            return "grievance officer"
        if actor.startswith("system"):
            return "suchi"
        return "institution"


class GrievanceInstitutionOutput(serializers.Serializer):
    id = serializers.CharField(source="slug")
    name = serializers.CharField()


class GrievanceOutput(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.CharField()
    kind = serializers.CharField()
    artefact = serializers.UUIDField(source="artefact_id", allow_null=True)
    outcome = serializers.CharField()
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


# --- Breach reports (DPDP Rules 2025, rule 7) --------------------------------------------------
class BreachInput(StrictSerializer):
    description = StrictCharField(
        max_length=BREACH_TEXT_MAX,
        help_text="The breach: its nature, extent, timing and location (rule 7(1)(a))",
    )
    consequences = StrictCharField(
        max_length=BREACH_TEXT_MAX, help_text="Its likely consequences for the citizens"
    )
    mitigation = StrictCharField(
        max_length=BREACH_TEXT_MAX, help_text="What the institution has done and is doing"
    )
    safety_steps = StrictCharField(
        max_length=BREACH_TEXT_MAX, help_text="What citizens can do to protect themselves"
    )
    contact = StrictCharField(
        max_length=BREACH_CONTACT_MAX,
        help_text="Who answers citizens' questions: a name, and an e-mail address or phone",
    )
    occurred_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When it happened, if known"
    )
    discovered_at = serializers.DateTimeField(help_text="When the institution found it")
    datasets = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=100,
        help_text="Datasets affected: the institution's own, or received under consent",
    )
    artefacts = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=1000,
        help_text="Consent artefacts affected (the institution is their provider or consumer)",
    )


class BreachDatasetOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()


class StatusCountsOutput(serializers.Serializer):
    pending = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()


class DeliveryOutput(serializers.Serializer):
    inbox = StatusCountsOutput()
    email = StatusCountsOutput()
    sms = StatusCountsOutput()


class BreachOutput(serializers.Serializer):
    """A report, with `delivery` (the counts of its notifications by channel and status) in
    the context, under the report's id."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    description = serializers.CharField()
    consequences = serializers.CharField()
    mitigation = serializers.CharField()
    safety_steps = serializers.CharField()
    contact = serializers.CharField()
    occurred_at = serializers.DateTimeField(allow_null=True)
    discovered_at = serializers.DateTimeField()
    datasets = BreachDatasetOutput(many=True, source="datasets.all")
    artefacts = serializers.SerializerMethodField()
    affected = serializers.IntegerField(help_text="Citizens told (once they have been)")
    notified_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    delivery = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_artefacts(self, report) -> list[str]:
        return [str(artefact.pk) for artefact in report.artefacts.all()]

    @extend_schema_field(DeliveryOutput)
    def get_delivery(self, report) -> dict:
        counts = self.context.get("delivery", {}).get(report.pk, {})
        return {
            channel: {s: counts.get(channel, {}).get(s, 0) for s in ("pending", "sent", "failed")}
            for channel in ("inbox", "email", "sms")
        }
