"""The citizen's linked accounts (/portal/accounts): the accounts and records providers
confirmed are theirs, discovery at a provider, linking with the provider's code, and
delinking in one step (identity.linking)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from consent import selectors
from core.errors import ServiceError
from identity.linking import link_confirm, link_delink, link_discover, link_start
from identity.models import LinkingEndpoint, LinkSession, VerifiedIdentifier

from .portal import citizen_required


class DiscoverForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("Provider"))
    identifiers = forms.MultipleChoiceField(
        label=gettext_lazy("What the provider may use to find your accounts"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, providers=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [
            (e.institution.slug, e.institution.name) for e in providers
        ]
        labels = dict(VerifiedIdentifier.Kind.choices)
        self.fields["identifiers"].choices = [(k, _(labels[k])) for k in kinds]
        self.fields["identifiers"].initial = list(kinds)


class ChooseForm(forms.Form):
    accounts = forms.MultipleChoiceField(
        label=gettext_lazy("Accounts to link"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].choices = [
            (o["reference"], " ".join(x for x in (o["masked"], o["label"], o["account_type"]) if x))
            for o in offered
        ]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The code the provider sent you"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _actor(request) -> str:
    return f"citizen {request.user.citizen.handle} (portal)"


def _accounts_page(request, form=None, status=200):
    citizen = request.user.citizen
    providers = list(
        LinkingEndpoint.objects.select_related("institution")
        .filter(is_active=True)
        .order_by("institution__name")
    )
    kinds = sorted(
        set(VerifiedIdentifier.objects.filter(citizen=citizen).values_list("kind", flat=True))
    )
    context = {
        "links": selectors.links_of_citizen(citizen=citizen).order_by("status", "-created_at"),
        "providers": providers,
        "has_identifiers": bool(kinds),
        "form": form or DiscoverForm(providers=providers, kinds=kinds),
    }
    return render(request, "web/portal/accounts.html", context, status=status)


@citizen_required
@require_GET
def accounts(request):
    return _accounts_page(request)


@citizen_required
@require_POST
def discover(request):
    citizen = request.user.citizen
    providers = list(LinkingEndpoint.objects.select_related("institution").filter(is_active=True))
    kinds = sorted(
        set(VerifiedIdentifier.objects.filter(citizen=citizen).values_list("kind", flat=True))
    )
    form = DiscoverForm(request.POST, providers=providers, kinds=kinds)
    if not form.is_valid():
        return _accounts_page(request, form, status=400)
    try:
        session = link_discover(
            citizen=citizen,
            provider_slug=form.cleaned_data["provider"],
            kinds=form.cleaned_data["identifiers"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _accounts_page(request, form, status=exc.status_code)
    return redirect("portal-account-discovery", pk=session.pk)


def _session_page(request, session: LinkSession, form=None, status=200):
    if form is None:
        form = CodeForm() if session.provider_session else ChooseForm(offered=session.offered)
    context = {"session": session, "form": form}
    return render(request, "web/portal/account_discovery.html", context, status=status)


def _session_of(request, pk) -> LinkSession | None:
    """The citizen's discovery (404 if it is not theirs), or None once it is over."""
    session = get_object_or_404(
        LinkSession.objects.select_related("provider"), pk=pk, citizen=request.user.citizen
    )
    if session.done_at is not None or session.expires_at <= timezone.now():
        return None
    return session


@citizen_required
@require_GET
def discovery(request, pk):
    session = _session_of(request, pk)
    if session is None:
        messages.error(request, _("This discovery is over; start again."))
        return redirect("portal-accounts")
    return _session_page(request, session)


@citizen_required
@require_POST
def discovery_step(request, pk):
    """Choose accounts (the provider sends a code), or enter that code (the links are made)."""
    session = _session_of(request, pk)
    if session is None:
        messages.error(request, _("This discovery is over; start again."))
        return redirect("portal-accounts")
    citizen = request.user.citizen
    entering_code = bool(session.provider_session)
    form = (
        CodeForm(request.POST)
        if entering_code
        else ChooseForm(request.POST, offered=session.offered)
    )
    if not form.is_valid():
        return _session_page(request, session, form, status=400)
    try:
        if entering_code:
            links = link_confirm(
                citizen=citizen, session_id=session.pk, code=form.cleaned_data["code"]
            )
        else:
            session = link_start(
                citizen=citizen, session_id=session.pk, references=form.cleaned_data["accounts"]
            )
            return redirect("portal-account-discovery", pk=session.pk)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _session_page(request, session, form, status=exc.status_code)
    messages.success(
        request,
        _("Linked: %(accounts)s.") % {"accounts": ", ".join(a.masked_reference for a in links)},
    )
    return redirect("portal-accounts")


@citizen_required
@require_POST
def delink(request, pk):
    citizen = request.user.citizen
    get_object_or_404(selectors.links_of_citizen(citizen=citizen), pk=pk)
    try:
        link = link_delink(citizen=citizen, link_id=pk, actor=_actor(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("portal-accounts")
    messages.success(
        request, _("%(account)s is no longer linked.") % {"account": link.masked_reference}
    )
    return redirect("portal-accounts")
