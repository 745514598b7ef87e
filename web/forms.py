"""Forms of the portal and console. They turn form posts into the plain values the services
(and, for datasets, the API's own input serializer) take; they hold no business rules."""

import re
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog import labels as catalog_labels
from registry import vocabularies
from registry.models import Dataset
from registry.scopes import SCOPES

from . import labels

LANGUAGE_CHOICES = [("en", "English"), ("hi", "हिन्दी")]


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Handle or user name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class SignupForm(forms.Form):
    handle = forms.CharField(
        label=_("Handle"),
        max_length=64,
        help_text=_("How institutions address you, e.g. meera@suchi."),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"), choices=LANGUAGE_CHOICES, widget=forms.RadioSelect
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    guardian = forms.CharField(
        label=_("Under 18? A parent's or lawful guardian's e-mail address or mobile number"),
        max_length=254,
        required=False,
        help_text=_("They confirm in Suchi and answer consent requests for you until you are 18."),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class GrantForm(forms.Form):
    """Grant a request: for some or all of its datasets, until its expiry or earlier."""

    datasets = forms.MultipleChoiceField(
        label=_("Datasets you agree to share"), widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("End my consent earlier (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    accounts = forms.MultipleChoiceField(
        label=_("Your linked accounts it covers"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, datasets=(), links=(), named=(), **kwargs):
        """`links`: the citizen's linked accounts at the providers asked; `named`: those the
        request names (chosen to begin with). No links, no accounts field."""
        super().__init__(*args, **kwargs)
        self.fields["datasets"].choices = [
            (str(d.pk), f"{d.title} — {d.institution.name}") for d in datasets
        ]
        self.fields["datasets"].initial = [str(d.pk) for d in datasets]
        if not links:
            del self.fields["accounts"]
            return
        self.fields["accounts"].choices = [
            (str(link.pk), f"{link.masked_reference} — {link.provider.name}") for link in links
        ]
        self.fields["accounts"].initial = [str(link.pk) for link in named]

    def account_ids(self) -> list | None:
        """The accounts chosen, or None when there was nothing to choose."""
        if "accounts" not in self.fields:
            return None
        return [uuid.UUID(value) for value in self.cleaned_data["accounts"]]


# --- Console -------------------------------------------------------------------------------
def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class DatasetForm(forms.Form):
    """The dataset metadata a person edits in the console. `payload()` turns it into the
    API's input shape, which DatasetInput then validates exactly as for the API."""

    title = forms.CharField(label=_("Title"), max_length=300)
    slug = forms.CharField(
        label=_("Short name in addresses (optional)"),
        max_length=100,
        required=False,
        help_text=_("Lowercase letters, digits and hyphens; made from the title if empty."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the data is, how it is collected. Markdown: **bold**, lists, links."),
    )
    keywords = forms.CharField(
        label=_("Keywords"), required=False, help_text=_("Separated by commas.")
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    license = forms.CharField(
        label=_("Licence"),
        max_length=64,
        required=False,
        help_text=_("An SPDX licence id such as CC-BY-4.0; required for open data."),
    )
    access_rights = forms.ChoiceField(
        label=_("Who may get the data"),
        choices=[(k, v) for k, v in labels.ACCESS_RIGHTS.items()],
        widget=forms.RadioSelect,
        initial=Dataset.Access.OPEN,
    )
    contains_personal_data = forms.BooleanField(
        label=_("The data holds records about individuals"), required=False
    )
    states = forms.MultipleChoiceField(
        label=_("States and union territories covered"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    temporal_start = forms.DateField(
        label=_("Covers from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    temporal_end = forms.DateField(
        label=_("Covers until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    update_frequency = forms.ChoiceField(label=_("Updated"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages of the data"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    contact_name = forms.CharField(label=_("Contact name"), max_length=200, required=False)
    contact_email = forms.CharField(label=_("Contact e-mail"), max_length=254, required=False)
    landing_page = forms.CharField(label=_("Web page about the data"), required=False)
    version = forms.CharField(label=_("Version"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = vocabularies.display_name
        self.fields["themes"].choices = [
            (code, name(theme)) for code, theme in sorted(vocabularies.themes().items())
        ]
        self.fields["states"].choices = [
            (code, name(state)) for code, state in sorted(vocabularies.states().items())
        ]
        self.fields["update_frequency"].choices = [("", "—")] + [
            (code, name(item, code)) for code, item in vocabularies.frequencies().items()
        ]
        self.fields["languages"].choices = [
            (code, name(item, code)) for code, item in vocabularies.languages().items()
        ]

    @staticmethod
    def initial_from(snapshot: dict) -> dict:
        """Form values from a dataset snapshot (the API shape)."""
        return {
            **{
                name: snapshot[name]
                for name in (
                    "title",
                    "slug",
                    "description",
                    "themes",
                    "license",
                    "access_rights",
                    "contains_personal_data",
                    "update_frequency",
                    "languages",
                    "landing_page",
                    "version",
                )
            },
            "keywords": ", ".join(snapshot["keywords"]),
            "states": snapshot["spatial"].get("states", []),
            "temporal_start": snapshot["temporal"]["start"],
            "temporal_end": snapshot["temporal"]["end"],
            "contact_name": snapshot["contact_point"]["name"],
            "contact_email": snapshot["contact_point"]["email"],
        }

    def payload(self, base: dict | None) -> dict:
        """The API input for these values. Metadata the form does not show (districts, a
        bounding box, conformance) is carried over from `base`, the snapshot being edited."""
        data = self.cleaned_data
        spatial = dict((base or {}).get("spatial") or {})
        spatial["states"] = data["states"]
        payload = {
            "title": data["title"],
            "description": data["description"],
            "keywords": _split(data["keywords"]),
            "themes": data["themes"],
            "license": data["license"].strip(),
            "access_rights": data["access_rights"],
            "contains_personal_data": data["contains_personal_data"],
            "spatial": {k: v for k, v in spatial.items() if v is not None},
            "temporal": {
                "start": data["temporal_start"].isoformat() if data["temporal_start"] else None,
                "end": data["temporal_end"].isoformat() if data["temporal_end"] else None,
            },
            "update_frequency": data["update_frequency"],
            "languages": data["languages"],
            "contact_point": {
                "name": data["contact_name"].strip(),
                "email": data["contact_email"].strip(),
            },
            "landing_page": data["landing_page"].strip(),
            "version": data["version"].strip(),
        }
        if data["slug"].strip():
            payload["slug"] = data["slug"].strip()
        if base is not None:
            payload["conforms_to"] = base.get("conforms_to", [])
        return payload


class DistributionForm(forms.Form):
    id = forms.CharField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    access_url = forms.CharField(
        label=_("Access address (URL)"),
        required=False,
        help_text=_("Where the data can be reached at your institution."),
    )
    download_url = forms.CharField(label=_("Download address (URL)"), required=False)
    media_type = forms.CharField(
        label=_("Media type"), max_length=100, required=False, help_text=_("e.g. text/csv")
    )
    format = forms.CharField(label=_("Format"), max_length=30, required=False)

    def payload(self, base: dict | None) -> dict | None:
        """The API input for this distribution, or None if the form was left empty. Fields
        the form does not show (checksum, size, Table Schema) are carried over from `base`."""
        data = self.cleaned_data
        if not data or not any(data.get(k) for k in ("title", "access_url", "download_url")):
            return None
        kept = {k: v for k, v in (base or {}).items() if v not in ("", None)}
        return {
            **kept,
            "title": data["title"].strip(),
            "access_url": data["access_url"].strip(),
            "download_url": data["download_url"].strip(),
            "media_type": data["media_type"].strip(),
            "format": data["format"].strip(),
            **({"id": data["id"]} if data["id"] else {}),
        }


DistributionFormSet = forms.formset_factory(DistributionForm, extra=1, max_num=100)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for."))
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(s, labels.SCOPES.get(s, s)) for s in SCOPES]


class WebhookForm(forms.Form):
    url = forms.CharField(label=_("Address (https URL)"), max_length=2000)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class LanguagePreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Preferred language"), choices=LANGUAGE_CHOICES, widget=forms.RadioSelect
    )


def _card_text(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class DataCardForm(forms.Form):
    """A dataset's data card (registry/datacard.py). `payload()` gives the API's `data_card`,
    which DatasetInput validates exactly as for the API. Lists are written one item a line."""

    summary = _card_text(_("Summary"), _("What the dataset is, in a paragraph."))
    intended_uses = _card_text(_("Intended uses"), _("What it was made for and is good for."))
    out_of_scope_uses = _card_text(_("Uses it is not suited for"), _("And why."))
    data_subjects = forms.ChoiceField(label=_("Whom the records are about"), required=False)
    sensitive_fields = forms.CharField(
        label=_("Sensitive columns"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One column a line: its name, a category, a note, separated by commas — e.g. "
            "“pincode, quasi-identifier, first three digits only”. Categories: %(codes)s."
        ),
    )
    collection_method = _card_text(_("How the data was collected"))
    collection_start = forms.DateField(label=_("Collected from"), required=False)
    collection_end = forms.DateField(label=_("Collected until"), required=False)
    preprocessing = _card_text(_("Preprocessing and cleaning"))
    deidentification = _card_text(
        _("De-identification"), _("How people were made unidentifiable, if the data is about them.")
    )
    known_biases = _card_text(_("Known biases"))
    limitations = _card_text(_("Limitations"))
    social_impact = _card_text(_("Social impact"))
    maintenance_plan = _card_text(_("Maintenance plan"), _("Who keeps it, and how often."))
    authors = forms.CharField(
        label=_("Card written by"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One person a line: name, affiliation, e-mail (the last two optional)."),
    )

    LISTS = ("sensitive_fields", "authors")
    DATES = ("collection_start", "collection_end")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_subjects"].choices = [
            ("", "—"),
            *list(catalog_labels.DATA_SUBJECTS.items()),
        ]
        codes = ", ".join(catalog_labels.SENSITIVE_CATEGORY)
        field = self.fields["sensitive_fields"]
        field.help_text = field.help_text % {"codes": codes}

    @classmethod
    def initial_from(cls, card: dict) -> dict:
        """Form values from a stored card (datacard.card_of shape)."""
        initial = {k: v for k, v in card.items() if k not in cls.LISTS}
        initial["sensitive_fields"] = "\n".join(
            ", ".join(filter(None, [i["column"], i["category"], i["note"]]))
            for i in card["sensitive_fields"]
        )
        initial["authors"] = "\n".join(
            ", ".join(filter(None, [a["name"], a.get("affiliation", ""), a.get("email", "")]))
            for a in card["authors"]
        )
        return initial

    def payload(self) -> dict:
        """The API's `data_card` for these values."""
        data = self.cleaned_data
        card = {k: v.strip() for k, v in data.items() if k not in self.LISTS + self.DATES}
        for key in self.DATES:
            card[key] = data[key].isoformat() if data[key] else None
        card["sensitive_fields"] = [
            {"column": column, "category": category, "note": note}
            for column, category, note in (
                ([*_parts(line), "", ""])[:3] for line in _lines(data["sensitive_fields"])
            )
        ]
        card["authors"] = []
        for line in _lines(data["authors"]):
            parts = _parts(line)
            email = next((p for p in parts[1:] if "@" in p), "")
            others = [p for p in parts[1:] if p != email]
            card["authors"].append(
                {"name": parts[0], "affiliation": ", ".join(others), "email": email}
            )
        return card


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _parts(line: str) -> list[str]:
    """ "a, b, c, d" → ["a", "b", "c, d"]: the last part may hold commas."""
    return [p.strip() for p in line.split(",", 2)]


def field_label(path: str) -> str:
    """The words the dataset form uses for a payload field a finding names
    (`distributions[0].access_url` → "Distribution 1 > Access address (URL)"); the path itself
    where the form has no such field."""
    if match := re.fullmatch(r"distributions\[(\d+)\]\.(\w+)", path or ""):
        field = DistributionForm.base_fields.get(match.group(2))
        if field is not None:
            which = _("Distribution %(n)s") % {"n": int(match.group(1)) + 1}
            return f"{which} \u203a {field.label}"
    name = {
        "contact_point.email": "contact_email",
        "contact_point.name": "contact_name",
        "temporal.start": "temporal_start",
        "temporal.end": "temporal_end",
        "spatial.states": "states",
    }.get(path, path)
    field = DatasetForm.base_fields.get(name or "")
    return str(field.label) if field is not None else path
