"""Signing in to the portal with a one-time code sent to an e-mail address or a mobile number
(identity.services): the first code creates the account. Two steps: ask for a code, then type
it; the identifier waits in the session between them."""

from django import forms
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.errors import ServiceError, TooManyAttempts
from identity.services import otp_check, otp_issue
from identity.signup import sign_up_declare

from .portal import set_language_cookie
from .security import safe_next

SESSION_KEY = "suchi_otp_identifier"


class IdentifierForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("E-mail address or mobile number"),
        max_length=254,
        help_text=gettext_lazy("A mobile number is 10 digits, with or without +91."),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("The 6-digit code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    birth_date = forms.DateField(
        label=gettext_lazy("New to Suchi? Your date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    guardian = forms.CharField(
        label=gettext_lazy(
            "Under 18? A parent's or lawful guardian's e-mail address or mobile number"
        ),
        max_length=254,
        required=False,
    )


def _code_error(exc: ServiceError) -> str:
    """The service's (English, API) refusal, in the page's language."""
    if exc.field == "identifier":
        return _("Give an e-mail address, or a 10-digit mobile number starting with 6, 7, 8 or 9.")
    if "tries left" in exc.message:
        return _("That code is not right. Check it and try again.")
    return _("That code is not valid any more. Ask for a new one.")


def _declaration_error(exc: ServiceError) -> str:
    if exc.field == "guardian" and "under" in exc.message:
        return _(
            "You are under 18: name a parent or lawful guardian. They confirm in Suchi and "
            "answer consent requests for you until you are 18."
        )
    if exc.field == "guardian":
        return _("Give your guardian's e-mail address, or a 10-digit mobile number.")
    if "declares" in exc.message:
        return _("A new account needs your date of birth.")
    return _("This is not a possible date of birth.")


@require_http_methods(["GET", "HEAD", "POST"])
def ask_code(request):
    form = IdentifierForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        try:
            otp_issue(identifier=identifier, request=request, language=translation.get_language())
        except TooManyAttempts as exc:
            form.add_error(None, _("Too many codes were asked for. Wait a little and try again."))
            response = render(request, "web/portal/code_ask.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except ServiceError as exc:
            form.add_error(
                "identifier" if exc.field == "identifier" else None,
                _code_error(exc)
                if exc.field == "identifier"
                else _("The code could not be sent. Try again."),
            )
            status = 400 if exc.status_code < 500 else 503
        else:
            request.session[SESSION_KEY] = identifier
            target = reverse("portal-login-code-verify")
            next_url = safe_next(request, "")
            return redirect(f"{target}?next={next_url}" if next_url else target)
    elif request.method == "POST":
        status = 400
    return render(request, "web/portal/code_ask.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def verify_code(request):
    identifier = request.session.get(SESSION_KEY)
    if not identifier:
        return redirect("portal-login-code")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            citizen, _created = otp_check(
                identifier=identifier,
                code=form.cleaned_data["code"],
                language=translation.get_language(),
                new_account=lambda citizen: sign_up_declare(
                    citizen,
                    birth_date=form.cleaned_data["birth_date"],
                    guardian=form.cleaned_data["guardian"],
                ),
            )
        except ServiceError as exc:
            if exc.field in ("birth_date", "guardian"):
                form.add_error(exc.field, _declaration_error(exc))
            else:
                form.add_error("code", _code_error(exc))
            status = 400
        else:
            request.session.pop(SESSION_KEY, None)
            login(request, citizen.user, backend="django.contrib.auth.backends.ModelBackend")
            response = redirect(safe_next(request, reverse("portal")))
            set_language_cookie(response, citizen.language)
            return response
    elif request.method == "POST":
        status = 400
    context = {"form": form, "identifier": identifier}
    return render(request, "web/portal/code_verify.html", context, status=status)
