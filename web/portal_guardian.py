"""Guardians in the portal (/portal/guardian; identity.guardians): a ward names a parent or
lawful guardian; a guardian confirms with a fresh code, answers the ward's consent requests,
withdraws the ward's consents, or steps down."""

from functools import partial

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from consent import selectors as consent_selectors
from core.errors import ServiceError
from identity import guardians
from identity.models import Guardianship
from identity.services import otp_issue

from . import labels
from .outcomes import choose, refusal_on
from .portal import citizen_required


class NameGuardianForm(forms.Form):
    guardian = forms.CharField(
        label=gettext_lazy("Your guardian's e-mail address or mobile number"), max_length=254
    )
    basis = forms.ChoiceField(label=gettext_lazy("Why a guardian answers for you"))
    order_reference = forms.CharField(
        label=gettext_lazy("For a lawful guardian: the reference of the order that appointed them"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basis"].choices = list(labels.GUARDIANSHIP_BASIS.items())


class ConfirmForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("The 6-digit code we sent you"), max_length=12)
    relationship = forms.ChoiceField(label=gettext_lazy("You are their"))
    birth_date = forms.DateField(
        label=gettext_lazy("Your date of birth (a guardian is an adult)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = list(labels.GUARDIAN_RELATIONSHIP.items())


def _labelled(guardianship: Guardianship, *, viewer) -> Guardianship:
    guardianship.status_label = labels.GUARDIANSHIP_STATUS.get(guardianship.status, "")
    guardianship.basis_label = labels.GUARDIANSHIP_BASIS.get(guardianship.basis, "")
    guardianship.relationship_label = labels.GUARDIAN_RELATIONSHIP.get(
        guardianship.relationship, ""
    )
    # The ward's requests and consents, to their active guardian only.
    if guardianship.status == Guardianship.Status.ACTIVE and guardianship.guardian_id == viewer.pk:
        ward = guardianship.ward
        guardianship.pending = list(
            consent_selectors.requests_of_citizen(citizen=ward, status="pending")[:50]
        )
        guardianship.consents = list(
            consent_selectors.artefacts_of_citizen(citizen=ward, status="active")[:50]
        )
    return guardianship


def _page(request, *, name_form=None, confirm_form=None, status=200):
    citizen = request.user.citizen
    context = {
        "mine": [_labelled(g, viewer=citizen) for g in guardians.guardianships_of_ward(citizen)],
        "wards": [
            _labelled(g, viewer=citizen) for g in guardians.guardianships_of_guardian(citizen)
        ],
        "name_form": name_form or NameGuardianForm(),
        "confirm_form": confirm_form or ConfirmForm(),
        "is_minor": citizen.is_minor(timezone.localdate()),
    }
    return render(request, "web/portal/guardian.html", context, status=status)


@citizen_required
@require_http_methods(["GET", "HEAD", "POST"])
def guardian(request):
    if request.method != "POST":
        return _page(request)
    citizen = request.user.citizen
    form = NameGuardianForm(request.POST)
    if not form.is_valid():
        return _page(request, name_form=form, status=400)
    try:
        guardians.guardianship_name(
            ward=citizen,
            guardian=form.cleaned_data["guardian"],
            basis=form.cleaned_data["basis"],
            order_reference=form.cleaned_data["order_reference"],
            actor=f"citizen {citizen.handle} (portal)",
        )
    except ServiceError as exc:
        refusal_on(form, exc)
        return _page(request, name_form=form, status=400 if exc.status_code < 500 else 409)
    messages.success(request, _("We asked them to confirm. Until they do, nothing changes."))
    return redirect("portal-guardian")


@citizen_required
@require_POST
def guardian_action(request, pk, action):
    citizen = request.user.citizen
    found = guardians.guardianships_of_guardian(citizen).filter(pk=pk).first()
    if found is None:
        raise Http404
    mine = {"guardian": citizen, "guardianship_id": pk}

    def code():
        otp_issue(
            identifier=found.identifier_value, request=request, language=translation.get_language()
        )

    def confirm():
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return _page(request, confirm_form=form, status=400)
        guardians.guardianship_confirm(
            **mine,
            code=form.cleaned_data["code"],
            relationship=form.cleaned_data["relationship"],
            birth_date=form.cleaned_data["birth_date"],
        )

    steps = {
        "code": (code, _("We sent you a code. Enter it below to confirm.")),
        "confirm": (confirm, _("Confirmed. You answer consent requests for them now.")),
        "decline": (partial(guardians.guardianship_decline, **mine), _("You declined.")),
        "end": (partial(guardians.guardianship_end, **mine), _("You no longer answer for them.")),
    }
    return choose(request, action, steps, back=redirect("portal-guardian"))


@citizen_required
@require_POST
def ward_action(request, pk, item, action):
    """The guardian grants or denies a ward's request, or withdraws a ward's consent."""
    mine = {"guardian": request.user.citizen, "guardianship_id": pk}
    steps = {
        "grant": (
            partial(guardians.ward_grant, **mine, request_id=item),
            _("Consent granted for them."),
        ),
        "deny": (partial(guardians.ward_deny, **mine, request_id=item), _("Request denied.")),
        "revoke": (
            partial(guardians.ward_revoke, **mine, artefact_id=item),
            _("Consent withdrawn."),
        ),
    }
    return choose(request, action, steps, back=redirect("portal-guardian"))
