"""Nomination in the portal (/portal/nomination; rights.nomination): name, replace or withdraw
a nominee; as a nominee, accept, decline, report a death or incapacity, and once the grievance
officer approved, withdraw the citizen's consents and download their records."""

from functools import partial

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from consent import selectors as consent_selectors
from core.errors import ServiceError
from rights import nomination as service
from rights.models import NOMINATION_LIVE, NOMINATION_TEXT_MAX, Nomination

from . import labels
from .outcomes import carry_out, choose, refusal_on
from .portal import citizen_required


class NominateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Your nominee's name"), max_length=200)
    identifier = forms.CharField(
        label=gettext_lazy("Their e-mail address or mobile number"),
        max_length=254,
        help_text=gettext_lazy("They accept by signing in to Suchi with it."),
    )


class ReportForm(forms.Form):
    event = forms.ChoiceField(label=gettext_lazy("What happened"))
    reference = forms.CharField(
        label=gettext_lazy("Reference of the supporting record (e.g. a death certificate number)"),
        max_length=300,
    )
    text = forms.CharField(
        label=gettext_lazy("Anything the grievance officer should know"),
        max_length=NOMINATION_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = list(labels.NOMINATION_EVENT.items())


def _labelled(nomination: Nomination) -> Nomination:
    nomination.status_label = labels.NOMINATION_STATUS.get(nomination.status, "")
    nomination.event_label = labels.NOMINATION_EVENT.get(nomination.event, "")
    if nomination.status == Nomination.Status.ACTIVE:
        nomination.consents = list(
            consent_selectors.artefacts_of_citizen(citizen=nomination.citizen, status="active")[
                :100
            ]
        )
    return nomination


def _page(request, *, form=None, report_form=None, status=200):
    citizen = request.user.citizen
    mine = Nomination.objects.filter(citizen=citizen).select_related("nominee")
    context = {
        "live": next((n for n in mine if n.status in NOMINATION_LIVE), None),
        "past": [_labelled(n) for n in mine if n.status not in NOMINATION_LIVE][:10],
        "naming_me": [_labelled(n) for n in service.nominations_naming(citizen)],
        "form": form or NominateForm(),
        "report_form": report_form or ReportForm(),
    }
    if context["live"] is not None:
        _labelled(context["live"])
    return render(request, "web/portal/nomination.html", context, status=status)


@citizen_required
@require_http_methods(["GET", "HEAD", "POST"])
def nomination(request):
    if request.method != "POST":
        return _page(request)
    citizen = request.user.citizen
    form = NominateForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        service.nomination_name(
            citizen=citizen,
            name=form.cleaned_data["name"],
            identifier=form.cleaned_data["identifier"],
            actor=f"citizen {citizen.handle} (portal)",
        )
    except ServiceError as exc:
        refusal_on(form, exc)
        return _page(request, form=form, status=400)
    messages.success(request, _("Your nominee is named. Tell them to sign in to Suchi and accept."))
    return redirect("portal-nomination")


@citizen_required
@require_POST
def nomination_withdraw(request):
    citizen = request.user.citizen
    step = partial(
        service.nomination_withdraw, citizen=citizen, actor=f"citizen {citizen.handle} (portal)"
    )
    said = _("You withdrew your nomination.")
    return carry_out(request, step, said, back=redirect("portal-nomination"))


@citizen_required
@require_POST
def nominee_action(request, pk, action):
    mine = {"nominee": request.user.citizen, "nomination_id": pk}

    def report():
        form = ReportForm(request.POST)
        if not form.is_valid():
            return _page(request, report_form=form, status=400)
        service.nomination_report(
            **mine,
            event=form.cleaned_data["event"],
            reference=form.cleaned_data["reference"],
            text=form.cleaned_data["text"],
        )

    steps = {
        "accept": (
            partial(service.nomination_accept, **mine),
            _("You accepted to be their nominee."),
        ),
        "decline": (partial(service.nomination_decline, **mine), _("You declined.")),
        "report": (report, _("Suchi's grievance officer will review your report.")),
    }
    return choose(request, action, steps, back=redirect("portal-nomination"))


@citizen_required
@require_POST
def nominee_revoke(request, pk, artefact):
    step = partial(
        service.nominee_revoke, nominee=request.user.citizen, nomination_id=pk, artefact_id=artefact
    )
    return carry_out(request, step, _("Consent withdrawn."), back=redirect("portal-nomination"))
