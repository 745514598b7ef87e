"""A JSON parser that refuses what the database or Python would choke on later."""

from django.conf import settings
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from ..jsontext import strict_loads

MAX_DEPTH = 32


def _check(value, depth: int, path: str) -> None:
    if depth > MAX_DEPTH:
        raise ParseError(f"JSON is nested more than {MAX_DEPTH} levels deep (at {path or 'top'}).")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, f"{path}.{key}" if path else key, is_key=True)
            _check(item, depth + 1, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, depth + 1, f"{path}[{index}]")
    elif isinstance(value, str):
        _check_text(value, path)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**63 - 1:
        raise ParseError(f"{path or 'value'}: integer out of range (|n| ≤ 2^63 - 1).")


def _check_text(text: str, path: str, *, is_key: bool = False) -> None:
    for char in text:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            raise ParseError(f"{path or 'value'}: unpaired surrogate characters are not allowed.")
        if code < 32 and char not in "\t\n\r":
            raise ParseError(f"{path or 'value'}: control characters are not allowed.")


class StrictJSONParser(JSONParser):
    """Standard JSON, plus: an object at the top, no NaN/Infinity, no lone surrogates or control
    characters, at most 32 levels of nesting, integers that fit in 64 bits."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            data = strict_loads(text)
        except RecursionError:
            raise ParseError(f"JSON is nested more than {MAX_DEPTH} levels deep.") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if not isinstance(data, dict):
            # Every body this API takes is an object; `[]` must not pass for `{}`.
            raise ValidationError({"body": [f"A JSON object is expected, not {_json_kind(data)}."]})
        _check(data, 0, "")
        return data


def _json_kind(value) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
