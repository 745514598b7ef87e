"""The dataset payload: what an institution says about a dataset, the one input model of the
registry. The API, the console's forms, the harvester and the demo seed all validate through it
before calling the registry's services; the API's output extends it, so GET → PUT round-trips.

Strict: unknown fields are errors naming them, read-only ones are ignored; a string is a
string, a boolean a boolean. Errors come back per field path (`distributions[0].access_url`).
"""

import re

from rest_framework import serializers

from core.api.serializers import (
    HttpUrlField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
    WholeItems,
)

from . import vocabularies
from .datacard import DataCardInput, contradictions
from .models import Dataset

MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$", re.I)
SHA256 = re.compile(r"^[0-9a-f]{64}$")


# Columns a distribution's Table Schema may describe: every export of the dataset (DCAT,
# Croissant, pages) walks them.
MAX_SCHEMA_FIELDS = 1000


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
        if len(value["fields"]) > MAX_SCHEMA_FIELDS:
            raise serializers.ValidationError(
                f"A Table Schema may describe at most {MAX_SCHEMA_FIELDS} columns."
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
    license_text = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="The licence as the source states it, when it is no SPDX id (a URL or words). "
        "Kept verbatim and shown with a note; `license` is what Suchi recognises.",
    )
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
    distributions = WholeItems(child=DistributionInput(), required=False, max_length=100)
    data_card = DataCardInput(
        required=False,
        help_text="A datasheet for the dataset: uses, subjects, collection, biases, maintenance "
        "(docs/croissant.md). On PATCH, the keys given replace those keys only.",
    )

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
        if "data_card" in attrs:
            personal = attrs.get("contains_personal_data")
            if personal is None and not self.partial:
                personal = False
            found = contradictions(attrs["data_card"], contains_personal_data=bool(personal))
            if personal is None:  # a PATCH that does not say: checked on the merged metadata
                found.pop("contains_personal_data", None)
            if found:
                raise serializers.ValidationError(_nested(found))
        return attrs


def _nested(found: dict[str, str]) -> dict:
    """{"data_card.x": message} as DRF's nested error shape."""
    errors: dict = {}
    for path, message in found.items():
        head, _, rest = path.partition(".")
        errors.setdefault(head, {} if rest else [])
        if rest:
            errors[head][rest] = [message]
        else:
            errors[head].append(message)
    return errors


class HarvestedDatasetInput(DatasetInput):
    """A record harvested from another catalogue: the source is the authority of its own
    metadata (docs/harvest.md), so what DCAT-AP merely requires may be missing here — an empty
    description is a warning finding of the validation, not a refusal. A title stays required."""

    description = StrictCharField(max_length=20000, required=False, allow_blank=True, default="")
