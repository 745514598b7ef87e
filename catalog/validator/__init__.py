"""Validate anyone's DCAT: a DCAT-AP catalogue (Turtle, RDF/XML, JSON-LD) against the official
DCAT-AP 3.0.1 SHACL shapes, or a DCAT-US `data.json` against the official DCAT-US 1.1 JSON
Schemas, with the report in plain language.

Bounded: the body's size (SUCHI_VALIDATOR_MAX_BYTES), and the check's time and memory
(SUCHI_VALIDATOR_SECONDS, SUCHI_VALIDATOR_MEMORY_BYTES: a child process, core/isolation.py).
Nothing is fetched: documents are parsed by core.rdf.parse_rdf, the shapes and schemas are local.
"""

import contextlib
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from core import isolation

from . import datajson, shacl

# Declared by the request's Content-Type: what the document is, and how it is checked.
FORMATS = {
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "datajson",
}
MEDIA_TYPES = tuple(FORMATS)
# Bounds: SUCHI_VALIDATOR_MAX_BYTES, _SECONDS (inside a gunicorn worker's 30 s), _MEMORY_BYTES.
# A 10,000-dataset DCAT-AP catalogue is about 5 MB of Turtle but takes pyshacl about two
# minutes (docs/benchmarks.md): past the synchronous bound; JSON-LD and RDF/XML are two to
# three times larger than Turtle.

MAX_RESULTS = 1000  # a report lists this many results at most, and counts them all


def _take_place(seconds: float) -> str | None:
    """One of the site's SUCHI_VALIDATOR_CONCURRENCY places to run a check in a request, held
    in the shared cache for the check's time at most (a worker killed mid-check frees it when
    the lease ends): the key to give back, "" with the cache down (no site-wide bound then),
    or None when every place is taken."""
    token = uuid.uuid4().hex
    for n in range(settings.SUCHI_VALIDATOR_CONCURRENCY):
        try:
            if cache.add(f"validator:place:{n}", token, timeout=int(seconds) + 10):
                return f"validator:place:{n}"
        except Exception:
            return ""
    return None


def _give_back(place: str | None) -> None:
    if place:
        with contextlib.suppress(Exception):  # the lease ends by itself
            cache.delete(place)


def max_bytes() -> int:
    return settings.SUCHI_VALIDATOR_MAX_BYTES


def _seconds() -> float:
    return float(settings.SUCHI_VALIDATOR_SECONDS)


def _memory_bytes() -> int:
    return settings.SUCHI_VALIDATOR_MEMORY_BYTES


class ValidatorError(Exception):
    """A document that is not checked, with the HTTP status and a message for its sender."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotParsed(ValidatorError):
    """Not valid in the format it was declared in; the message says where."""


class Refused(ValidatorError):
    """Asks for what is never done: an external entity, a remote JSON-LD context."""

    status = 422


class TooLarge(ValidatorError):
    status = 413


class WrongMediaType(ValidatorError):
    status = 415


class Busy(ValidatorError):
    """As many checks as this process runs at once are running; try again shortly."""

    status = 503
    retry_after = 30


class TooCostly(ValidatorError):
    """The check ran out of its time or memory."""

    status = 422


@dataclass(frozen=True)
class Report:
    standard: str
    conforms: bool
    violations: int  # results with severity Violation
    total: int  # all results, of which `results` lists the first MAX_RESULTS
    results: list[dict] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.results)


def format_for(content_type: str) -> str:
    """The format a Content-Type names (parameters such as charset ignored), else
    WrongMediaType naming the accepted types."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    found = FORMATS.get(media_type)
    if found is None:
        said = f"“{media_type[:100]}”" if media_type else _("no Content-Type")
        raise WrongMediaType(
            _("Cannot validate %(said)s. Send the file with Content-Type %(accepted)s.")
            % {"said": said, "accepted": ", ".join(MEDIA_TYPES)}
        )
    return found


def checkable(raw: bytes, media_type: str) -> str:
    """The format `raw` is checked as; raises a ValidatorError for a document that would never
    be checked: of a type not checked here, too large, or empty."""
    fmt = format_for(media_type)
    if len(raw) > max_bytes():
        raise TooLarge(
            _("The document is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": len(raw), "limit": max_bytes()}
        )
    if not raw.strip():
        raise NotParsed(_("The document is empty."))
    return fmt


def _check(raw: bytes, fmt: str) -> Report:
    """Runs in the child: parse, check, summarise (only MAX_RESULTS results travel back)."""
    if fmt == "datajson":
        standard, results = datajson.STANDARD, datajson.check_document(raw)
    else:
        standard, results = shacl.STANDARD, shacl.check_document(raw, fmt)
    violations = sum(1 for result in results if result["severity"] == "Violation")
    return Report(
        standard=standard,
        conforms=not violations,
        violations=violations,
        total=len(results),
        results=results[:MAX_RESULTS],
    )


def validate_document(
    raw: bytes, media_type: str, *, seconds: float | None = None, queued: bool = False
) -> Report:
    """The validation report of `raw`, a document of the given Content-Type, checked within
    `seconds` (SUCHI_VALIDATOR_SECONDS by default; a queued job has longer). A check in a
    request takes one of the site's places; a `queued` one runs on a worker, not a web process.

    Raises a ValidatorError (its `status` and `message` are the answer to give) for a document
    too large, of a type not checked here, not parseable, refused, or too costly to check.
    """
    fmt = checkable(raw, media_type)
    shacl.prepare()  # once per process, so that every child starts with it done
    seconds = seconds or _seconds()
    place = None if queued else _take_place(seconds)
    if place is None and not queued:
        raise Busy(_("The validator is busy with other documents. Try again in a minute."))
    try:
        outcome, value = isolation.run_isolated(
            _check, raw, fmt, seconds=seconds, memory_bytes=_memory_bytes()
        )
    finally:
        _give_back(place)
    if outcome == isolation.OK:
        return value
    if outcome == isolation.FAILED:
        kind, message = value
        if kind == "DocumentRefused":
            raise Refused(_("The document was refused: %(reason)s.") % {"reason": message})
        raise NotParsed(_("The document could not be read: %(reason)s.") % {"reason": message})
    if outcome == isolation.OUT_OF_TIME:
        raise TooCostly(
            _("Checking the document took longer than %(seconds)s seconds; it was stopped.")
            % {"seconds": int(seconds)}
        )
    raise TooCostly(
        _("Checking the document needed more memory than the validator may use; it was stopped.")
    )
