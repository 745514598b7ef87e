from rest_framework import serializers

from core.api.serializers import StrictCharField, StrictIntegerField, StrictSerializer

from ..models import HarvestJob, HarvestSource


class HarvestSourceInput(StrictSerializer):
    name = StrictCharField(max_length=200)
    kind = serializers.ChoiceField(choices=HarvestSource.Kind.values)
    url = StrictCharField(max_length=2000)
    frequency = serializers.ChoiceField(
        choices=HarvestSource.Frequency.values, required=False, default="manual"
    )
    withdraw_grace_hours = StrictIntegerField(
        min_value=0, max_value=24 * 365, required=False, default=0
    )


class HarvestJobOutput(serializers.ModelSerializer):
    source = serializers.UUIDField(source="source_id")
    counts = serializers.SerializerMethodField()

    class Meta:
        model = HarvestJob
        fields = [
            "id",
            "source",
            "status",
            "trigger",
            "stage",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
            "abort_requested",
            "pages",
            "counts",
            "error",
            "errors",
        ]

    def get_counts(self, job: HarvestJob) -> dict[str, int]:
        return {
            "gathered": job.gathered,
            "added": job.added,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "withdrawn": job.withdrawn,
            "failed": job.failed,
        }


class HarvestSourceOutput(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.slug")

    class Meta:
        model = HarvestSource
        fields = [
            "id",
            "institution",
            "name",
            "kind",
            "url",
            "frequency",
            "withdraw_grace_hours",
            "is_active",
            "next_run_at",
            "created_at",
        ]


class HarvestJobProgressOutput(serializers.Serializer):
    gathered = serializers.IntegerField(help_text="Records read from the source so far")
    imported = serializers.IntegerField(
        help_text="Records imported (added, updated, unchanged or failed)"
    )
    to_import = serializers.IntegerField(
        allow_null=True, help_text="Records to import; null while the source is being read"
    )
    validated = serializers.IntegerField(
        help_text="Datasets the job added or changed whose validation has settled"
    )
    to_validate = serializers.IntegerField(help_text="Datasets the job added or changed")
    settled = serializers.BooleanField(
        help_text="The job has ended and every validation it queued has settled"
    )


class HarvestJobOutcomesOutput(serializers.Serializer):
    published = serializers.IntegerField()
    published_with_warnings = serializers.IntegerField()
    rejected = serializers.IntegerField(help_text="Why: the findings of severity error")
    not_validated = serializers.IntegerField(help_text="Validation itself failed (an error)")
    pending = serializers.IntegerField(help_text="Validation queued or running")


class HarvestFindingExampleOutput(serializers.Serializer):
    dataset = serializers.UUIDField()
    title = serializers.CharField()
    message = serializers.CharField()


class HarvestFindingGroupOutput(serializers.Serializer):
    check = serializers.CharField()
    field = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    count = serializers.IntegerField()
    datasets = serializers.IntegerField(help_text="Datasets with this finding")
    examples = HarvestFindingExampleOutput(many=True, help_text="Up to three")


class HarvestJobReportOutput(HarvestJobOutput):
    """A job with its report (harvest.selectors.harvest_job_report attached as `report`)."""

    progress = HarvestJobProgressOutput(source="report.progress")
    outcomes = HarvestJobOutcomesOutput(source="report.outcomes")
    findings = HarvestFindingGroupOutput(source="report.findings", many=True)

    class Meta(HarvestJobOutput.Meta):
        fields = [*HarvestJobOutput.Meta.fields, "progress", "outcomes", "findings"]
