"""The console's data exchange (/console/<institution>/access-requests, /agreements/…): both
sides of a request for restricted datasets and of the agreement issued on approval. Thin views
over exchange.services: forms → plain values → the services the API calls; a service's error
is shown on the form field it names; a request or agreement of others is a 404."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import Conflict, Forbidden, Gone, NotFound, ServiceError
from exchange import labels as exchange_labels
from exchange import selectors as exchange_selectors
from exchange import services as exchange_services
from exchange.models import AccessRequest, DataUseAgreement, ExchangePolicy
from exchange.terms import purposes, terms_checked
from registry.models import Dataset, Membership
from registry.services import Actor

from .console import console_context, member_required
from .forms_exchange import (
    AccessRequestForm,
    ApproveForm,
    MessageForm,
    PolicyForm,
    ReasonForm,
    RejectForm,
    TermsForm,
    is_uuid,
)
from .outcomes import refusal_on

ACTIONS = ("suspend", "resume", "revoke")
OFFERED = 100  # restricted datasets offered on a new request with none named
STATE_ERRORS = (Conflict, Gone, Forbidden)  # shown as a message over the page, not on a field


def _actor(request) -> str:
    return Actor.for_user(request.user).label


def purpose_name(code: str) -> str:
    return _(purposes().get(code, {}).get("name", code))


def _labelled_request(access_request: AccessRequest) -> AccessRequest:
    status = access_request.status
    access_request.status_label = exchange_labels.REQUEST_STATUS.get(status, status)
    access_request.purpose_label = purpose_name(access_request.purpose)
    return access_request


def _labelled_agreement(agreement: DataUseAgreement) -> DataUseAgreement:
    agreement.status_label = exchange_labels.AGREEMENT_STATUS.get(
        agreement.status, agreement.status
    )
    agreement.purpose_label = purpose_name(agreement.purpose)
    return agreement


# --- The list ---------------------------------------------------------------------------------
@member_required()
@require_GET
def access_requests(request):
    institution = request.institution
    rows = [
        _labelled_request(r)
        for r in exchange_selectors.requests_of_party(institution=institution)[:200]
    ]
    agreements = [
        _labelled_agreement(a)
        for a in exchange_selectors.agreements_of_party(institution=institution)[:200]
    ]
    context = console_context(
        request,
        received=[r for r in rows if r.provider_id == institution.pk],
        made=[r for r in rows if r.consumer_id == institution.pk],
        agreements=agreements,
    )
    return render(request, "web/console/access_requests.html", context)


# --- A new request ----------------------------------------------------------------------------
def _dataset_choices(request, named: list[str]) -> list[tuple[str, str]]:
    """The datasets named (in the address or the post), else the catalogue's restricted ones
    of other institutions."""
    # Only what may be requested, named or not: a dataset named by its id was shown whatever it
    # was (an outside probe read the title of another institution's rejected dataset).
    qs = (
        Dataset.objects.select_related("institution")
        .filter(status=Dataset.Status.PUBLISHED, access_rights=Dataset.Access.RESTRICTED)
        .exclude(institution=request.institution)
        .order_by("title")
    )
    valid = [n for n in named if is_uuid(n)]
    qs = qs.filter(pk__in=valid) if valid else qs[:OFFERED]
    return [(str(d.pk), f"{d.title} ({d.institution.name})") for d in qs]


@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def access_request_new(request):
    institution = request.institution
    if not institution.is_consumer:
        context = console_context(request, form=None)
        status = 403 if request.method == "POST" else 200
        return render(request, "web/console/access_request_form.html", context, status=status)
    named = request.GET.getlist("dataset") + request.POST.getlist("datasets")
    choices = _dataset_choices(request, list(dict.fromkeys(named)))
    if request.method != "POST":
        user = request.user
        initial = {
            "datasets": request.GET.getlist("dataset"),
            "responsible_name": user.get_full_name() or user.get_username(),
            "responsible_email": user.email or institution.contact_email,
        }
        form = AccessRequestForm(initial=initial, dataset_choices=choices)
    else:
        form = AccessRequestForm(request.POST, dataset_choices=choices)
        if form.is_valid():
            try:
                created = exchange_services.access_request_create(
                    consumer=institution,
                    data=exchange_services.RequestInput(**form.values()),
                    token=None,
                    actor=_actor(request),
                )
            except ServiceError as exc:
                refusal_on(form, exc)
            else:
                sent = _("Your request was sent to %(provider)s.")
                messages.success(request, sent % {"provider": created.provider.name})
                return redirect("console-access-request", slug=institution.slug, pk=created.pk)
    status = 400 if request.method == "POST" else 200
    context = console_context(request, form=form)
    return render(request, "web/console/access_request_form.html", context, status=status)


# --- One request ------------------------------------------------------------------------------
def _party_request(request, pk) -> AccessRequest:
    try:
        found = exchange_services.access_request_for_party(
            institution=request.institution, request_id=pk
        )
    except NotFound as exc:
        raise Http404 from exc
    return found


def _template(institution) -> dict:
    policy = ExchangePolicy.objects.filter(institution=institution).first()
    return policy.terms_template if policy else {}


def _action_url(request, name: str, found: AccessRequest) -> str:
    return reverse(name, args=[request.institution.slug, found.pk])


def _request_page(request, found: AccessRequest, *, status: int = 200, **forms):
    """The request's page: details, thread, and the forms of the member's side."""
    found = _labelled_request(found)
    side = "provider" if found.provider_id == request.institution.pk else "consumer"
    datasets = list(found.datasets.select_related("institution").order_by("title"))
    is_open = found.status == AccessRequest.Status.REQUESTED
    agreement = DataUseAgreement.objects.filter(request=found).first()
    if is_open:
        forms.setdefault("message_form", MessageForm())
        if side == "provider":
            forms.setdefault(
                "approve_form",
                ApproveForm(
                    initial=TermsForm.initial_from(_template(request.institution)),
                    personal=any(d.contains_personal_data for d in datasets),
                ),
            )
            forms.setdefault("reject_form", RejectForm())
    context = console_context(
        request,
        access_request=found,
        side=side,
        counterparty=found.consumer if side == "provider" else found.provider,
        datasets=datasets,
        thread=list(found.messages.select_related("institution")),
        is_open=is_open,
        message_action=_action_url(request, "console-access-request-message", found),
        approve_action=_action_url(request, "console-access-request-approve", found),
        reject_action=_action_url(request, "console-access-request-reject", found),
        agreement=_labelled_agreement(agreement) if agreement else None,
        **forms,
    )
    return render(request, "web/console/access_request.html", context, status=status)


@member_required()
@require_GET
def access_request_detail(request, pk):
    return _request_page(request, _party_request(request, pk))


def _back(request, found: AccessRequest):
    return redirect("console-access-request", slug=request.institution.slug, pk=found.pk)


def _request_form(request, found, form, step, done: str, *, shown_as: str):
    """A form on a request's page that runs one service: `step()` once the form is valid, then
    `done` and back to the request (or where `step` returned). A refusal of the request's state
    is a message over the page; any other is shown on the form, as `shown_as`."""
    if form.is_valid():
        try:
            where = step()
        except STATE_ERRORS as exc:
            messages.error(request, exc.message)
            return _back(request, found)
        except ServiceError as exc:
            refusal_on(form, exc)
        else:
            messages.success(request, done)
            return where or _back(request, found)
    return _request_page(request, found, status=400, **{shown_as: form})


@member_required()
@require_POST
def access_request_message_view(request, pk):
    found = _party_request(request, pk)
    form = MessageForm(request.POST)

    def step():
        exchange_services.access_request_message(
            institution=request.institution,
            request_id=found.pk,
            text=form.cleaned_data["text"],
            author=_actor(request),
        )

    return _request_form(request, found, form, step, _("Message sent."), shown_as="message_form")


@member_required()
@require_POST
def access_request_approve_view(request, pk):
    found = _party_request(request, pk)
    if found.provider_id != request.institution.pk:
        raise Http404
    personal = found.datasets.filter(contains_personal_data=True).exists()
    form = ApproveForm(request.POST, personal=personal)

    def step():
        agreement = exchange_services.access_request_approve(
            provider=request.institution,
            request_id=found.pk,
            terms=form.terms(),
            basis=form.basis(),
            actor=_actor(request),
            template=_template(request.institution),
        )
        return redirect("console-agreement", slug=request.institution.slug, pk=agreement.pk)

    done = _("Approved: the agreement was issued.")
    return _request_form(request, found, form, step, done, shown_as="approve_form")


@member_required()
@require_POST
def access_request_reject_view(request, pk):
    found = _party_request(request, pk)
    if found.provider_id != request.institution.pk:
        raise Http404
    form = RejectForm(request.POST)

    def step():
        exchange_services.access_request_reject(
            provider=request.institution,
            request_id=found.pk,
            reason=form.cleaned_data["reason"],
            actor=_actor(request),
        )

    done = _("The request was rejected.")
    return _request_form(request, found, form, step, done, shown_as="reject_form")


@member_required()
@require_POST
def access_request_withdraw_view(request, pk):
    found = _party_request(request, pk)
    if found.consumer_id != request.institution.pk:
        raise Http404
    try:
        exchange_services.access_request_withdraw(
            consumer=request.institution, request_id=found.pk, actor=_actor(request)
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You withdrew the request."))
    return _back(request, found)


# --- One agreement ----------------------------------------------------------------------------
def _party_agreement(request, pk) -> DataUseAgreement:
    try:
        found = exchange_services.agreement_for_party(
            institution=request.institution, agreement_id=pk
        )
    except NotFound as exc:
        raise Http404 from exc
    return found


@member_required()
@require_GET
def agreement_detail(request, pk):
    agreement = _labelled_agreement(_party_agreement(request, pk))
    side = "provider" if agreement.provider_id == request.institution.pk else "consumer"
    receipts = list(exchange_selectors.receipts_of_agreement(agreement=agreement)[:200])
    for receipt in receipts:
        receipt.outcome_label = exchange_labels.RECEIPT_OUTCOME.get(
            receipt.outcome, receipt.outcome
        )
    actions = []
    if side == "provider":
        if agreement.status == DataUseAgreement.Status.ACTIVE:
            actions.append(("suspend", _("Suspend")))
        if agreement.status == DataUseAgreement.Status.SUSPENDED:
            actions.append(("resume", _("Resume")))
        if agreement.status in DataUseAgreement.LIVE:
            actions.append(("revoke", _("Revoke")))
    context = console_context(
        request,
        agreement=agreement,
        side=side,
        counterparty=agreement.consumer if side == "provider" else agreement.provider,
        datasets=list(agreement.datasets.select_related("institution").order_by("title")),
        terms_text=(agreement.claims.get("terms") or {}).get("text", ""),
        basis_label=exchange_labels.BASIS.get(agreement.basis, agreement.basis),
        receipts=receipts,
        actions=actions,
        reason_form=ReasonForm() if actions else None,
        jwks_url=request.build_absolute_uri("/.well-known/jwks.json"),
        status_url=request.build_absolute_uri(
            reverse("agreement-status", kwargs={"pk": agreement.pk})
        ),
    )
    return render(request, "web/console/agreement.html", context)


@member_required()
@require_POST
def agreement_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        exchange_services.agreement_transition(
            provider=request.institution,
            agreement_id=pk,
            action=action,
            reason=reason,
            actor=_actor(request),
        )
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        done = {
            "suspend": _("The agreement was suspended: no data may be released under it."),
            "resume": _("The agreement is active again."),
            "revoke": _("The agreement was revoked for good."),
        }
        messages.success(request, done[action])
    return redirect("console-agreement", slug=request.institution.slug, pk=pk)


# --- The provider's policy --------------------------------------------------------------------
@member_required(admin=True)
@require_http_methods(["GET", "HEAD", "POST"])
def exchange_policy(request):
    institution = request.institution
    form = None
    if institution.is_provider:
        if request.method == "POST":
            form = PolicyForm(request.POST)
            if form.is_valid():
                template = form.terms()
                try:
                    terms_checked(template, template={}, purpose="research")
                except ServiceError as exc:
                    refusal_on(form, exc)
                else:
                    ExchangePolicy.objects.update_or_create(
                        institution=institution,
                        defaults={
                            "max_duration_days": form.cleaned_data["max_duration_days"],
                            "terms_template": template,
                        },
                    )
                    messages.success(request, _("Policy saved."))
                    return redirect("console-exchange-policy", slug=institution.slug)
        else:
            initial = TermsForm.initial_from(_template(institution))
            initial["max_duration_days"] = exchange_services.max_duration_days(institution)
            form = PolicyForm(initial=initial)
    status = 400 if form is not None and form.errors else 200
    if form is None and request.method == "POST":
        status = 403
    context = console_context(request, form=form)
    return render(request, "web/console/exchange_policy.html", context, status=status)


# --- From the public dataset page -------------------------------------------------------------
@require_GET
def request_access(request, dataset):
    """The public page's "Request access": to the new-request form of the member's (first
    consumer) institution, with the dataset chosen."""
    found = get_object_or_404(Dataset, pk=dataset, status=Dataset.Status.PUBLISHED)
    if not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()}, safe="/")
        return redirect(f"{reverse('console-login')}?{query}")
    membership = (
        Membership.objects.select_related("institution")
        .filter(user=request.user, institution__is_consumer=True)
        .order_by("institution__name")
        .first()
    )
    if membership is None:
        return render(request, "web/console/access_no_consumer.html", {"dataset": found})
    target = reverse("console-access-request-new", args=[membership.institution.slug])
    return redirect(f"{target}?{urlencode({'dataset': str(found.pk)})}")
