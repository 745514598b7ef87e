"""The citizen's account page in the portal: the password (under the sign-in limit) and the
preferred language."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consent.services import citizen_set_language
from core.lockout import signin_begin, signin_failed, signin_succeeded

from .forms import LanguagePreferenceForm
from .portal import citizen_required, set_language_cookie
from .security import too_many_message


def _account(request, *, password_form=None, language_form=None, status=200):
    citizen = request.user.citizen
    context = {
        "citizen": citizen,
        "password_form": password_form or PasswordChangeForm(request.user),
        "language_form": language_form
        or LanguagePreferenceForm(initial={"language": citizen.language}),
    }
    return render(request, "web/portal/account.html", context, status=status)


@citizen_required
@require_GET
def account(request):
    return _account(request)


@citizen_required
@require_POST
def password_change(request):
    """The current password is checked under the sign-in policy (core.lockout): a session left
    open is no way to guess it at full speed."""
    form = PasswordChangeForm(request.user, request.POST)
    username = request.user.get_username().strip().lower()
    if wait := signin_begin(request, username):  # (a bound form's errors would check it)
        messages.error(request, too_many_message(wait))
        response = _account(request, status=429)
        response["Retry-After"] = str(wait)
        return response
    if not form.is_valid():
        if "old_password" in form.errors:
            signin_failed(request, username)
        else:
            signin_succeeded(request, username)
        return _account(request, password_form=form, status=400)
    signin_succeeded(request, username)
    user = form.save()  # Django's own form: it sets and saves the new password hash
    update_session_auth_hash(request, user)
    messages.success(request, _("Your password was changed."))
    return redirect("portal-account")


@citizen_required
@require_POST
def language_preference(request):
    form = LanguagePreferenceForm(request.POST)
    if not form.is_valid():
        return _account(request, language_form=form, status=400)
    language = form.cleaned_data["language"]
    citizen_set_language(citizen=request.user.citizen, language=language)
    translation.activate(language)
    messages.success(request, _("Your preferred language was saved."))
    response = redirect("portal-account")
    set_language_cookie(response, language)
    return response
