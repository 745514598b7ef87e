"""The institution console (/console/<institution>/…): thin views over registry/services and
consent/services for the institution's members.

Datasets are validated by the registry's payload model (registry.payload.DatasetInput) and
written by the same services as the API, so a form and an API call accept and refuse exactly
the same things. Editors manage datasets; administrators also manage API tokens and webhooks.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.pages import CHECK_TITLES
from consent import selectors as consent_selectors
from consent.services import webhook_endpoint_create, webhook_endpoint_disable
from core.api.errors import flatten_errors
from core.errors import ServiceError
from harvest.selectors import harvest_sources_with_last_job
from registry import datacard, selectors, services
from registry.models import ApiToken, Dataset, Membership, ValidationRun
from registry.payload import DatasetInput
from registry.services import Actor

from . import labels
from .console_errors import api_errors_anyway, errors_into
from .forms import (
    DataCardForm,
    DatasetForm,
    DistributionFormSet,
    TokenForm,
    WebhookForm,
    field_label,
)
from .forms_harvest import HarvestSourceForm
from .outcomes import refusal_on
from .portal import sign_in
from .security import safe_next


def member_required(*, admin: bool = False):
    """The view gets the membership of the signed-in user at the institution in the URL.
    Not a member (or not an administrator, where one is needed): 404, as for no institution."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect(
                    f"{reverse('console-login')}?{urlencode({'next': request.path}, safe='/')}"
                )
            membership = (
                Membership.objects.select_related("institution")
                .filter(user=request.user, institution__slug=slug)
                .first()
            )
            if membership is None or (admin and membership.role != Membership.Role.ADMIN):
                raise Http404
            request.membership = membership
            request.institution = membership.institution
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request):
    return sign_in(
        request,
        audience="console",
        default_next=reverse("console"),
        template="web/console/login.html",
    )


@require_GET
def home(request):
    if not request.user.is_authenticated:
        return redirect(
            f"{reverse('console-login')}?{urlencode({'next': reverse('console')}, safe='/')}"
        )
    memberships = list(
        Membership.objects.select_related("institution")
        .filter(user=request.user)
        .order_by("institution__name")
    )
    if len(memberships) == 1:
        return redirect("console-overview", slug=memberships[0].institution.slug)
    return render(request, "web/console/home.html", {"memberships": memberships})


def console_context(request, **extra) -> dict:
    """What every console page's layout needs, with the page's own context."""
    return {
        "institution": request.institution,
        "is_admin": request.membership.role == Membership.Role.ADMIN,
        **extra,
    }


@member_required()
@require_GET
def overview(request):
    return overview_page(request)


def overview_page(request, *, harvest_form=None, http_status: int = 200):
    """The institution's datasets and harvest sources; `harvest_form` bound when a source
    being added was refused (web/console_harvest.py)."""
    datasets = list(Dataset.objects.filter(institution=request.institution).order_by("title"))
    for dataset in datasets:
        dataset.status_label = labels.DATASET_STATUS.get(dataset.status, dataset.status)
    sources = harvest_sources_with_last_job(institution=request.institution)
    for source in sources:
        source.frequency_label = labels.HARVEST_FREQUENCY.get(source.frequency, source.frequency)
        source.kind_label = labels.HARVEST_KIND.get(source.kind, source.kind)
        if source.last_job:
            status = source.last_job.status
            source.last_job.status_label = labels.HARVEST_JOB_STATUS.get(status, status)
    return render(
        request,
        "web/console/overview.html",
        console_context(
            request,
            datasets=datasets,
            harvest_sources=sources,
            harvest_form=harvest_form or HarvestSourceForm(),
            harvest_action=reverse("console-harvest-source-add", args=[request.institution.slug]),
        ),
        status=http_status,
    )


def _checked(dataset: Dataset, done: str) -> str:
    """What was saved and how its checks went, as far as they have: in the embedded default
    they have run already (a new user read "it is being checked" above a Published badge)."""
    run = dataset.validation_runs.order_by("-created_at", "-id").only("status").first()
    status = run.status if run else ""
    if status == ValidationRun.Status.PASSED:
        return _("%(done)s; its checks passed.") % {"done": done}
    if status in (ValidationRun.Status.FAILED, ValidationRun.Status.ERROR):
        return _("%(done)s; its checks failed: the report is below.") % {"done": done}
    return _("%(done)s; it is being checked.") % {"done": done}


def _dataset_form(request, *, dataset: Dataset | None):
    """Create (dataset None) or edit a dataset: forms → DatasetInput → the service."""
    base = None
    if dataset is not None:
        base = dataset.pending_revision.snapshot if dataset.pending_revision else None
        base = base or services.dataset_snapshot(dataset)
    if request.method == "POST":
        form = DatasetForm(request.POST)
        formset = DistributionFormSet(request.POST, prefix="dist")
        if form.is_valid() and formset.is_valid():
            existing = {d["id"]: d for d in (base or {}).get("distributions", [])}
            distributions = [
                payload
                for sub in formset.forms
                if (payload := sub.payload(existing.get(sub.cleaned_data.get("id")))) is not None
            ]
            payload = {**form.payload(base), "distributions": distributions}
            serializer = DatasetInput(data=payload)
            if serializer.is_valid():
                try:
                    if dataset is None:
                        dataset = services.dataset_register(
                            institution=request.institution,
                            data=serializer.validated_data,
                            actor=Actor.for_user(request.user),
                        )
                        messages.success(request, _checked(dataset, _("Dataset registered")))
                    else:
                        services.dataset_update(
                            dataset=dataset,
                            data=serializer.validated_data,
                            actor=Actor.for_user(request.user),
                            partial=True,
                        )
                        messages.success(request, _checked(dataset, _("Change saved")))
                except ServiceError as exc:
                    target = exc.field if exc.field in form.fields else None
                    form.add_error(target, exc.message)
                else:
                    return redirect("console-dataset", slug=request.institution.slug, pk=dataset.pk)
            else:
                errors_into(form, formset, serializer.errors)
        elif formset.is_valid():
            # The API's checks of what the form let through, now: not in a second round after
            # the form's own errors are mended (a new user met four errors one at a time).
            errors_into(form, formset, api_errors_anyway(form, formset, base), only_new=True)
    else:
        initial = DatasetForm.initial_from(base) if base else {}
        form = DatasetForm(initial=initial)
        formset = DistributionFormSet(
            initial=[
                {k: d.get(k, "") for k in ("id", "title", "access_url", "download_url")}
                | {"media_type": d.get("media_type", ""), "format": d.get("format", "")}
                for d in (base or {}).get("distributions", [])
            ],
            prefix="dist",
        )
    status = 400 if request.method == "POST" else 200
    context = console_context(request, form=form, formset=formset, dataset=dataset)
    return render(request, "web/console/dataset_form.html", context, status=status)


@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def dataset_create(request):
    return _dataset_form(request, dataset=None)


def _own_dataset(request, pk) -> Dataset:
    return get_object_or_404(selectors.datasets_writable_by(institution=request.institution), pk=pk)


@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def dataset_edit(request, pk):
    dataset = _own_dataset(request, pk)
    if dataset.status == Dataset.Status.WITHDRAWN:
        raise Http404
    return _dataset_form(request, dataset=dataset)


@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def dataset_card_edit(request, pk):
    """The dataset's data card: a change to it is a revision like any other, checked before
    the public sees it."""
    dataset = _own_dataset(request, pk)
    if dataset.status == Dataset.Status.WITHDRAWN:
        raise Http404
    base = dataset.pending_revision.snapshot if dataset.pending_revision else None
    card = datacard.card_of((base or services.dataset_snapshot(dataset)).get("data_card"))
    if request.method != "POST":
        form = DataCardForm(initial=DataCardForm.initial_from(card))
    else:
        form = DataCardForm(request.POST)
        if form.is_valid():
            serializer = DatasetInput(data={"data_card": form.payload()}, partial=True)
            if serializer.is_valid():
                try:
                    services.dataset_update(
                        dataset=dataset,
                        data={"data_card": serializer.validated_data["data_card"]},
                        actor=Actor.for_user(request.user),
                        partial=True,
                    )
                except ServiceError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _checked(dataset, _("Data card saved")))
                    return redirect("console-dataset", slug=request.institution.slug, pk=pk)
            else:
                for path, problems in flatten_errors(serializer.errors).items():
                    name = path.removeprefix("data_card.").split("[")[0].split(".")[0]
                    target = name if name in form.fields else None
                    for problem in problems:
                        form.add_error(target, f"{path.removeprefix('data_card.')}: {problem}")
    context = console_context(request, form=form, dataset=dataset)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/console/data_card_form.html", context, status=status)


@member_required()
@require_GET
def dataset_detail(request, pk):
    dataset = _own_dataset(request, pk)
    runs = list(selectors.dataset_validation_runs(dataset=dataset, owner=True)[:10])
    for run in runs:
        run.status_label = labels.RUN_STATUS.get(run.status, run.status)
        run.finding_rows = [
            {
                "severity": f.severity,
                "check_title": CHECK_TITLES.get(f.check_name, f.check_name),
                "message": f.message,
                "field": field_label(f.field) if f.field else "",
            }
            for f in run.findings.all()
        ]
    revisions = list(selectors.dataset_revisions(dataset=dataset, owner=True)[:20])
    for revision in revisions:
        revision.kind_label = labels.REVISION_KIND.get(revision.kind, revision.kind)
        revision.status_label = labels.REVISION_STATUS.get(revision.status, revision.status)
    context = console_context(
        request,
        dataset=dataset,
        status_label=labels.DATASET_STATUS.get(dataset.status, dataset.status),
        runs=runs,
        latest=runs[0] if runs else None,
        revisions=revisions,
        quality=dataset.quality or None,
    )
    return render(request, "web/console/dataset_detail.html", context)


@member_required()
@require_POST
def dataset_withdraw_view(request, pk):
    dataset = _own_dataset(request, pk)
    services.dataset_withdraw(dataset=dataset, actor=Actor.for_user(request.user))
    messages.success(request, _("The dataset was withdrawn from the catalogue."))
    return redirect("console-dataset", slug=request.institution.slug, pk=dataset.pk)


@member_required()
@require_POST
def dataset_revalidate_view(request, pk):
    dataset = _own_dataset(request, pk)
    try:
        services.dataset_revalidate(dataset=dataset)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A new check was started."))
    return redirect("console-dataset", slug=request.institution.slug, pk=dataset.pk)


# --- Tokens -----------------------------------------------------------------------------------
@member_required(admin=True)
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.token_issue(
                institution=request.institution,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                created_by=request.user,
            )
        except ServiceError as exc:
            refusal_on(form, exc)
        else:
            form = TokenForm()
    rows = list(ApiToken.objects.filter(institution=request.institution).order_by("-created_at"))
    for token in rows:
        token.scope_labels = [labels.SCOPES.get(s, s) for s in token.scopes]
    response = render(
        request,
        "web/console/tokens.html",
        console_context(request, form=form, tokens=rows, issued=issued),
        status=400 if form.errors else 200,
    )
    if issued:
        response["Cache-Control"] = "no-store"  # the secret is on this page, once
    return response


@member_required(admin=True)
@require_POST
def token_revoke_view(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, institution=request.institution)
    services.token_revoke(token=token)
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("console-tokens", slug=request.institution.slug)


# --- Webhooks ---------------------------------------------------------------------------------
@member_required(admin=True)
@require_http_methods(["GET", "HEAD", "POST"])
def webhooks(request):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_endpoint_create(
                institution=request.institution,
                url=form.cleaned_data["url"].strip(),
                events=[],
                description=form.cleaned_data["description"],
            )
        except ServiceError as exc:
            refusal_on(form, exc)
        else:
            messages.success(request, _("Endpoint added."))
            return redirect("console-webhooks", slug=request.institution.slug)
    endpoints = request.institution.webhook_endpoints.order_by("-created_at")
    deliveries = list(consent_selectors.deliveries_of(institution=request.institution)[:50])
    for delivery in deliveries:
        delivery.status_label = labels.DELIVERY_STATUS.get(delivery.status, delivery.status)
    context = console_context(request, form=form, endpoints=endpoints, deliveries=deliveries)
    return render(request, "web/console/webhooks.html", context, status=400 if form.errors else 200)


@member_required(admin=True)
@require_POST
def webhook_disable_view(request, pk):
    try:
        webhook_endpoint_disable(institution=request.institution, endpoint_id=pk)
    except ServiceError as exc:
        raise Http404 from exc
    messages.success(request, _("Deliveries to this endpoint were stopped."))
    return redirect(
        safe_next(request, reverse("console-webhooks", args=[request.institution.slug]))
    )


# --- Consent requests sent --------------------------------------------------------------------
@member_required()
@require_GET
def consent_requests(request):
    rows = list(consent_selectors.requests_of_consumer(institution=request.institution)[:200])
    for row in rows:
        row.status_label = labels.CONSUMER_REQUEST_STATUS.get(row.status, row.status)
    return render(request, "web/console/consent_requests.html", console_context(request, rows=rows))
