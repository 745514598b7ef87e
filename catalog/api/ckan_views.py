"""One view for every CKAN action, GET (query string) or POST (JSON body). It is left out of
our OpenAPI document (openapi.py): CKAN's own API, documented by CKAN."""

import json
from collections.abc import Iterator

from django.conf import settings
from django.http import StreamingHttpResponse
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import response_cache
from core.jsontext import strict_loads
from core.replicas import replica_reads
from registry.version import catalogue_version

from .. import ckan_actions as ckan


def _envelope(action: str, **body) -> dict:
    return {"help": f"{settings.SUCHI_SITE_URL}/api/3/action/help_show?name={action}", **body}


def _error(action: str, status: int, kind: str, message: str, **extra) -> Response:
    error = {"__type": kind, "message": message, **extra}
    return Response(_envelope(action, success=False, error=error), status=status)


class CkanJSONParser(JSONParser):
    """Strict JSON (no NaN, no lone surrogates; a body nested past the parser's recursion
    limit is a 400, where it crashed DRF's parser), whatever its top: the view answers a
    non-object in CKAN's words. (The 32-level limit of the REST API's bodies is not CKAN's.)"""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return strict_loads(stream.read().decode(encoding))
        except RecursionError:
            raise ParseError("JSON is nested too deep.") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


@replica_reads(methods=("GET", "HEAD", "POST"))  # reads, also on POST
class CkanAction(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []  # read-only actions; a CKAN API key header is ignored
    parser_classes = [CkanJSONParser]

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

    def handle_exception(self, exc):
        if isinstance(exc, ParseError):  # not JSON, or nested too deep: in CKAN's envelope
            action = self.kwargs.get("action", "")
            return _error(action, 400, "Validation Error", f"Bad request - JSON Error: {exc}")
        return super().handle_exception(exc)

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
        if isinstance(result, Iterator):  # a long list: streamed as it is read
            return _streamed(action, result)
        return Response(_envelope(action, success=True, result=result))


def _streamed(action: str, items: Iterator) -> StreamingHttpResponse:
    """CKAN's envelope around a result list written a thousand items at a time. A failure
    mid-stream cuts the answer short (its JSON then does not parse): the status line has gone
    out already, as with any streamed answer."""

    def chunks():
        yield json.dumps(_envelope(action, success=True), ensure_ascii=False)[:-1] + ', "result": ['
        batch: list[str] = []
        for item in items:
            batch.append(json.dumps(item, ensure_ascii=False))
            if len(batch) == 1000:
                yield ", ".join(batch)
                batch.clear()
                batch.append("")  # the next batch begins with its separator
        yield ", ".join(batch) + "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json")
