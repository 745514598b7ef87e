"""Breach reports in the console (DPDP Act 2023 s.8(6), DPDP Rules 2025 rule 7): an
institution's members (administrators and editors alike) report a personal-data breach
(/console/<institution>/breaches/new) and read their reports with how the citizens'
notifications fared. Thin views over rights.breaches; another institution's report is a 404.
There is no delete: reports are kept for the Data Protection Board."""

import uuid

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from consent.models import ConsentArtefact
from core.errors import ServiceError
from registry.models import Dataset
from registry.services import Actor
from rights.breaches import MAX_ARTEFACTS, breach_report_stated
from rights.models import BREACH_CONTACT_MAX, BREACH_TEXT_MAX
from rights.selectors import breach_delivery, breaches_of_institution

from .console import console_context, member_required
from .outcomes import refusal_on

LISTED = 200  # rows on a list page; the API pages through the rest
CHANNELS = [("inbox", gettext_lazy("Portal inbox")), ("email", gettext_lazy("E-mail")),
            ("sms", gettext_lazy("SMS"))]  # fmt: skip
STATUSES = [("sent", gettext_lazy("Sent")), ("pending", gettext_lazy("Waiting")),
            ("failed", gettext_lazy("Given up"))]  # fmt: skip


def _text(label, help_text, *, rows: int = 4, limit: int = BREACH_TEXT_MAX):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _when(label, *, required: bool, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class BreachForm(forms.Form):
    """A breach report, as rights.breaches.breach_report takes it."""

    description = _text(
        gettext_lazy("What happened"),
        gettext_lazy("The nature and extent of the breach, when and where it happened."),
        rows=6,
    )
    occurred_at = _when(
        gettext_lazy("When it happened (if known)"),
        required=False,
        help_text=gettext_lazy("Leave empty if not known."),
    )
    discovered_at = _when(gettext_lazy("When you found it"), required=True)
    datasets = forms.MultipleChoiceField(
        label=gettext_lazy("Datasets affected"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    artefacts = forms.CharField(
        label=gettext_lazy("Consent artefacts affected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Their ids, one a line. Name datasets, artefacts or both."),
    )
    consequences = _text(
        gettext_lazy("What it may mean for the citizens"),
        gettext_lazy("The likely consequences for the people whose data it was."),
    )
    mitigation = _text(
        gettext_lazy("What you have done and are doing"),
        gettext_lazy("The measures taken, or being taken, to contain it and limit the harm."),
    )
    safety_steps = _text(
        gettext_lazy("What the citizens can do"),
        gettext_lazy("The steps they can take to protect themselves."),
    )
    contact = _text(
        gettext_lazy("Who answers their questions"),
        gettext_lazy("A name, and an e-mail address or phone number."),
        rows=2,
        limit=BREACH_CONTACT_MAX,
    )

    def __init__(self, *args, dataset_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datasets"].choices = list(dataset_choices)

    def clean_artefacts(self) -> list[str]:
        ids = [line.strip() for line in self.cleaned_data["artefacts"].splitlines()]
        ids = [i for i in ids if i]
        if len(ids) > MAX_ARTEFACTS:
            raise forms.ValidationError(_("At most %(n)s artefacts.") % {"n": MAX_ARTEFACTS})
        for value in ids:
            try:
                uuid.UUID(value)
            except ValueError:
                raise forms.ValidationError(
                    _("%(value)s is not an artefact id.") % {"value": value[:40]}
                ) from None
        return ids


def _dataset_choices(institution) -> list[tuple[str, str]]:
    """The institution's own datasets, then those it received under consent."""
    received = ConsentArtefact.objects.filter(consumer=institution).values("datasets")
    qs = (
        Dataset.objects.filter(Q(institution=institution) | Q(pk__in=received))
        .select_related("institution")
        .order_by("title")
    )
    return [
        (str(d.pk), d.title if d.institution_id == institution.pk else
         f"{d.title} ({d.institution.name})")
        for d in qs
    ]  # fmt: skip


def _delivery_rows(counts: dict) -> list[dict]:
    return [
        {
            "label": label,
            "counts": [
                (title, counts.get(channel, {}).get(status, 0)) for status, title in STATUSES
            ],
        }
        for channel, label in CHANNELS
    ]


@member_required()
@require_GET
def breaches(request):
    slug = request.institution.slug
    rows = list(breaches_of_institution(institution=request.institution)[:LISTED])
    for row in rows:
        row.url = reverse("console-breach", args=[slug, row.pk])
    context = {"rows": rows, "new_url": reverse("console-breach-new", args=[slug])}
    return render(request, "web/console/breaches.html", console_context(request, **context))


@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def breach_new(request):
    institution = request.institution
    choices = _dataset_choices(institution)
    if request.method != "POST":
        form = BreachForm(dataset_choices=choices)
    else:
        form = BreachForm(request.POST, dataset_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = breach_report_stated(
                    data, institution=institution, actor=Actor.for_user(request.user).label
                )
            except ServiceError as exc:
                refusal_on(form, exc)
            else:
                done = _("Breach %(reference)s is reported; the citizens affected are being told.")
                messages.success(request, done % {"reference": report.reference})
                return redirect("console-breach", slug=institution.slug, pk=report.pk)
    status = 400 if request.method == "POST" else 200
    context = console_context(request, form=form)
    return render(request, "web/console/breach_form.html", context, status=status)


@member_required()
@require_GET
def breach_detail(request, pk):
    report = get_object_or_404(breaches_of_institution(institution=request.institution), pk=pk)
    counts = breach_delivery([report.pk]).get(report.pk, {})
    context = {
        "report": report,
        "artefacts": [a.pk for a in report.artefacts.all()],
        "delivery": _delivery_rows(counts),
        "statuses": [title for _status, title in STATUSES],
    }
    return render(request, "web/console/breach.html", console_context(request, **context))
