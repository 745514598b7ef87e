"""The citizen's records (DPDP First Schedule, Part B): a readable report of everything Suchi
holds about them (the signed JSON is /api/v1/me/records), and closing the account."""

from django import forms
from django.contrib.auth import logout
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from consent import selectors as consent_selectors
from core.errors import ServiceError
from identity.models import Notification, VerifiedIdentifier
from rights import selectors
from rights.records import account_close

from . import labels
from .portal import citizen_required


class CloseForm(forms.Form):
    confirm = forms.CharField(label=gettext_lazy("Type your handle to confirm"), max_length=64)


@citizen_required
@require_GET
def report(request):
    """Everything Suchi holds about the citizen, on one printable page."""
    citizen = request.user.citizen
    artefacts = list(consent_selectors.artefacts_of_citizen(citizen=citizen))
    for artefact in artefacts:
        artefact.status_label = labels.ARTEFACT_STATUS.get(artefact.status, artefact.status)
    requests = list(consent_selectors.requests_of_citizen(citizen=citizen))
    for consent_request in requests:
        consent_request.status_label = labels.REQUEST_STATUS.get(
            consent_request.status, consent_request.status
        )
    grievances = list(selectors.grievances_of_citizen(citizen=citizen))
    for grievance in grievances:
        grievance.status_label = labels.GRIEVANCE_STATUS.get(grievance.status, grievance.status)
    context = {
        "citizen": citizen,
        "identifiers": VerifiedIdentifier.objects.filter(citizen=citizen).order_by("kind"),
        "requests": requests,
        "artefacts": artefacts,
        "receipts": consent_selectors.receipts_of_citizen(citizen=citizen),
        "links": [
            _link_labelled(link) for link in consent_selectors.links_of_citizen(citizen=citizen)
        ],
        "grievances": grievances,
        "notices": Notification.objects.filter(
            citizen=citizen, channel=Notification.Channel.INBOX
        ).order_by("-created_at")[:500],
        "events": consent_selectors.events_of_citizen(citizen=citizen).count(),
    }
    return render(request, "web/portal/report.html", context)


def _link_labelled(link):
    link.status_label = labels.LINK_STATUS.get(link.status, link.status)
    return link


@citizen_required
@require_http_methods(["GET", "POST"])
def close_account(request):
    citizen = request.user.citizen
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = account_close(
                citizen=citizen,
                confirm=form.cleaned_data["confirm"],
                actor=f"citizen {citizen.handle} (portal)",
            )
        except ServiceError as exc:
            form.add_error("confirm", exc.message)
        else:
            logout(request)
            return render(
                request, "web/portal/closed.html", {"done": done, "handle": citizen.handle}
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "web/portal/close.html", {"form": form}, status=status)
