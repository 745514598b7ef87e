"""The CKAN Action API's errors and how its actions read their parameters (a GET query string
or a POST JSON body, so a number may come as a string and a list as JSON text)."""

import json

# Solr's integers are 32-bit; a larger start, rows or limit would overflow the database's
# OFFSET/LIMIT (SQLite and PostgreSQL take 64 bits) and fail as a 500 instead of a 409.
MAX_INT = 2**31 - 1


class NotFound(Exception):
    """CKAN's Not Found Error (404)."""


class CkanValidationError(Exception):
    """CKAN's Validation Error (409); `errors` maps each parameter to what is wrong with it."""

    def __init__(self, errors: dict):
        super().__init__(str(errors))
        self.errors = errors


class SearchQueryError(Exception):
    """CKAN's Search Query Error (400)."""


def integer(params: dict, name: str, default: int, *, minimum: int = 0) -> int:
    value = params.get(name, default)
    if value in ("", None):
        value = default
    if isinstance(value, float) and not value.is_integer():  # 2.5, 1e999, NaN (CKAN's rule)
        raise CkanValidationError({name: ["Invalid integer"]})
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise CkanValidationError({name: ["Invalid integer"]}) from None
    if number < minimum:
        raise CkanValidationError({name: [f"Must be at least {minimum}"]})
    if number > MAX_INT:
        raise CkanValidationError({name: [f"Must be at most {MAX_INT}"]})
    return number


def flag(params: dict, name: str, default: bool = False) -> bool:
    """A boolean as CKAN's asbool reads it."""
    value = params.get(name)
    if value is None or value == "":
        return default
    return str(value).strip().lower() in {"true", "1", "yes", "on", "t", "y"}


# Bounds on what one request may ask: longer texts and longer lists only cost the database
# (SQLite refuses LIKE patterns and expression trees past its limits).
MAX_TEXT = 2000
MAX_LIST = 50


def text(params: dict, name: str) -> str:
    value = params.get(name)
    value = "" if value is None else str(value)
    if len(value) > MAX_TEXT:
        raise SearchQueryError(f"{name}: longer than {MAX_TEXT} characters")
    return value


def text_list(value, name: str) -> list[str]:
    """A list parameter: a list (JSON body), JSON list text (query string), or one string."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return _bounded(value, name)
    text_value = str(value)
    if text_value.startswith("["):
        try:
            parsed = json.loads(text_value)
        except ValueError:
            raise SearchQueryError(
                f"Could not parse {name} {text_value[:100]!r} as a JSON list"
            ) from None
        if not isinstance(parsed, list):
            raise SearchQueryError(f"{name} must be a list")
        return _bounded(parsed, name)
    return _bounded([text_value], name)


def _bounded(values: list, name: str) -> list[str]:
    if len(values) > MAX_LIST:
        raise SearchQueryError(f"{name}: more than {MAX_LIST} entries")
    texts = [str(v) for v in values]
    if any(len(t) > MAX_TEXT for t in texts):
        raise SearchQueryError(f"{name}: an entry longer than {MAX_TEXT} characters")
    return texts


def sort_order(params: dict, fields: tuple[str, ...], default: str) -> tuple[str, bool]:
    """`sort` as CKAN's group and organization lists read it: `<field> [asc|desc]`, one field.
    Returns the field and whether it is descending."""
    value = text(params, "sort").strip() or default
    parts = value.replace(",", " ").split()
    field = parts[0]
    direction = parts[1].lower() if len(parts) > 1 else "asc"
    if field not in fields or direction not in ("asc", "desc") or len(parts) > 2:
        raise CkanValidationError({"sort": [f"Cannot sort by field `{value[:100]}`"]})
    return field, direction == "desc"
