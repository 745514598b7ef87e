"""The grievance officer reviews nominees' reports of a citizen's death or incapacity
(/console/grievance-officer/nominations; rights.nomination, DPDP Act 2023 s.14): approved,
the nominee may act for the citizen; rejected, the nomination stands."""

from functools import partial

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from registry.services import Actor
from rights.models import NOMINATION_TEXT_MAX
from rights.nomination import nomination_review, nominations_to_review

from . import labels
from .console_grievances import officer_required
from .outcomes import carry_out


class ReviewForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What you checked, and your decision's reasons"),
        max_length=NOMINATION_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _page(request, *, form=None, failed=None, status=200):
    reported = list(nominations_to_review().order_by("reported_at")[:200])
    for nomination in reported:
        nomination.event_label = labels.NOMINATION_EVENT.get(nomination.event, "")
        nomination.form = form if failed == nomination.pk else ReviewForm()
    return render(request, "web/console/nominations.html", {"reported": reported}, status=status)


@officer_required
@require_GET
def nominations(request):
    return _page(request)


@officer_required
@require_POST
def nomination_review_view(request, pk):
    form = ReviewForm(request.POST)
    decision = request.POST.get("decision")
    if not form.is_valid() or decision not in ("approve", "reject"):
        if decision not in ("approve", "reject"):
            form.add_error(None, _("Approve or reject."))
        return _page(request, form=form, failed=pk, status=400)
    step = partial(
        nomination_review,
        nomination_id=pk,
        approve=decision == "approve",
        text=form.cleaned_data["text"],
        actor=Actor.for_user(request.user).label,
    )
    said = _("Approved: the nominee may act.") if decision == "approve" else _("Rejected.")
    return carry_out(request, step, said, back=redirect("console-nominations"))
