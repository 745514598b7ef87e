"""JSON as RFC 8259 defines it. Python's `json.loads` also takes NaN, Infinity and -Infinity,
which are not JSON: every document Suchi reads from outside (API bodies, documents to
validate, harvested catalogues, JSON-LD) is read with `strict_loads`."""

import json


def _no_constant(name: str):
    raise ValueError(f"{name} is not valid JSON (RFC 8259 has no NaN or Infinity)")


def strict_loads(text: str | bytes):
    """`json.loads`, refusing NaN, Infinity and -Infinity with a ValueError that says so."""
    return json.loads(text, parse_constant=_no_constant)
