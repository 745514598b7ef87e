"""A DCAT-US 1.1 `data.json` checked against the official Project Open Data JSON Schemas
(catalog, dataset, distribution, organization, vcard; draft 4), shipped in data/.

Every `$ref` resolves inside a local registry; a reference to anything else is an error of the
schema set, never a fetch. Nothing here imports Django (it runs in the child process too).
"""

import json
from functools import cache
from pathlib import Path

from core.jsontext import strict_loads

STANDARD = "DCAT-US 1.1"
SCHEMAS = Path(__file__).resolve().parent / "data"
_PARTS = ("catalog", "dataset", "distribution", "organization", "vcard")
MAX_DEPTH = 64


class JsonInvalid(ValueError):
    """Not JSON; the message names the line and column."""


@cache
def _validator():
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    schemas = {
        part: json.loads((SCHEMAS / f"dcat-us-1.1-{part}.json").read_text(encoding="utf-8"))
        for part in _PARTS
    }

    def refuse(uri: str):
        from referencing.exceptions import NoSuchResource

        raise NoSuchResource(ref=uri)  # never fetched: only the shipped schemas exist

    registry = Registry(retrieve=refuse).with_resources(
        (schema["id"].rstrip("#"), Resource(schema, specification=DRAFT4))
        for schema in schemas.values()
    )
    return jsonschema.Draft4Validator(
        schemas["catalog"],
        registry=registry,
        format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
    )


def decode(raw: bytes):
    """The JSON document in `raw`, or JsonInvalid naming where it goes wrong."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JsonInvalid(f"not UTF-8 text (byte {exc.start})") from None
    try:
        document = strict_loads(text)
    except json.JSONDecodeError as exc:
        raise JsonInvalid(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except ValueError as exc:  # NaN or Infinity
        raise JsonInvalid(str(exc)) from None
    except RecursionError:
        raise JsonInvalid(f"JSON nested deeper than {MAX_DEPTH} levels") from None
    _check_depth(document)
    if not isinstance(document, dict):
        raise JsonInvalid(
            "a data.json is a JSON object (a DCAT-US catalog), not " + _kind(document)
        )
    return document


def _kind(value) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    return "null" if value is None else "a number or a boolean"


def _check_depth(node, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise JsonInvalid(f"JSON nested deeper than {MAX_DEPTH} levels")
    if isinstance(node, dict):
        for value in node.values():
            _check_depth(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _check_depth(value, depth + 1)


def _pointer(path) -> str:
    """An error's place as a JSON path: `$.dataset[3].contactPoint.hasEmail`."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _focus(document, path) -> str:
    """The record an error is about: the dataset (by identifier, else by position) or the
    catalogue itself."""
    if len(path) >= 2 and path[0] == "dataset" and isinstance(path[1], int):
        datasets = document.get("dataset") if isinstance(document, dict) else None
        record = datasets[path[1]] if isinstance(datasets, list) else None
        identifier = record.get("identifier") if isinstance(record, dict) else None
        if isinstance(identifier, str) and identifier:
            return identifier[:300]
        return f"$.dataset[{path[1]}]"
    return "$"


def _message(error) -> str:
    if error.context:
        from jsonschema.exceptions import best_match

        return f"{error.message[:300]} ({best_match(error.context).message[:300]})"
    return error.message[:600]


def _expected(error) -> str:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return ", ".join(missing)[:300]
    if error.validator in ("type", "enum", "pattern", "minItems", "minLength", "format"):
        return json.dumps(error.validator_value)[:300]
    return ""


def _result(document, error) -> dict:
    path = list(error.absolute_path)
    focus = _focus(document, path)
    return {
        "focus_node": focus,
        "focus_type": "dcat:Dataset" if focus != "$" else "dcat:Catalog",
        "path": _pointer(path),
        "message": _message(error),
        "severity": "Violation",
        "constraint": str(error.validator),
        "expected": _expected(error),
        "value": "",
    }


def _order(error) -> tuple:
    return tuple(
        (0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path
    ), str(error.validator)


def check_document(raw: bytes) -> list[dict]:
    """Every schema error of a data.json, in document order; JsonInvalid if it is not JSON."""
    document = decode(raw)
    errors = sorted(_validator().iter_errors(document), key=_order)
    return [_result(document, error) for error in errors]
