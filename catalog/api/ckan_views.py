"""One view for every CKAN action, GET (query string) or POST (JSON body). It is left out of
our OpenAPI document (openapi.py): CKAN's own API, documented by CKAN."""

from django.conf import settings
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import response_cache
from core.replicas import replica_reads
from registry.version import catalogue_version

from .. import ckan_actions as ckan


def _envelope(action: str, **body) -> dict:
    return {"help": f"{settings.SUCHI_SITE_URL}/api/3/action/help_show?name={action}", **body}


def _error(action: str, status: int, kind: str, message: str, **extra) -> Response:
    error = {"__type": kind, "message": message, **extra}
    return Response(_envelope(action, success=False, error=error), status=status)


@replica_reads(methods=("GET", "HEAD", "POST"))  # reads, also on POST
class CkanAction(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # read-only actions; a CKAN API key header is ignored
    parser_classes = [JSONParser]

    def get(self, request, action: str):
        # Anonymous reads (harvesters repeat them): from the cache, or 304, while the
        # catalogue's version holds.
        params = {
            k: v for k, v in request.query_params.lists() for v in [v if len(v) > 1 else v[0]]
        }
        # A query relative to the present (Solr date math, `NOW-1DAY`) changes as time passes.
        relative = any("NOW" in str(value) for value in params.values())
        entry = None if relative else response_cache.entry_for(request, catalogue_version())
        cached = response_cache.cached_answer(request, entry)
        if cached is not None:
            return cached
        return response_cache.keep_answer(self._run(action, params), entry)

    def post(self, request, action: str):
        data = request.data
        if not isinstance(data, dict):
            # CKAN's own words for a body that is not an object (ckan/views/api.py).
            return _error(
                action,
                400,
                "Validation Error",
                f"Bad request - JSON Error: Request data JSON decoded to {data!r:.100} but it "
                "needs to be a dictionary.",
            )
        return self._run(action, data)

    def _run(self, action: str, params: dict) -> Response:
        bad = [k for k, v in params.items() if "\x00" in k or "\x00" in str(v)]
        if bad:
            message = f"{bad[0]!r} contains a NUL character"
            return _error(action, 409, "Validation Error", message, **{bad[0]: [message]})
        fn = ckan.ACTIONS.get(action)
        if fn is None:
            return _error(
                action, 400, "Bad Request", f"Bad request - Action name not known: {action}"
            )
        try:
            result = fn(params)
        except ckan.NotFound as exc:
            return _error(action, 404, "Not Found Error", str(exc) or "Not found")
        except ckan.CkanValidationError as exc:
            return _error(action, 409, "Validation Error", "Validation Error", **exc.errors)
        except ckan.SearchQueryError as exc:
            return _error(action, 400, "Search Query Error", f"Search Query Error: {exc}")
        return Response(_envelope(action, success=True, result=result))
