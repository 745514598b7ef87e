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
