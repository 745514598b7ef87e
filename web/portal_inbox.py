"""The citizen's inbox (/portal/inbox): every notification Suchi sent them, newest first, and
the channels they want besides it (identity.notifications)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from identity.models import VerifiedIdentifier
from identity.notifications import inbox_of, preference_of, preference_set

from .portal import citizen_required

INBOX_LENGTH = 200


class NotificationPreferenceForm(forms.Form):
    email = forms.BooleanField(label=gettext_lazy("Also send me e-mails"), required=False)
    sms = forms.BooleanField(label=gettext_lazy("Also send me text messages (SMS)"), required=False)


def _page(request, form, status=200):
    citizen = request.user.citizen
    kinds = set(VerifiedIdentifier.objects.filter(citizen=citizen).values_list("kind", flat=True))
    context = {
        "notifications": inbox_of(citizen)[:INBOX_LENGTH],
        "form": form,
        "has_email": VerifiedIdentifier.Kind.EMAIL in kinds,
        "has_mobile": VerifiedIdentifier.Kind.MOBILE in kinds,
    }
    return render(request, "web/portal/inbox.html", context, status=status)


@citizen_required
@require_GET
def inbox(request):
    preference = preference_of(request.user.citizen)
    form = NotificationPreferenceForm(initial={"email": preference.email, "sms": preference.sms})
    return _page(request, form)


@citizen_required
@require_POST
def preferences(request):
    form = NotificationPreferenceForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    preference_set(
        citizen=request.user.citizen,
        email=form.cleaned_data["email"],
        sms=form.cleaned_data["sms"],
    )
    messages.success(request, _("Your notification choices were saved."))
    return redirect("portal-inbox")
