"""Dataset API serializers: strict input (unknown fields are errors, read-only ones ignored) and
the output representation, which the input accepts back unchanged (GET → PUT round trip)."""

import re

from django.conf import settings
from rest_framework import serializers

from core.api.serializers import (
    HttpUrlField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
    page_of,
)
from core.links import http_url as http_only

from .. import vocabularies
from ..models import Dataset, DatasetRevision, ValidationFinding, ValidationRun
from ..services import dataset_snapshot

MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$", re.I)
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class DistributionInput(StrictSerializer):
    read_only_names = frozenset({"links"})

    id = serializers.UUIDField(required=False, allow_null=True)
    title = StrictCharField(max_length=300, required=False, allow_blank=True, default="")
    description = StrictCharField(required=False, allow_blank=True, default="")
    access_url = HttpUrlField()
    download_url = HttpUrlField(required=False, allow_blank=True, default="")
    media_type = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    format = StrictCharField(max_length=30, required=False, allow_blank=True, default="")
    byte_size = StrictIntegerField(
        min_value=0, max_value=2**63 - 1, required=False, allow_null=True, default=None
    )
    checksum_sha256 = StrictCharField(required=False, allow_blank=True, default="")
    schema = serializers.JSONField(required=False, allow_null=True, default=None)

    def validate_media_type(self, value: str) -> str:
        if value and not MEDIA_TYPE.match(value):
            raise serializers.ValidationError("Use an IANA media type such as text/csv.")
        return value.lower()

    def validate_checksum_sha256(self, value: str) -> str:
        value = value.strip().lower().removeprefix("sha256:")
        if value and not SHA256.match(value):
            raise serializers.ValidationError("A SHA-256 checksum is 64 hexadecimal digits.")
        return value

    def validate_schema(self, value):
        if value is None:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("fields"), list):
            raise serializers.ValidationError(
                "A Table Schema is a JSON object with a `fields` list."
            )
        for index, field in enumerate(value["fields"]):
            if not isinstance(field, dict) or not isinstance(field.get("name"), str):
                raise serializers.ValidationError(f"fields[{index}] needs a string `name`.")
        return value

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value.get("id") is not None:
            value["id"] = str(value["id"])
        return value


class SpatialInput(StrictSerializer):
    states = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(vocabularies.states())),
        required=False,
        default=list,
        max_length=40,
    )
    districts = serializers.ListField(
        child=serializers.RegexField(
            r"^\d{1,4}$", error_messages={"invalid": "Use an LGD district code (digits)."}
        ),
        required=False,
        default=list,
        max_length=800,
    )
    bbox = serializers.ListField(
        child=serializers.FloatField(),
        min_length=4,
        max_length=4,
        required=False,
        allow_null=True,
        default=None,
    )

    def validate_bbox(self, value):
        if value is None:
            return None
        west, south, east, north = value
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            raise serializers.ValidationError(
                "Use [west, south, east, north] in WGS84 degrees, south ≤ north."
            )
        return value


class TemporalInput(StrictSerializer):
    start = serializers.DateField(required=False, allow_null=True, default=None)
    end = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["End date is before the start date."]})
        return {k: v.isoformat() if v else None for k, v in attrs.items()}


class ContactPointInput(StrictSerializer):
    name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")


class DatasetInput(StrictSerializer):
    """What a client may write. Output-only fields of the GET representation are ignored."""

    read_only_names = frozenset(
        {
            "id",
            "status",
            "institution",
            "created_at",
            "modified_at",
            "published_at",
            "withdrawn_at",
            "revision",
            "pending_revision",
            "latest_validation",
            "links",
            "quality",
            "health",
            "provenance",
            "submitted_revision",
        }
    )

    slug = serializers.RegexField(
        r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        max_length=100,
        required=False,
        allow_blank=True,
        error_messages={
            "invalid": "Use lowercase letters, digits and single hyphens, e.g. `bus-stops-2024`."
        },
    )
    title = StrictCharField(max_length=300)
    description = StrictCharField(max_length=20000)
    keywords = serializers.ListField(
        child=StrictCharField(max_length=100), required=False, max_length=50
    )
    themes = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(vocabularies.themes())),
        required=False,
        max_length=13,
    )
    license = StrictCharField(max_length=64, required=False, allow_blank=True)
    access_rights = serializers.ChoiceField(choices=Dataset.Access.values, required=False)
    contains_personal_data = StrictBooleanField(required=False)
    spatial = SpatialInput(required=False)
    temporal = TemporalInput(required=False)
    update_frequency = serializers.ChoiceField(
        choices=list(vocabularies.frequencies()), required=False, allow_blank=True
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=list(vocabularies.languages())),
        required=False,
        max_length=30,
    )
    contact_point = ContactPointInput(required=False)
    landing_page = HttpUrlField(required=False, allow_blank=True)
    conforms_to = serializers.ListField(child=HttpUrlField(), required=False, max_length=20)
    version = StrictCharField(max_length=50, required=False, allow_blank=True)
    distributions = DistributionInput(many=True, required=False, max_length=100)

    def validate_license(self, value: str) -> str:
        if not value:
            return ""
        canonical = vocabularies.licence_canonical_id(value)
        if canonical is None:
            raise serializers.ValidationError(
                f"Unknown licence {value!r}: use an SPDX licence id such as CC-BY-4.0."
            )
        return canonical

    def validate_title(self, value: str) -> str:
        return value.strip()

    def validate_keywords(self, value: list[str]) -> list[str]:
        cleaned: list[str] = []
        for keyword in (k.strip() for k in value):
            if keyword and keyword.casefold() not in {c.casefold() for c in cleaned}:
                cleaned.append(keyword)
        return cleaned

    def validate_themes(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate(self, attrs):
        access = attrs.get("access_rights")
        personal = attrs.get("contains_personal_data")
        if access == Dataset.Access.CONSENT and personal is False:
            raise serializers.ValidationError(
                {
                    "contains_personal_data": [
                        "Consent-access datasets hold records about individuals; this must be true."
                    ]
                }
            )
        if access == Dataset.Access.CONSENT:
            attrs["contains_personal_data"] = True
        return attrs


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


class QualityOutput(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    criteria = QualityCriterion(many=True)


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


class ProvenanceOutput(serializers.Serializer):
    """Where a harvested dataset came from (null for datasets registered here)."""

    source = HarvestSourceRef()
    remote_id = serializers.CharField()
    remote_url = HttpOnlyField(allow_blank=True)
    publisher = serializers.CharField(allow_blank=True)
    harvested_at = serializers.DateTimeField()


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
