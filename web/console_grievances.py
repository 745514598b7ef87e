"""Grievances in the console (DPDP Act 2023 s.13, DPDP Rules 2025 rule 14): an institution's
members read and answer the grievances citizens filed about it (/console/<institution>/
grievances), and Suchi's grievance officer (a user holding rights.act_as_grievance_officer)
answers the escalated ones and those about Suchi itself (/console/grievance-officer). Thin
views over rights.services; a grievance outside the reader's scope is a 404."""

from functools import partial, wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.errors import Conflict, NotFound, ServiceError
from registry.services import Actor
from rights.models import GRIEVANCE_TEXT_MAX, Grievance
from rights.selectors import grievances_for_officer, grievances_of_institution
from rights.services import (
    grievance_answer,
    grievance_officer_answer,
    institution_may_answer,
    officer_may_answer,
)

from . import labels
from .console import console_context, member_required
from .outcomes import refusal_on

OFFICER_PERMISSION = "rights.act_as_grievance_officer"
LISTED = 200  # rows on a list page; the API pages through the rest

# The words for states and steps are web.labels' (declared once, with their Hindi).
STATUS = labels.GRIEVANCE_STATUS
STEP_KIND = labels.GRIEVANCE_STEP


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=GRIEVANCE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("The citizen reads it in Suchi, and is told it has arrived."),
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("What was done"),
        required=False,
        choices=[("", "—"), *[(k, v) for k, v in labels.GRIEVANCE_OUTCOME.items()]],
        help_text=gettext_lazy("For a request to correct, complete, update or erase data."),
    )


def officer_required(view):
    """Signed out: to the console's sign-in. Signed in without the grievance officer's
    permission: 404, as for a page that does not exist."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            query = urlencode({"next": request.path}, safe="/")
            return redirect(f"{reverse('console-login')}?{query}")
        if not request.user.has_perm(OFFICER_PERMISSION):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _actor(request) -> str:
    return Actor.for_user(request.user).label


def _labelled(grievance: Grievance, now) -> Grievance:
    grievance.status_label = STATUS.get(grievance.status, grievance.status)
    grievance.kind_label = labels.GRIEVANCE_KIND.get(grievance.kind, grievance.kind)
    grievance.outcome_label = labels.GRIEVANCE_OUTCOME.get(grievance.outcome, "")
    grievance.overdue = grievance.answered_at is None and grievance.due_at <= now
    return grievance


def _wanted_status(request) -> str | None:
    wanted = request.GET.get("status", "")
    return wanted if wanted in Grievance.Status.values else None


def _list_context(request, qs, *, detail: str, args: tuple) -> dict:
    now = timezone.now()
    rows = [_labelled(g, now) for g in qs[:LISTED]]
    for row in rows:
        row.url = reverse(detail, args=[*args, row.pk])
    return {
        "rows": rows,
        "status": _wanted_status(request) or "",
        "statuses": list(STATUS.items()),
    }


def _answer_form(grievance: Grievance, form: AnswerForm | None) -> AnswerForm:
    form = form or AnswerForm()
    if grievance.kind == "grievance":  # an outcome is for requests under s.12
        form.fields.pop("outcome", None)
    return form


def _detail_context(
    grievance: Grievance, *, form, action: str, back: str, answerable: bool
) -> dict:
    _labelled(grievance, timezone.now())
    steps = list(grievance.steps.all())
    for step in steps:
        step.kind_label = STEP_KIND.get(step.kind, step.kind)
    return {
        "grievance": grievance,
        "steps": steps,
        "form": _answer_form(grievance, form) if answerable else None,
        "answer_action": action,
        "back": back,
    }


def _sent(request, form: AnswerForm, answer) -> bool:
    """Call `answer` (a service taking text and actor) with the valid form. True when done:
    answered, or refused for the grievance's state (said in a message); False when the form
    now shows the error."""
    try:
        answer(
            text=form.cleaned_data["text"],
            outcome=form.cleaned_data.get("outcome", ""),
            actor=_actor(request),
        )
    except NotFound as exc:
        raise Http404 from exc
    except Conflict as exc:
        messages.error(request, exc.message)
    except ServiceError as exc:
        refusal_on(form, exc)
        return False
    else:
        messages.success(request, _("Your answer was sent to the citizen."))
    return True


# --- The institution's grievances -------------------------------------------------------------
@member_required()
@require_GET
def grievances(request):
    qs = grievances_of_institution(
        institution=request.institution, status=_wanted_status(request)
    ).order_by("-created_at")
    slug = request.institution.slug
    context = _list_context(request, qs, detail="console-grievance", args=(slug,))
    context["list_url"] = reverse("console-grievances", args=[slug])
    return render(request, "web/console/grievances.html", console_context(request, **context))


def _own_grievance(request, pk) -> Grievance:
    return get_object_or_404(grievances_of_institution(institution=request.institution), pk=pk)


def _grievance_page(request, grievance: Grievance, *, form=None, status: int = 200):
    slug = request.institution.slug
    context = _detail_context(
        grievance,
        form=form,
        action=reverse("console-grievance-answer", args=[slug, grievance.pk]),
        back=reverse("console-grievances", args=[slug]),
        answerable=institution_may_answer(grievance),
    )
    return render(
        request, "web/console/grievance.html", console_context(request, **context), status=status
    )


@member_required()
@require_GET
def grievance_detail(request, pk):
    return _grievance_page(request, _own_grievance(request, pk))


@member_required()
@require_POST
def grievance_answer_view(request, pk):
    grievance = _own_grievance(request, pk)
    form = AnswerForm(request.POST)
    answer = partial(grievance_answer, institution=request.institution, grievance_id=grievance.pk)
    if form.is_valid() and _sent(request, form, answer):
        return redirect("console-grievance", slug=request.institution.slug, pk=grievance.pk)
    return _grievance_page(request, grievance, form=form, status=400)


# --- Suchi's grievance officer ----------------------------------------------------------------
@officer_required
@require_GET
def officer(request):
    qs = grievances_for_officer(status=_wanted_status(request))
    context = _list_context(request, qs, detail="console-grievance-officer-detail", args=())
    context.update(list_url=reverse("console-grievance-officer"), officer=True)
    return render(request, "web/console/grievances.html", context)


def _officer_grievance(pk) -> Grievance:
    return get_object_or_404(grievances_for_officer(), pk=pk)


def _officer_page(request, grievance: Grievance, *, form=None, status: int = 200):
    context = _detail_context(
        grievance,
        form=form,
        action=reverse("console-grievance-officer-answer", args=[grievance.pk]),
        back=reverse("console-grievance-officer"),
        answerable=officer_may_answer(grievance),
    )
    context["officer"] = True
    return render(request, "web/console/grievance.html", context, status=status)


@officer_required
@require_GET
def officer_detail(request, pk):
    return _officer_page(request, _officer_grievance(pk))


@officer_required
@require_POST
def officer_answer_view(request, pk):
    grievance = _officer_grievance(pk)
    form = AnswerForm(request.POST)
    answer = partial(grievance_officer_answer, grievance_id=grievance.pk)
    if form.is_valid() and _sent(request, form, answer):
        return redirect("console-grievance-officer-detail", pk=grievance.pk)
    return _officer_page(request, grievance, form=form, status=400)
