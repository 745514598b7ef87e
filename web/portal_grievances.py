"""The citizen's grievances (/portal/grievances): file one about Suchi or an institution they
deal with, follow it to an answer, accept the answer or take it to the grievance officer
(rights.services)."""

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from consent import selectors as consent_selectors
from core.errors import ServiceError
from registry.models import Institution
from rights import selectors
from rights.models import GRIEVANCE_TEXT_MAX, Grievance
from rights.services import grievance_escalate, grievance_file, grievance_resolve

from . import labels
from .outcomes import choose, refusal_on
from .portal import citizen_required

SUCHI = ""  # the choice for a grievance about Suchi itself


class GrievanceForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What you ask for"), initial="grievance")
    institution = forms.ChoiceField(label=gettext_lazy("About"), required=False)
    artefact = forms.ChoiceField(
        label=gettext_lazy("The consent it concerns (optional)"), required=False
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("What happened, and what you want done"),
        max_length=GRIEVANCE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, institutions=(), artefacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(labels.GRIEVANCE_KIND.items())
        self.fields["institution"].choices = [
            (SUCHI, _("Suchi itself (the consent manager)")),
            *[(i.slug, i.name) for i in institutions],
        ]
        self.fields["artefact"].choices = [
            ("", "—"),
            # Told apart by status and date: a consent withdrawn and its successor read alike.
            *[(str(a.pk), _artefact_choice(a)) for a in artefacts],
        ]


def _artefact_choice(artefact) -> str:
    granted = date_format(timezone.localtime(artefact.valid_from), "j M Y")
    status = labels.ARTEFACT_STATUS.get(artefact.status, artefact.status)
    return f"{artefact.consumer.name} ← {artefact.provider.name} ({status}, {granted})"


class EscalateForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Why the answer does not settle it"),
        max_length=GRIEVANCE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _institutions(citizen) -> list[Institution]:
    return list(selectors.institutions_of_citizen(citizen).only("slug", "name"))


def _labelled(grievance: Grievance) -> Grievance:
    grievance.status_label = labels.GRIEVANCE_STATUS.get(grievance.status, grievance.status)
    grievance.kind_label = labels.GRIEVANCE_KIND.get(grievance.kind, grievance.kind)
    grievance.outcome_label = labels.GRIEVANCE_OUTCOME.get(grievance.outcome, "")
    grievance.overdue = grievance.answered_at is None and grievance.due_at <= timezone.now()
    for step in grievance.steps.all():
        step.label = labels.GRIEVANCE_STEP.get(step.kind, step.kind)
    return grievance


def _list_page(request, form, status=200):
    citizen = request.user.citizen
    context = {
        "grievances": [_labelled(g) for g in selectors.grievances_of_citizen(citizen=citizen)],
        "form": form,
        "days": settings.SUCHI_GRIEVANCE_DAYS,
    }
    return render(request, "web/portal/grievances.html", context, status=status)


@citizen_required
@require_http_methods(["GET", "POST"])
def grievances(request):
    citizen = request.user.citizen
    institutions = _institutions(citizen)
    artefacts = list(consent_selectors.artefacts_of_citizen(citizen=citizen)[:200])
    if request.method == "GET":
        initial = {
            k: request.GET[k] for k in ("kind", "institution", "artefact") if k in request.GET
        }
        form = GrievanceForm(initial=initial, institutions=institutions, artefacts=artefacts)
        return _list_page(request, form)
    form = GrievanceForm(request.POST, institutions=institutions, artefacts=artefacts)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        grievance = grievance_file(
            citizen=citizen,
            institution_slug=form.cleaned_data["institution"] or None,
            subject=form.cleaned_data["subject"],
            text=form.cleaned_data["text"],
            kind=form.cleaned_data["kind"],
            artefact_id=form.cleaned_data["artefact"] or None,
            actor=f"citizen {citizen.handle} (portal)",
        )
    except ServiceError as exc:
        refusal_on(form, exc)
        return _list_page(request, form, status=400)
    messages.success(
        request,
        _("Your grievance %(reference)s was filed. An answer is due by %(date)s.")
        % {
            "reference": grievance.reference,
            "date": date_format(timezone.localtime(grievance.due_at), "j F Y"),
        },
    )
    return redirect("portal-grievance", pk=grievance.pk)


def _detail_page(request, grievance, form=None, status=200):
    context = {"grievance": _labelled(grievance), "form": form or EscalateForm()}
    return render(request, "web/portal/grievance.html", context, status=status)


@citizen_required
def grievance_detail(request, pk):
    citizen = request.user.citizen
    grievance = get_object_or_404(selectors.grievances_of_citizen(citizen=citizen), pk=pk)
    return _detail_page(request, grievance)


@citizen_required
@require_POST
def grievance_action(request, pk, action):
    citizen = request.user.citizen
    grievance = get_object_or_404(selectors.grievances_of_citizen(citizen=citizen), pk=pk)
    actor = f"citizen {citizen.handle} (portal)"

    def escalate():
        form = EscalateForm(request.POST)
        if not form.is_valid():
            return _detail_page(request, grievance, form, status=400)
        grievance_escalate(
            citizen=citizen, grievance_id=pk, text=form.cleaned_data["text"], actor=actor
        )

    steps = {
        "resolve": (
            partial(grievance_resolve, citizen=citizen, grievance_id=pk, actor=actor),
            _("You accepted the answer. The grievance is resolved."),
        ),
        "escalate": (escalate, _("Suchi's grievance officer will take it up.")),
    }
    return choose(request, action, steps, back=redirect("portal-grievance", pk=pk))
