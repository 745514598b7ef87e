"""Dataset API serializers: strict input (unknown fields are errors, read-only ones ignored) and
the output representation, which the input accepts back unchanged (GET → PUT round trip)."""

from django.conf import settings
from rest_framework import serializers

from core.api.serializers import (
    page_of,
)
from core.links import http_url as http_only

from ..models import Dataset, DatasetRevision, ValidationFinding, ValidationRun
from ..payload import DatasetInput
from ..services import dataset_snapshot


class InstitutionRef(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


def revision_ref(revision: DatasetRevision | None) -> dict | None:
    if revision is None:
        return None
    return {"number": revision.number, "kind": revision.kind, "status": revision.status}


class RevisionRef(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DatasetRevision.Kind.values)
    status = serializers.ChoiceField(choices=DatasetRevision.Status.values)


class DatasetLinks(serializers.Serializer):
    self = serializers.URLField()
    revisions = serializers.URLField()
    validations = serializers.URLField()
    validate = serializers.URLField()


class QualityCriterion(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField()
    max = serializers.IntegerField()
    met = serializers.BooleanField()
    note = serializers.CharField()


class MlReadyCheck(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    note = serializers.CharField()


class MlReadyOutput(serializers.Serializer):
    """Whether a training pipeline can find, trust and load the dataset without asking: open
    under a licence that permits training, a Table Schema, checksums, a complete data card, a
    loadable Croissant record set (docs/croissant.md)."""

    ready = serializers.BooleanField()
    checks = MlReadyCheck(many=True)


class QualityOutput(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    criteria = QualityCriterion(many=True)
    ml_ready = MlReadyOutput(required=False)


class HealthOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["unknown", "ok", "failing"])
    last_checked_at = serializers.DateTimeField(allow_null=True)
    next_check_at = serializers.DateTimeField(allow_null=True)
    source_failures = serializers.IntegerField(
        help_text="consecutive checks that could not reach the source"
    )
    source_unreachable = serializers.BooleanField(
        help_text="the source failed SUCHI_SOURCE_FLAG_AFTER checks in a row"
    )


def health_of(dataset: Dataset) -> dict:
    return {
        "status": dataset.check_status,
        "last_checked_at": dataset.last_checked_at.isoformat() if dataset.last_checked_at else None,
        "next_check_at": dataset.next_check_at.isoformat() if dataset.next_check_at else None,
        "source_failures": dataset.source_failures,
        "source_unreachable": dataset.source_failures >= settings.SUCHI_SOURCE_FLAG_AFTER,
    }


class HarvestSourceRef(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.URLField()


def provenance_of(dataset: Dataset) -> dict | None:
    """Where a harvested dataset came from; its remote address only if it is http(s)."""
    if not dataset.provenance:
        return None
    return {**dataset.provenance, "remote_url": http_only(dataset.provenance.get("remote_url"))}


class HttpOnlyField(serializers.CharField):
    """An address as a source gave it, but only if it is http(s): anything else is ""."""

    def to_representation(self, value) -> str:
        return http_only(value)


class OriginOutput(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    url = HttpOnlyField(allow_blank=True)
    remote_id = serializers.CharField(allow_blank=True)
    remote_url = HttpOnlyField(allow_blank=True)


class ProvenanceOutput(serializers.Serializer):
    """Where a harvested dataset came from (null for datasets registered here)."""

    source = HarvestSourceRef()
    remote_id = serializers.CharField()
    remote_url = HttpOnlyField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True)
    harvested_at = serializers.DateTimeField()
    issued = serializers.CharField(
        required=False, help_text="When the source says the dataset was issued (ISO 8601)"
    )
    modified = serializers.CharField(
        required=False, help_text="When the source says the dataset last changed (ISO 8601)"
    )
    origin = OriginOutput(
        required=False,
        help_text="Where the source had the record from, when the source (another Suchi) "
        "harvested it itself: the first hop",
    )


class DatasetOutput(DatasetInput):
    """The dataset as the API shows it; also valid input for PUT/POST.

    The declared fields document the shape (OpenAPI); `to_representation` builds it directly.
    """

    id = serializers.UUIDField(read_only=True)
    institution = InstitutionRef(read_only=True)
    status = serializers.ChoiceField(choices=Dataset.Status.values, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    modified_at = serializers.DateTimeField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revision = serializers.IntegerField(read_only=True, allow_null=True)
    pending_revision = RevisionRef(read_only=True, allow_null=True)
    quality = QualityOutput(read_only=True, allow_null=True)
    health = HealthOutput(read_only=True)
    provenance = ProvenanceOutput(read_only=True, allow_null=True)
    links = DatasetLinks(read_only=True)

    def to_representation(self, dataset: Dataset) -> dict:
        request = self.context.get("request")
        base = request.build_absolute_uri(f"/api/v1/datasets/{dataset.pk}") if request else ""
        return {
            "id": str(dataset.pk),
            "institution": {"slug": dataset.institution.slug, "name": dataset.institution.name},
            "status": dataset.status,
            **dataset_snapshot(dataset),
            "created_at": dataset.created_at.isoformat(),
            "modified_at": dataset.modified_at.isoformat(),
            "published_at": dataset.published_at.isoformat() if dataset.published_at else None,
            "withdrawn_at": dataset.withdrawn_at.isoformat() if dataset.withdrawn_at else None,
            "revision": dataset.current_revision.number if dataset.current_revision else None,
            "pending_revision": revision_ref(dataset.pending_revision),
            "quality": dataset.quality or None,
            "health": health_of(dataset),
            "provenance": provenance_of(dataset),
            "links": {
                "self": base,
                "revisions": f"{base}/revisions",
                "validations": f"{base}/validations",
                "validate": f"{base}/validate",
            },
        }


class RevisionOutput(serializers.ModelSerializer):
    """A revision. Who made it is shown in full to the owner; others see the institution."""

    actor = serializers.SerializerMethodField()

    def get_actor(self, revision: DatasetRevision) -> str:
        if self.context.get("owner"):
            return revision.actor_label
        return revision.dataset.institution.name

    class Meta:
        model = DatasetRevision
        fields = ["number", "kind", "status", "actor", "created_at", "snapshot"]


class FindingOutput(serializers.ModelSerializer):
    check = serializers.CharField(source="check_name")

    class Meta:
        model = ValidationFinding
        fields = ["check", "severity", "message", "field", "distribution_id", "detail"]


class ValidationRunOutput(serializers.ModelSerializer):
    revision = serializers.IntegerField(source="revision.number")
    findings = FindingOutput(many=True)
    quality = QualityOutput(allow_null=True)
    summary = serializers.SerializerMethodField()

    class Meta:
        model = ValidationRun
        fields = [
            "id",
            "revision",
            "status",
            "trigger",
            "attempt",
            "queued_at",
            "started_at",
            "finished_at",
            "summary",
            "quality",
            "findings",
        ]

    def get_summary(self, run: ValidationRun) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in run.findings.all():
            counts[finding.severity] += 1
        return counts


RevisionPage = page_of(RevisionOutput, "RevisionPage")
ValidationRunPage = page_of(ValidationRunOutput, "ValidationRunPage")
