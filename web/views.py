"""Site-wide page actions: the language switch."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_safe

from .portal import set_language_cookie
from .security import safe_next


@require_safe
def language(request):
    """Switch the pages' language: a plain link (`/language?language=hi&next=/portal/`) that
    sets the language cookie and goes back, so it works on cached public pages and without
    JavaScript. It writes nothing else; a citizen's stored preference is changed on their
    account page (a form with CSRF) and restored at each sign-in."""
    response = redirect(safe_next(request, reverse("home")))
    code = request.GET.get("language", "")
    if code in dict(settings.LANGUAGES):
        set_language_cookie(response, code)
    return response
