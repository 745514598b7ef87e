"""The status check a data holder makes before every release (a consent artefact's, a data-use
agreement's), with a one-statement path for the usual answer.

The usual request is a GET from a party's live token for a live row. Those are answered from one
statement (the token, its institution and the row: `token_and_party_row`) without DRF's request
wrapping, content negotiation and rendering, which cost more than the check itself. Every other
request — another method or `Accept`, a token or row the one statement cannot vouch for, a row
past its time that must be expired first, a token whose last use is due to be written — takes
the view's full path, which gives the precise answer (401, 403, 404, 406 …); the two paths give
the same bytes for the same check (tests/consent/test_api_providers.py, tests/exchange).
"""

from django.http import HttpResponse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from core.api.serializers import status_answer

from ..services.tokens import token_and_party_row

COLUMNS = ("status", "valid_until", "updated_at")
# What DRF's negotiation answers with JSON (no header at all, not an empty one, which it
# refuses); anything else goes the full way.
_JSON_ACCEPTS = frozenset({None, "*/*", "application/json"})
_RENDER = JSONRenderer()


class StatusCheckView(APIView):
    """A status check's view: set `status_model`, `status_scopes` (any one suffices) and
    `status_live` (the statuses that lapse at `valid_until`), and write `get` as the full path."""

    status_model = None
    status_scopes: frozenset[str] = frozenset()
    status_live: frozenset[str] = frozenset()

    def dispatch(self, request, *args, **kwargs):
        try:
            answer = self._quick(request, kwargs.get("pk"))
        except Exception:  # the full path meets it again, and answers as the API does
            answer = None
        if answer is not None:
            return answer
        return super().dispatch(request, *args, **kwargs)

    def _quick(self, request, pk) -> HttpResponse | None:
        if request.method != "GET" or request.META.get("HTTP_ACCEPT") not in _JSON_ACCEPTS:
            return None
        scheme, _, bearer = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not bearer or " " in bearer:
            return None
        found = token_and_party_row(
            bearer, scopes=self.status_scopes, model=self.status_model, columns=COLUMNS, pk=pk
        )
        if found is None:
            return None
        if found["status"] in self.status_live and found["valid_until"] <= timezone.now():
            return None  # expired first, on the full path
        response = HttpResponse(
            _RENDER.render(status_answer({"id": pk, **found})), content_type="application/json"
        )
        response["Allow"] = ", ".join(self.allowed_methods)
        response["Cache-Control"] = "no-store"
        return response
