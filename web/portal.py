"""The citizen portal (/portal/): thin views over consent/services and consent/selectors.

Every write is one service call; a request or consent id that is not the signed-in citizen's
answers 404, exactly as an id that does not exist.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consent import selectors
from consent.api.views.citizens import MyExport
from consent.models import AccountLink, ConsentArtefact, ConsentEvent, ConsentRequest
from consent.services import (
    artefact_pause,
    artefact_resume,
    artefact_revoke,
    consent_deny,
    consent_grant,
    consent_withdraw,
)
from consent.services.artefacts import SYSTEM_EXPIRY
from consent.services.erasure import erase_by, erasure_state
from core.errors import ServiceError
from core.lockout import (
    address_budget_spent,
    remember_device,
    signin_begin,
    signin_failed,
    signin_succeeded,
)
from identity.signup import citizen_sign_up

from . import labels
from .forms import GrantForm, LoginForm, SignupForm
from .outcomes import refusal_on
from .security import safe_next, too_many_message


def citizen_required(view):
    """Signed in as a citizen, or off to the sign-in page (coming back here afterwards)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(
                f"{reverse('portal-login')}?{urlencode({'next': request.path}, safe='/')}"
            )
        if not hasattr(user, "citizen"):
            return render(request, "web/portal/not_citizen.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _actor(request) -> str:
    return f"citizen {request.user.citizen.handle} (portal)"


def _service_error(request, exc: ServiceError) -> None:
    messages.error(request, exc.message)


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,
    )


# --- Account ----------------------------------------------------------------------------------
def sign_in(request, *, audience: str, default_next: str, template: str):
    """The sign-in form of the portal or console, with the wrong-password limit."""
    form = LoginForm(request.POST or None, initial={"next": safe_next(request, "")})
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip().lower()
        wait = signin_begin(request, username)
        if wait:
            form.add_error(None, too_many_message(wait))
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None and audience == "console":
                user = authenticate(
                    request,
                    username=form.cleaned_data["username"].strip(),
                    password=form.cleaned_data["password"],
                )
            if user is None:
                signin_failed(request, username)
                form.add_error(None, _("Unknown name or wrong password."))
                status = 400
            else:
                signin_succeeded(request, username)
                login(request, user)
                response = redirect(safe_next(request, default_next))
                remember_device(request, response, username)
                citizen = getattr(user, "citizen", None)
                if citizen is not None:
                    set_language_cookie(response, citizen.language)
                return response
    elif request.method == "POST":
        status = 400
    response = render(request, template, {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request):
    return sign_in(
        request, audience="portal", default_next=reverse("portal"), template="web/portal/login.html"
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect(safe_next(request, reverse("home")))


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    form = SignupForm(request.POST or None, initial={"language": translation.get_language()})
    # A handle that is taken must be said to be taken, so that answer is rationed per address
    # (docs/consent.md): a handle cannot be learnt in bulk.
    wait = request.method == "POST" and address_budget_spent(
        request, "signup", settings.SUCHI_SIGNUP_PER_HOUR
    )
    if wait:
        form.add_error(None, _("Too many sign-ups from your address. Try again later."))
        response = render(request, "web/portal/signup.html", {"form": form}, status=429)
        response["Retry-After"] = str(wait)
        return response
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            citizen = citizen_sign_up(
                handle=data["handle"],
                password=data["password"],
                language=data["language"],
                name=data["name"],
                birth_date=data["birth_date"],
                guardian=data["guardian"],
            )
        except ServiceError as exc:
            refusal_on(form, exc)
        else:
            login(request, citizen.user, backend="django.contrib.auth.backends.ModelBackend")
            response = redirect("portal")
            set_language_cookie(response, citizen.language)
            return response
    return render(
        request, "web/portal/signup.html", {"form": form}, status=400 if form.errors else 200
    )


# --- Reading ---------------------------------------------------------------------------------
@citizen_required
@require_GET
def dashboard(request):
    citizen = request.user.citizen
    context = {
        "citizen": citizen,
        "pending": list(selectors.requests_of_citizen(citizen=citizen, status="pending")),
        "live": list(
            selectors.artefacts_of_citizen(citizen=citizen).filter(status__in=ConsentArtefact.LIVE)
        ),
        "receipts": list(selectors.receipts_of_citizen(citizen=citizen)[:5]),
    }
    return render(request, "web/portal/dashboard.html", context)


def _request_context(consent_request: ConsentRequest) -> dict:
    datasets = list(consent_request.datasets.all())
    return {
        "req": consent_request,
        "purpose_label": labels.PURPOSE.get(
            consent_request.purpose.code, consent_request.purpose.name
        ),
        "datasets": datasets,
        "providers": sorted({d.institution.name for d in datasets}),
        "status_label": labels.REQUEST_STATUS.get(consent_request.status),
        "mode_label": labels.ACCESS_MODE.get(consent_request.access_mode),
        "fetch_label": labels.FETCH_TYPE.get(consent_request.fetch_type),
        "frequency": labels.period(consent_request.frequency_unit, consent_request.frequency_value),
        "data_life": labels.period(consent_request.data_life_unit, consent_request.data_life_value),
    }


def _grant_form(consent_request: ConsentRequest, datasets, data=None) -> GrantForm:
    providers = {d.institution_id for d in datasets}
    links = selectors.links_of_citizen(
        citizen=consent_request.citizen, status=AccountLink.Status.ACTIVE
    ).filter(provider_id__in=providers)
    named = [a for a in consent_request.accounts.all() if a.provider_id in providers]
    return GrantForm(data, datasets=datasets, links=list(links), named=named)


@citizen_required
@require_GET
def request_detail(request, pk):
    citizen = request.user.citizen
    consent_request = get_object_or_404(selectors.requests_of_citizen(citizen=citizen), pk=pk)
    context = _request_context(consent_request)
    if consent_request.status == ConsentRequest.Status.PENDING:
        context["form"] = _grant_form(consent_request, context["datasets"])
    context["artefacts"] = list(
        selectors.artefacts_of_citizen(citizen=citizen).filter(request=consent_request)
    )
    context["live_artefacts"] = [a for a in context["artefacts"] if a.status in a.LIVE]
    return render(request, "web/portal/request.html", context)


@citizen_required
@require_POST
def request_grant(request, pk):
    citizen = request.user.citizen
    consent_request = get_object_or_404(selectors.requests_of_citizen(citizen=citizen), pk=pk)
    datasets = list(consent_request.datasets.all())
    form = _grant_form(consent_request, datasets, request.POST)
    if not form.is_valid():
        context = {**_request_context(consent_request), "form": form}
        return render(request, "web/portal/request.html", context, status=400)
    expires_at = None
    if form.cleaned_data["expires_on"]:
        end_of_day = timezone.datetime.combine(
            form.cleaned_data["expires_on"], timezone.datetime.max.time()
        )
        expires_at = timezone.make_aware(end_of_day.replace(microsecond=0))
    chosen = {str(d.pk): d.pk for d in datasets}
    try:
        consent_grant(
            citizen=citizen,
            request_id=consent_request.pk,
            dataset_ids=[chosen[value] for value in form.cleaned_data["datasets"]],
            expires_at=expires_at,
            account_ids=form.account_ids(),
            actor=_actor(request),
        )
    except ServiceError as exc:
        _service_error(request, exc)
        return redirect("portal-request", pk=consent_request.pk)
    messages.success(
        request,
        _("You granted consent to %(consumer)s.") % {"consumer": consent_request.consumer.name},
    )
    return redirect("portal-request", pk=consent_request.pk)


def _answer(request, pk, service, done: str):
    """Deny or withdraw: the citizen's request, the service, a message, back to the request."""
    citizen = request.user.citizen
    consent_request = get_object_or_404(selectors.requests_of_citizen(citizen=citizen), pk=pk)
    try:
        service(citizen=citizen, request_id=consent_request.pk, actor=_actor(request))
    except ServiceError as exc:
        _service_error(request, exc)
    else:
        messages.success(request, done % {"consumer": consent_request.consumer.name})
    return redirect("portal-request", pk=consent_request.pk)


@citizen_required
@require_POST
def request_deny(request, pk):
    return _answer(request, pk, consent_deny, _("You denied the request from %(consumer)s."))


@citizen_required
@require_POST
def request_withdraw(request, pk):
    """Withdraw every consent a grant issued (one per provider) in one step, so that taking
    consent back is never more work than giving it."""
    return _answer(
        request,
        pk,
        consent_withdraw,
        _("You withdrew your consent. %(consumer)s may no longer receive these records."),
    )


@citizen_required
@require_GET
def consent_list(request):
    citizen = request.user.citizen
    artefacts = list(selectors.artefacts_of_citizen(citizen=citizen))
    return render(
        request,
        "web/portal/consents.html",
        {
            "live": [a for a in artefacts if a.status in ConsentArtefact.LIVE],
            "ended": [a for a in artefacts if a.status not in ConsentArtefact.LIVE],
        },
    )


@citizen_required
@require_GET
def consent_detail(request, pk):
    citizen = request.user.citizen
    artefact = get_object_or_404(selectors.artefacts_of_citizen(citizen=citizen), pk=pk)
    context = {
        "artefact": artefact,
        "req": artefact.request,
        "datasets": list(artefact.datasets.all()),
        "receipts": list(selectors.receipts_of_citizen(citizen=citizen).filter(artefact=artefact)),
        "mode_label": labels.ACCESS_MODE.get(artefact.request.access_mode),
        "data_life": labels.period(
            artefact.request.data_life_unit, artefact.request.data_life_value
        ),
        "erasure_state": erasure_state(artefact),
        "erase_by": erase_by(artefact),
    }
    return render(request, "web/portal/consent.html", context)


_ACTIONS = {
    "pause": (
        artefact_pause,
        gettext_lazy("Paused. No records are released until you resume."),
    ),
    "resume": (artefact_resume, gettext_lazy("Resumed.")),
    "revoke": (artefact_revoke, gettext_lazy("Withdrawn. No more records will be released.")),
}


@citizen_required
@require_POST
def consent_action(request, pk, action):
    if action not in _ACTIONS:
        raise Http404
    citizen = request.user.citizen
    artefact = get_object_or_404(selectors.artefacts_of_citizen(citizen=citizen), pk=pk)
    service, done = _ACTIONS[action]
    try:
        service(citizen=citizen, artefact_id=artefact.pk, actor=_actor(request))
    except ServiceError as exc:
        _service_error(request, exc)
    else:
        messages.success(request, str(done))
    return redirect(safe_next(request, reverse("portal-consent", args=[artefact.pk])))


@citizen_required
@require_GET
def access_log(request):
    receipts = selectors.receipts_of_citizen(citizen=request.user.citizen)[:200]
    return render(request, "web/portal/access_log.html", {"receipts": receipts})


@citizen_required
@require_GET
def history(request):
    events = selectors.events_of_citizen(citizen=request.user.citizen).select_related(
        "request__consumer", "artefact__provider"
    )
    handle = request.user.citizen.handle
    rows = [
        {"event": e, "label": labels.EVENT_KIND.get(e.kind, e.kind), "who": _who(e, handle)}
        for e in events
    ]
    return render(request, "web/portal/history.html", {"rows": rows[::-1]})


CONSUMER_ACTS = {ConsentEvent.Kind.REQUEST_CREATED, ConsentEvent.Kind.REQUEST_CANCELLED}


def _who(event, handle: str) -> str:
    """By whom, in words the citizen knows: you, the institution (never its token's or staff
    member's name), or Suchi itself. Some acts are always one party's: a request is made and
    cancelled by its consumer, a release reported by its provider. The ledger keeps the exact
    actor; the download includes it."""
    actor = event.actor
    if actor == f"citizen {handle}" or actor.startswith(f"citizen {handle} "):
        return _("by you")
    if event.kind.startswith("receipt.") and event.artefact is not None:
        return _("by %(institution)s") % {"institution": event.artefact.provider.name}
    if event.kind in CONSUMER_ACTS and event.request is not None:
        return _("by %(institution)s") % {"institution": event.request.consumer.name}
    if actor.startswith("token "):
        return _("by an institution's system")
    if actor == SYSTEM_EXPIRY:
        return _("by Suchi, when the time ran out")
    return _("by Suchi")


@citizen_required
@require_GET
def export(request):
    """The "download my data" file: the very document of GET /api/v1/me/export (the API
    view answers, authenticated by this session), so the two can never differ."""
    return MyExport.as_view()(request)
