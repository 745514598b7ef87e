"""Sample conformance: read at most 1 MiB of the data, check its checksum, size and Table Schema.

The sample lives in memory for the duration of the check only; nothing of it is stored.
Messages describe problems by row, field and error type, never by quoting cell values.
"""

import hashlib
import re
from collections.abc import Iterator

from core import isolation

from .base import CheckContext, Finding, Severity, check
from .source import data_url

MAX_SCHEMA_ERRORS = 20
# Rows of the sample checked against the schema: enough to catch systematic problems, and
# bounded so one run stays well under a second (frictionless takes ~50 µs a row).
MAX_SCHEMA_ROWS = 10_000
# What checking one sample against its schema may take (a child process: validate_table).
SCHEMA_CHECK_SECONDS = 5
SCHEMA_CHECK_MEMORY = 256 * 1024 * 1024
_TABULAR = {
    "text/csv": "csv",
    "application/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/tsv": "tsv",
}
_TABULAR_FORMATS = {"CSV": "csv", "TSV": "tsv"}


def tabular_format(dist: dict, served_type: str = "") -> str | None:
    return (
        _TABULAR.get(dist.get("media_type", "").lower())
        or _TABULAR_FORMATS.get(dist.get("format", "").upper())
        or _TABULAR.get(served_type)
    )


def complete_rows(body: bytes, complete: bool) -> bytes:
    """The sample cut after its last full line when the source was longer than the bound."""
    if complete:
        return body
    cut = body.rfind(b"\n")
    return body[: cut + 1] if cut >= 0 else b""


def _clean_schema(schema: dict) -> dict:
    # Never let a descriptor make frictionless fetch anything (remote profiles, `$ref`s).
    return {k: v for k, v in schema.items() if k not in {"profile", "$schema", "$ref", "path"}}


def validate_table(body: bytes, fmt: str, schema: dict) -> tuple[list[dict], bool] | str:
    """Validate rows against a Table Schema. Returns (errors, stopped_early) or a message
    explaining why the schema itself could not be used.

    In a child process with a time and a memory limit (core/isolation.py): a schema is the
    publisher's (or a harvested source's) and a `pattern` constraint is a regular expression
    that can backtrack for hours on one cell, holding the interpreter all the while."""
    if not _has_pattern(schema):
        # Nothing in the schema can run away: checked here (a fork costs more than the check).
        return _validate_table(body, fmt, schema)
    # Imported here, so that the forked child imports nothing (an import another thread held
    # at the fork would never end in the child).
    from frictionless import Resource, Schema  # noqa: F401
    from frictionless.formats import CsvControl  # noqa: F401

    outcome, value = isolation.run_isolated(
        _validate_table,
        body,
        fmt,
        schema,
        seconds=SCHEMA_CHECK_SECONDS,
        memory_bytes=SCHEMA_CHECK_MEMORY,
    )
    if outcome == isolation.OK:
        return value
    return {
        isolation.OUT_OF_TIME: f"checking the sample took longer than {SCHEMA_CHECK_SECONDS} s "
        "(a `pattern` constraint that backtracks, perhaps)",
        isolation.OUT_OF_MEMORY: "checking the sample needed more memory than a check may use",
        isolation.FAILED: "the Table Schema holds something the checker cannot handle",
    }.get(outcome, "the check stopped before it could finish")


def _has_pattern(schema: dict) -> bool:
    """Whether a field of the schema constrains its values by a regular expression."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list):
        return False
    return any(
        isinstance(field, dict)
        and isinstance(field.get("constraints"), dict)
        and "pattern" in field["constraints"]
        for field in fields
    )


def _validate_table(body: bytes, fmt: str, schema: dict) -> tuple[list[dict], bool] | str:
    from frictionless import FrictionlessException, Resource, Schema
    from frictionless.formats import CsvControl

    try:
        table_schema = Schema.from_descriptor(_clean_schema(schema))
    except FrictionlessException as exc:
        return f"the Table Schema is invalid: {exc.error.title}"
    except re.error as exc:
        return f"the Table Schema is invalid: a `pattern` is no regular expression ({exc.msg})"
    control = CsvControl(delimiter="\t") if fmt == "tsv" else CsvControl()
    try:
        resource = Resource(
            data=body, format="csv", encoding="utf-8", schema=table_schema, control=control
        )
        report = resource.validate(limit_errors=MAX_SCHEMA_ERRORS, limit_rows=MAX_SCHEMA_ROWS)
    except FrictionlessException as exc:
        return f"the sample could not be read as {fmt.upper()}: {exc.error.title}"
    except re.error as exc:
        return f"the Table Schema is invalid: a `pattern` is no regular expression ({exc.msg})"
    errors = []
    for error in report.tasks[0].errors if report.tasks else report.errors:
        errors.append(
            {
                "type": error.type,
                "title": error.title,
                "row": getattr(error, "row_number", None),
                "field": getattr(error, "field_name", None) or None,
            }
        )
    return errors, len(errors) >= MAX_SCHEMA_ERRORS


@check("sample_conformance")
def sample_conformance(snapshot: dict, context: CheckContext) -> Iterator[Finding]:
    if snapshot["access_rights"] != "open" or not context.check_sources:
        return  # records behind credentials or consent are not sampled
    if context.defer_links:
        return  # checked with the links, after publication (the reachability check says so)
    for index, dist in enumerate(snapshot["distributions"]):
        url = data_url(dist)
        if not url or context.url_problem(url):
            continue
        head = context.head(url)
        if not head.ok or head.status >= 400:
            continue  # reported by reachability
        where = f"distributions[{index}]"
        result = context.sample(url)
        if result.unsafe or result.error or result.status is None or result.status >= 400:
            reason = result.unsafe or result.error or f"HTTP {result.status}"
            yield Finding(
                severity=Severity.ERROR,
                message=f"Could not read a sample of the data (field `{where}.download_url`): "
                f"{reason}.",
                field=f"{where}.download_url",
                distribution_id=dist["id"],
                detail={"kind": "unreachable", "error": reason},
            )
            continue
        yield from _checksum_and_size(dist, where, result)
        if dist.get("schema"):
            yield from _schema(dist, where, result)


def _checksum_and_size(dist: dict, where: str, result) -> Iterator[Finding]:
    if dist.get("checksum_sha256"):
        if result.complete:
            actual = hashlib.sha256(result.body).hexdigest()
            if actual != dist["checksum_sha256"]:
                yield Finding(
                    severity=Severity.ERROR,
                    message=f"Checksum mismatch (field `{where}.checksum_sha256`): the source's "
                    f"content has SHA-256 {actual}.",
                    field=f"{where}.checksum_sha256",
                    distribution_id=dist["id"],
                    detail={"kind": "checksum", "actual": actual},
                )
        else:
            yield Finding(
                severity=Severity.INFO,
                message=f"The file is larger than the 1 MiB sample, so its checksum was not "
                f"verified (field `{where}.checksum_sha256`).",
                field=f"{where}.checksum_sha256",
                distribution_id=dist["id"],
            )
    if (
        dist.get("byte_size") is not None
        and result.complete
        and len(result.body) != dist["byte_size"]
    ):
        yield Finding(
            severity=Severity.WARNING,
            message=f"The source holds {len(result.body)} bytes but the metadata declares "
            f"{dist['byte_size']} (field `{where}.byte_size`).",
            field=f"{where}.byte_size",
            distribution_id=dist["id"],
            detail={"kind": "byte_size", "actual": len(result.body)},
        )


def _schema(dist: dict, where: str, result) -> Iterator[Finding]:
    fmt = tabular_format(dist, result.content_type)
    if fmt is None:
        yield Finding(
            severity=Severity.INFO,
            message=f"A Table Schema is declared but the data is not CSV or TSV, so rows were "
            f"not checked (field `{where}.schema`).",
            field=f"{where}.schema",
            distribution_id=dist["id"],
        )
        return
    outcome = validate_table(complete_rows(result.body, result.complete), fmt, dist["schema"])
    if isinstance(outcome, str):
        yield Finding(
            severity=Severity.ERROR,
            message=f"Sample not checked against its schema (field `{where}.schema`): {outcome}.",
            field=f"{where}.schema",
            distribution_id=dist["id"],
            detail={"kind": "schema_unusable"},
        )
        return
    errors, stopped = outcome
    for error in errors:
        place = ", ".join(
            part
            for part in (
                f"row {error['row']}" if error["row"] else "",
                f"field `{error['field']}`" if error["field"] else "",
            )
            if part
        )
        yield Finding(
            severity=Severity.ERROR,
            message=f"Sample does not match its Table Schema ({where}): {error['title']}"
            + (f" at {place}" if place else "")
            + ".",
            field=f"{where}.schema",
            distribution_id=dist["id"],
            detail={"kind": "schema", **error},
        )
    if stopped:
        yield Finding(
            severity=Severity.INFO,
            message=f"Stopped after the first {MAX_SCHEMA_ERRORS} schema errors ({where}).",
            field=f"{where}.schema",
            distribution_id=dist["id"],
        )
