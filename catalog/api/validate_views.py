"""POST /api/v1/validate/dcat: anyone's DCAT-AP catalogue or DCAT-US data.json, checked against
the official shapes or schemas (catalog.validator). Anonymous, CSRF-exempt (no session is
used), throttled like every anonymous API call. Its OpenAPI description is at the end of this
module, beside the view it describes."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import Operations
from core.api.serializers import ErrorOutput
from core.api.throttles import AnonymousRateThrottle, ValidatorRateThrottle
from core.middleware import body_limit

from .. import validator
from ..validator import jobs
from ..validator.wording import report_data

CHUNK = 64 * 1024


class LengthRequired(validator.ValidatorError):
    status = 411


def read_body(request) -> bytes:
    """The request body, read in chunks and never past the validator's limit: a declared
    Content-Length over it is refused before a byte is read."""
    limit = validator.max_bytes()
    declared = request.META.get("CONTENT_LENGTH") or ""
    too_large = validator.TooLarge(
        _("The document is larger than the limit of %(limit)s bytes.") % {"limit": limit}
    )
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    if not declared and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        # Django reads no body without a length; say so rather than report an empty document.
        raise LengthRequired(_("Send the document with a Content-Length header."))
    chunks, size = [], 0
    while chunk := request.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


class ResultOutput(serializers.Serializer):
    focus_node = serializers.CharField(help_text="The node (DCAT-AP) or record (DCAT-US).")
    focus_type = serializers.CharField(help_text="Its rdf:type, e.g. `dcat:Dataset`.")
    path = serializers.CharField(help_text="sh:resultPath, or a JSON path for data.json.")
    message = serializers.CharField(help_text="The message of pyshacl or jsonschema.")
    severity = serializers.ChoiceField(choices=["Violation", "Warning", "Info"])
    constraint = serializers.CharField(help_text="sh:sourceConstraintComponent or keyword.")
    expected = serializers.CharField(help_text="What the constraint asks for (e.g. `1`).")
    value = serializers.CharField(help_text="The offending value, when there is one.")
    sentence = serializers.CharField(help_text="The result in plain language.")


class ReportOutput(serializers.Serializer):
    standard = serializers.ChoiceField(choices=["DCAT-AP 3.0.1", "DCAT-US 1.1"])
    conforms = serializers.BooleanField()
    violations = serializers.IntegerField(help_text="Results of severity sh:Violation.")
    total = serializers.IntegerField(help_text="All results; `results` lists the first 1,000.")
    truncated = serializers.BooleanField()
    results = ResultOutput(many=True)


LATER = gettext_noop(
    "Larger documents are checked as a queued job: send the same request with the header "
    "Prefer: respond-async."
)


def _refusal(exc: validator.ValidatorError, hint: str = "") -> Response:
    response = Response({"detail": f"{exc.message} {hint}".strip()}, status=exc.status)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


def wants_a_job(request) -> bool:
    """`Prefer: respond-async` (RFC 7240): check it as a queued job, answer 202 at once."""
    prefer = request.META.get("HTTP_PREFER", "")
    return any(p.split("=")[0].strip().lower() == "respond-async" for p in prefer.split(","))


class JobOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    media_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes of the document.")
    submitted_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.URLField()
    report = ReportOutput(required=False, help_text="Once `done`.")
    detail = serializers.CharField(required=False, help_text="Once `failed`: why.")


@body_limit(validator.max_bytes)
class ValidateDcat(APIView):
    """The body is the document; its Content-Type says which format it is in."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonymousRateThrottle, ValidatorRateThrottle]

    def post(self, request):
        try:
            validator.format_for(request.content_type)
            raw = read_body(request)
            if wants_a_job(request):
                state = jobs.job_submit(raw=raw, media_type=request.content_type)
                url = reverse("validate-dcat-job", kwargs={"job_id": state["id"]})
                response = Response({**state, "url": request.build_absolute_uri(url)}, status=202)
                response["Location"] = url
                response["Preference-Applied"] = "respond-async"
                return response
            report = validator.validate_document(raw, request.content_type)
        except validator.TooCostly as exc:
            return _refusal(exc, _(LATER))
        except validator.ValidatorError as exc:
            return _refusal(exc)
        return Response(ReportOutput(report_data(report)).data)


class ValidateDcatJob(APIView):
    """A queued check: its state, and its report once done (kept for a day)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request, job_id):
        state = jobs.job_state(str(job_id))
        if state is None:
            raise Http404("no such validation job, or its report has expired")
        body = {k: v for k, v in state.items() if k != "http_status"}
        return Response({**body, "url": request.build_absolute_uri()})


# --- OpenAPI -------------------------------------------------------------------------------------

_TURTLE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://data.example.in/d/beds> a dcat:Dataset ;
    dct:title "District hospital beds"@en .
"""
_RESULT = {
    "focus_node": "<https://data.example.in/d/beds>",
    "focus_type": "dcat:Dataset",
    "path": "dct:description",
    "message": "Less than 1 values on <https://data.example.in/d/beds>->dc1:description",
    "severity": "Violation",
    "constraint": "MinCountConstraintComponent",
    "expected": "1",
    "value": "",
    "sentence": "Dataset <https://data.example.in/d/beds> has no dct:description "
    "(required: at least 1).",
}
_REPORT = {
    "standard": "DCAT-AP 3.0.1",
    "conforms": False,
    "violations": 1,
    "total": 1,
    "truncated": False,
    "results": [_RESULT],
}


def _error(name: str, detail: str, status: int) -> OpenApiExample:
    return OpenApiExample(
        name, value={"detail": detail}, response_only=True, status_codes=[str(status)]
    )


_JOB = {
    "id": "5b0b2f0e-7f3c-4a51-9d77-2f6a3e1c9b10",
    "status": "queued",
    "media_type": "text/turtle",
    "size": 4605695,
    "submitted_at": "2026-12-07T05:40:00+00:00",
    "finished_at": None,
    "url": "https://suchi.example.in/api/v1/validate/dcat/jobs/5b0b2f0e-7f3c-4a51-9d77-2f6a3e1c9b10",
}
EXAMPLES = {
    "validate_dcat_job": [
        OpenApiExample(
            "Done",
            value={
                **_JOB,
                "status": "done",
                "finished_at": "2026-12-07T05:41:05+00:00",
                "report": _REPORT,
            },
            response_only=True,
            status_codes=["200"],
        ),
    ],
    "validate_dcat": [
        OpenApiExample(
            "Queued (Prefer: respond-async)", value=_JOB, response_only=True, status_codes=["202"]
        ),
        OpenApiExample(
            "A DCAT-AP dataset in Turtle",
            value=_TURTLE,
            request_only=True,
            media_type="text/turtle",
        ),
        OpenApiExample(
            "A DCAT-US data.json",
            value={"conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": []},
            request_only=True,
            media_type="application/json",
        ),
        OpenApiExample(
            "A dataset without a description",
            value=_REPORT,
            response_only=True,
            status_codes=["200"],
        ),
        _error("Not Turtle", "The document could not be read: not valid RDF (turtle): …", 400),
        _error("Too large", "The document is larger than the limit of 16777216 bytes.", 413),
        _error(
            "A remote context",
            "The document was refused: JSON-LD context 'https://example.org/ctx' is not one "
            "Suchi ships (DCAT-AP 3, schema.org); remote contexts are never fetched.",
            422,
        ),
        _error(
            "Not a format checked here",
            "Cannot validate “text/plain”. Send the file with Content-Type text/turtle, "
            "application/rdf+xml, application/ld+json, application/json.",
            415,
        ),
    ],
}

Operations(examples=EXAMPLES, auth=[{}], tags=["validator"])(
    ValidateDcat,
    "post",
    "validate_dcat",
    "Validate a DCAT-AP catalogue or a DCAT-US data.json",
    {
        200: ReportOutput,
        202: OpenApiResponse(JobOutput, description="With `Prefer: respond-async`: queued."),
        400: OpenApiResponse(ErrorOutput, description="Not valid in its format; says where."),
        411: ErrorOutput,
        413: ErrorOutput,
        415: OpenApiResponse(ErrorOutput, description="Names the accepted Content-Types."),
        422: OpenApiResponse(
            ErrorOutput,
            description="Refused (external entities, a remote JSON-LD context) or too costly "
            "to check (time or memory).",
        ),
        429: ErrorOutput,
        503: ErrorOutput,
    },
    request={
        "text/turtle": OpenApiTypes.STR,
        "application/rdf+xml": OpenApiTypes.STR,
        # JSON-LD's top level is an object or an array of node objects.
        "application/ld+json": {"oneOf": [{"type": "object"}, {"type": "array"}]},
        "application/json": OpenApiTypes.OBJECT,
    },
    description="The request body is the file; its Content-Type names the format: "
    "`text/turtle`, `application/rdf+xml` or `application/ld+json` for DCAT-AP (checked with "
    "pyshacl against the official DCAT-AP 3.0.1 SHACL shapes, mandatory properties and class "
    "ranges), `application/json` for a DCAT-US 1.1 data.json (checked against the official JSON "
    "Schemas). Nothing the document refers to is fetched: a remote JSON-LD `@context` other "
    "than DCAT-AP 3's or schema.org's, and XML entity declarations, are refused. The body may "
    "be 16 MiB (SUCHI_VALIDATOR_MAX_BYTES); a check may take 25 s "
    "(SUCHI_VALIDATOR_SECONDS). Larger catalogues: send the header `Prefer: respond-async` "
    "and the answer is 202 with the address of a queued job (`Location`), checked within "
    "SUCHI_VALIDATOR_JOB_SECONDS (200 s), its report kept a day. `conforms` is true when "
    "there is no sh:Violation. The page /validate does the same for a file upload.",
)
Operations(examples=EXAMPLES, auth=[{}], tags=["validator"])(
    ValidateDcatJob,
    "get",
    "validate_dcat_job",
    "A queued validation: its state, and its report once done",
    {200: JobOutput, 404: ErrorOutput},
    description="`status` is `queued`, `running`, `done` (with `report`, as the synchronous "
    "answer gives it) or `failed` (with `detail`, as the synchronous error would say). Kept "
    "SUCHI_VALIDATOR_JOB_TTL seconds (a day); then 404.",
)
