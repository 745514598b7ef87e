"""A dataset's data card, after "Datasheets for Datasets" (Gebru et al.): what the data is for
and not for, whom it is about, how it was collected and prepared, what it gets wrong, and who
keeps it. The institution writes it with the rest of the metadata (it is a key of the dataset
payload, so it is versioned with the dataset's revisions); the dataset page shows it, the
Croissant carries it as the RAI properties (catalog/standards/croissant.py) and the DCAT as a
provenance statement and quality notes (catalog/standards/dcat/export.py).

`CARD_DEFAULTS` is its full shape: every key is always present, blank when not said.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import StrictCharField, StrictSerializer, WholeItems
from core.errors import ServiceError
from core.jsontext import json_copy

from .models import DataSubjects, SensitiveCategory

TEXT_LIMIT = 5000  # characters in one text of the card
MAX_SENSITIVE_FIELDS = 1000  # as many as a Table Schema may have columns
MAX_AUTHORS = 20

# The card's texts, in the order a reader meets them, with the words a page shows for each.
TEXTS = {
    "summary": _("Summary"),
    "intended_uses": _("Intended uses"),
    "out_of_scope_uses": _("Uses it is not suited for"),
    "collection_method": _("How the data was collected"),
    "preprocessing": _("Preprocessing and cleaning"),
    "deidentification": _("De-identification"),
    "known_biases": _("Known biases"),
    "limitations": _("Limitations"),
    "social_impact": _("Social impact"),
    "maintenance_plan": _("Maintenance plan"),
}
CARD_DEFAULTS: dict = {
    **dict.fromkeys(TEXTS, ""),
    "data_subjects": "",
    "sensitive_fields": [],
    "collection_start": None,
    "collection_end": None,
    "authors": [],
}
# What a complete card must say (the ML-ready signal asks for one): what the data is for and
# not for, whom it is about, how it was made, what it gets wrong, who keeps it. De-identification
# only where the records are about people. The card's authors are welcome, not required.
REQUIRED = (
    "summary",
    "intended_uses",
    "out_of_scope_uses",
    "data_subjects",
    "collection_method",
    "preprocessing",
    "known_biases",
    "limitations",
    "maintenance_plan",
)
PERSONAL = {DataSubjects.PERSONAL, DataSubjects.PERSONAL_SENSITIVE}


SENSITIVE_KEYS = ("column", "category", "note")
AUTHOR_KEYS = ("name", "email", "affiliation")


def _items(value, keys: tuple[str, ...]) -> list[dict]:
    """List items with every key, as text (whatever an older version stored)."""
    items = value if isinstance(value, list) else []
    return [
        {key: str(item.get(key) or "") for key in keys} for item in items if isinstance(item, dict)
    ]


def card_of(value: dict | None) -> dict:
    """A card in its full shape, whatever was stored (older rows and revisions have none)."""
    card = json_copy(CARD_DEFAULTS)
    for key, item in (value or {}).items() if isinstance(value, dict) else ():
        if key in CARD_DEFAULTS:
            card[key] = json_copy(item)
    card["sensitive_fields"] = _items(card["sensitive_fields"], SENSITIVE_KEYS)
    card["authors"] = _items(card["authors"], AUTHOR_KEYS)
    return card


def contradictions(card: dict, *, contains_personal_data: bool) -> dict[str, str]:
    """What a whole card says against itself or against the dataset's personal-data flag, by
    field path (checked on the merged metadata, so a PATCH of one key cannot slip one in)."""
    card = card_of(card)
    found = {}
    subjects = card["data_subjects"]
    if contains_personal_data and subjects and subjects not in PERSONAL:
        found["data_card.data_subjects"] = (
            "The dataset holds personal data: its subjects are personal or personal-sensitive."
        )
    if subjects in PERSONAL and not contains_personal_data:
        found["contains_personal_data"] = (
            "The data card says the records are about people: this must be true."
        )
    start, end = card["collection_start"], card["collection_end"]
    if start and end and end < start:
        found["data_card.collection_end"] = "The collection ends before it starts."
    return found


def missing(card: dict) -> list[str]:
    """The keys a complete card still lacks, in REQUIRED's order."""
    card = card_of(card)
    lacking = [key for key in REQUIRED if not card[key]]
    if card["data_subjects"] in PERSONAL and not card["deidentification"]:
        lacking.append("deidentification")
    return lacking


def check_consistent(snapshot: dict) -> None:
    """Refuse metadata whose data card contradicts itself or the personal-data flag, on the
    whole snapshot (a PATCH of one key must not slip a contradiction in)."""
    found = contradictions(
        snapshot["data_card"], contains_personal_data=snapshot["contains_personal_data"]
    )
    if found:
        field, message = next(iter(found.items()))
        raise ServiceError(message, field=field)


def is_empty(card: dict | None) -> bool:
    return card_of(card) == CARD_DEFAULTS


def _text(**kwargs):
    return StrictCharField(
        max_length=TEXT_LIMIT, required=False, allow_blank=True, default="", **kwargs
    )


class SensitiveFieldInput(StrictSerializer):
    column = StrictCharField(max_length=200, help_text="The column's name in the Table Schema.")
    category = serializers.ChoiceField(choices=SensitiveCategory.values)
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class AuthorInput(StrictSerializer):
    name = StrictCharField(max_length=200)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    affiliation = StrictCharField(max_length=200, required=False, allow_blank=True, default="")


class DataCardInput(StrictSerializer):
    """The data card as a client writes it. Every key is optional; texts up to TEXT_LIMIT."""

    summary = _text(help_text="What the dataset is, in a paragraph.")
    intended_uses = _text(help_text="What it was made for and is good for (rai:dataUseCases).")
    out_of_scope_uses = _text(help_text="Uses it is not suited for, and why.")
    data_subjects = serializers.ChoiceField(
        choices=DataSubjects.values,
        required=False,
        allow_blank=True,
        default="",
        help_text="Whom the records are about.",
    )
    sensitive_fields = WholeItems(
        child=SensitiveFieldInput(), required=False, default=list, max_length=MAX_SENSITIVE_FIELDS
    )
    collection_method = _text(help_text="How the data was collected (rai:dataCollection).")
    collection_start = serializers.DateField(required=False, allow_null=True, default=None)
    collection_end = serializers.DateField(required=False, allow_null=True, default=None)
    preprocessing = _text(help_text="Cleaning, transformation (rai:dataPreprocessingProtocol).")
    deidentification = _text(help_text="How people were made unidentifiable, if they were.")
    known_biases = _text(help_text="Known biases (rai:dataBiases).")
    limitations = _text(help_text="Known limitations (rai:dataLimitations).")
    social_impact = _text(help_text="Its possible effect on people (rai:dataSocialImpact).")
    maintenance_plan = _text(help_text="Who keeps it, how often (rai:dataReleaseMaintenancePlan).")
    authors = WholeItems(child=AuthorInput(), required=False, default=list, max_length=MAX_AUTHORS)

    def validate(self, attrs):
        start, end = attrs.get("collection_start"), attrs.get("collection_end")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"collection_end": ["The collection ends before it starts."]}
            )
        for key in ("collection_start", "collection_end"):
            if attrs.get(key):
                attrs[key] = attrs[key].isoformat()
        return attrs
