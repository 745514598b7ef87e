"""Forms of the console's data exchange pages. They turn posts into the plain values the
exchange services take (exchange.services.RequestInput, a terms dict, a basis dict) and put
the services' errors back on the fields they name; the rules themselves are the services'."""

import uuid

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exchange.terms import MAX_RETENTION_DAYS, MAX_TEXT, purposes

MAX_DESCRIPTION = 5000
YES_NO = [("", _("Not said")), ("yes", _("Yes")), ("no", _("No"))]
BASIS_CHOICES = [
    ("", _("Choose")),
    ("consent", _("Each person's consent, through the consent manager")),
    ("deidentified", _("De-identified by us (we attest how)")),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def purpose_choices() -> list[tuple[str, str]]:
    return [(code, gettext(p["name"])) for code, p in purposes().items()]


def is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class DatasetsField(forms.MultipleChoiceField):
    """Dataset ids: the offered ones as checkboxes, and any other well-formed id (the service
    says whether it may be asked for)."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value) -> bool:
        return is_uuid(value)


def put_error(form: forms.Form, field: str | None, message: str, aliases: dict) -> None:
    """A service error on the field it names (`terms.retention_days`, `datasets[0]`, …), or on
    the form as a whole."""
    name = (field or "").split("[")[0]
    name = aliases.get(name, name.rpartition(".")[2] if name.startswith("terms.") else name)
    form.add_error(name if name in form.fields else None, message)


class AccessRequestForm(forms.Form):
    """An access request, as exchange.services.RequestInput."""

    ERROR_FIELDS = {"data_range.from": "data_from", "data_range.to": "data_to"}

    datasets = DatasetsField(label=_("Datasets"))
    purpose = forms.ChoiceField(label=_("Purpose"), widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("What you will do with the data"),
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    duration_days = forms.IntegerField(
        label=_("For how many days"), min_value=1, max_value=3650, initial=90
    )
    data_from = forms.DateField(
        label=_("Records from (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    data_to = forms.DateField(
        label=_("Records to (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    responsible_name = forms.CharField(label=_("Responsible person"), max_length=200)
    responsible_email = forms.EmailField(label=_("Responsible person's e-mail"), max_length=254)
    model_name = forms.CharField(
        label=_("Model to be trained"),
        max_length=200,
        required=False,
        help_text=_("For training AI models only."),
    )
    outputs_released = forms.ChoiceField(
        label=_("Will the model's outputs be released?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("For training AI models only."),
    )

    def __init__(self, *args, dataset_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datasets"].choices = list(dataset_choices)
        self.fields["purpose"].choices = purpose_choices()

    def values(self) -> dict:
        """The RequestInput's fields."""
        data = self.cleaned_data
        return {
            "dataset_ids": list(data["datasets"]),
            "purpose": data["purpose"],
            "description": data["description"],
            "duration_days": data["duration_days"],
            "responsible_name": data["responsible_name"],
            "responsible_email": data["responsible_email"],
            "data_from": data["data_from"],
            "data_to": data["data_to"],
            "model_name": data["model_name"],
            "outputs_released": {"yes": True, "no": False}.get(data["outputs_released"]),
        }

    def error(self, field: str | None, message: str) -> None:
        put_error(self, field, message, self.ERROR_FIELDS)


class TermsForm(forms.Form):
    """The terms of an agreement (exchange/terms.py), one use or duty a line."""

    permitted_uses = forms.CharField(
        label=_("Permitted uses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line. Left empty: the purpose of the request."),
    )
    prohibited_uses = forms.CharField(
        label=_("Prohibited uses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line. Re-identifying people is always prohibited."),
    )
    output_obligations = forms.CharField(
        label=_("Obligations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: what the requester must do, e.g. publish its results."),
    )
    onward_transfer = forms.BooleanField(
        label=_("The data may be passed on to others"), required=False
    )
    retention_days = forms.IntegerField(
        label=_("Days the data may be kept after the agreement ends"),
        min_value=0,
        max_value=MAX_RETENTION_DAYS,
        required=False,
    )
    attribution = forms.CharField(
        label=_("Attribution"),
        max_length=MAX_TEXT,
        required=False,
        help_text=_("How the requester must credit you."),
    )

    LISTS = ("permitted_uses", "prohibited_uses", "output_obligations")

    @classmethod
    def initial_from(cls, template: dict) -> dict:
        template = template or {}
        initial = {name: "\n".join(template.get(name) or []) for name in cls.LISTS}
        initial["onward_transfer"] = bool(template.get("onward_transfer"))
        initial["retention_days"] = template.get("retention_days", 0)
        initial["attribution"] = template.get("attribution", "")
        return initial

    def terms(self) -> dict:
        data = self.cleaned_data
        terms = {name: _lines(data[name]) for name in self.LISTS}
        terms["onward_transfer"] = bool(data["onward_transfer"])
        if data["retention_days"] is not None:
            terms["retention_days"] = data["retention_days"]
        terms["attribution"] = data["attribution"]
        return terms

    def error(self, field: str | None, message: str) -> None:
        put_error(self, field, message, {})


class ApproveForm(TermsForm):
    """Approve with terms; the basis is asked for only when a dataset holds personal data."""

    basis_kind = forms.ChoiceField(
        label=_("Basis for sharing personal data"), choices=BASIS_CHOICES, required=False
    )
    basis_statement = forms.CharField(
        label=_("Statement"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For de-identified data: how it was de-identified."),
    )

    def __init__(self, *args, personal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.personal = personal
        if not personal:
            del self.fields["basis_kind"]
            del self.fields["basis_statement"]

    def basis(self) -> dict | None:
        if not self.personal or not self.cleaned_data["basis_kind"]:
            return None
        return {
            "kind": self.cleaned_data["basis_kind"],
            "statement": self.cleaned_data["basis_statement"],
        }

    def error(self, field: str | None, message: str) -> None:
        put_error(
            self, field, message, {"basis.kind": "basis_kind", "basis.statement": "basis_statement"}
        )


class PolicyForm(TermsForm):
    max_duration_days = forms.IntegerField(
        label=_("Longest agreement you grant (days)"), min_value=1, max_value=3650
    )
    field_order = ["max_duration_days"]


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the requester sees this)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=2000, required=False)
