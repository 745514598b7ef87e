"""JSON as RFC 8259 defines it. Python's `json.loads` also takes NaN, Infinity and -Infinity,
which are not JSON: every document Suchi reads from outside (API bodies, documents to
validate, harvested catalogues, JSON-LD) is read with `strict_loads`."""

import copy
import json


def _no_constant(name: str):
    raise ValueError(f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity)")


def strict_loads(text: str | bytes):
    """`json.loads`, refusing NaN, Infinity and -Infinity with a ValueError that says so."""
    return json.loads(text, parse_constant=_no_constant)


_SCALARS = (str, int, float, bool, type(None))


def json_copy(value):
    """A deep copy of a JSON value (dicts, lists, scalars): what `copy.deepcopy` gives, at a
    fraction of its cost (no memo, scalars shared). Anything else goes to `copy.deepcopy`."""
    if isinstance(value, _SCALARS):
        return value
    if type(value) is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [json_copy(item) for item in value]
    return copy.deepcopy(value)
