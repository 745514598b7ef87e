"""Lucene query syntax, as Solr reads it (what CKAN clients send in `q` and `fq`): parsing with
luqum, and the pieces of Solr's syntax that luqum leaves as words (wildcards, date math). What
the fields mean is the caller's business (catalog/ckan_query.py)."""

import re
import threading
from datetime import UTC, datetime, timedelta

from luqum.exceptions import ParseError
from luqum.parser import parser
from luqum.tree import Item

# luqum's parser is one ply parser for the process; ply keeps its state on it, and the server
# answers requests on several threads.
_PARSER_LOCK = threading.Lock()
MAX_LENGTH = 2000
# Deeper trees would take Python's and Django's recursion (translating, compiling the SQL)
# past its limit; no one writes a query nested this deep.
MAX_DEPTH = 32
# Wildcards become regular expressions; each run of them is a loop a matcher may backtrack
# into, so a word may hold at most this many runs (`*water*` is two): with more, one request
# could hold the server for minutes.
MAX_WILDCARD_RUNS = 2


class LuceneSyntaxError(ValueError):
    """The text is not a Lucene query (the message says where)."""


def parse(text: str) -> Item:
    """The query's syntax tree. Raises LuceneSyntaxError."""
    if len(text) > MAX_LENGTH:
        raise LuceneSyntaxError(f"longer than {MAX_LENGTH} characters")
    try:
        with _PARSER_LOCK:
            root = parser.parse(text)
    except ParseError as exc:
        raise LuceneSyntaxError(str(exc)) from None
    except RecursionError:
        raise LuceneSyntaxError(f"nested more than {MAX_DEPTH} levels deep") from None
    stack = [(root, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LuceneSyntaxError(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(getattr(item, "value", None), str) and wildcard_runs(item.value) > (
            MAX_WILDCARD_RUNS
        ):
            raise LuceneSyntaxError(
                f"{item.value[:40]!r} has more than {MAX_WILDCARD_RUNS} runs of wildcards"
            )
        stack.extend((child, depth + 1) for child in item.children)
    return root


_ESCAPE = re.compile(r"\\(.)", re.S)


def unescape(value: str) -> str:
    """A word's text without Lucene's backslash escapes (`ka\\-health` → `ka-health`)."""
    return _ESCAPE.sub(r"\1", value)


def has_wildcard(value: str) -> bool:
    """Whether a word has an unescaped `*` or `?`."""
    return bool(re.search(r"(?<!\\)(?:\\\\)*[*?]", value))


def wildcard_runs(value: str) -> int:
    """How many runs of unescaped wildcards a word has (`*a?b*` has three, `a*?b` one)."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*[*?]+", value))


def wildcard_regex(value: str) -> str:
    """A word with wildcards (`hosp*`, `b?s`) as an anchored regular expression in the syntax
    Python and PostgreSQL share: every other character escaped with a backslash. A run of
    wildcards is one quantifier (`*?*` → `.{1,}`), never nested loops to backtrack into."""
    pieces, i = ["^"], 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            char, i = value[i + 1], i + 1
            pieces.append(_literal(char))
        elif char in "*?":
            run = ""
            while i < len(value) and value[i] in "*?":
                run, i = run + value[i], i + 1
            ones = run.count("?")
            if "*" in run:
                pieces.append(".*" if not ones else f".{{{ones},}}")
            else:
                pieces.append("." if ones == 1 else f".{{{ones}}}")
            continue
        else:
            pieces.append(_literal(char))
        i += 1
    return "".join(pieces) + "$"


def _literal(char: str) -> str:
    return char if char.isalnum() or char == "_" else "\\" + char


# Solr's date math: an anchor (NOW or an ISO 8601 time ending in Z), then `+N UNIT`, `-N UNIT`
# or `/UNIT` (round down), e.g. NOW-1DAY, NOW/DAY+1MONTH, 2026-01-01T00:00:00Z+6HOURS.
_MATH = re.compile(r"([+-])(\d{1,9})([A-Z]+)|/([A-Z]+)")
_UNITS = {
    "YEAR": "year",
    "MONTH": "month",
    "DAY": "day",
    "DATE": "day",
    "HOUR": "hour",
    "MINUTE": "minute",
    "SECOND": "second",
    "MILLI": "milli",
    "MILLISECOND": "milli",
}


def solr_moment(text: str, *, now: datetime, parse_time) -> datetime:
    """The moment a Solr date (`NOW`, `2026-01-01T00:00:00Z`, `NOW-1DAY`, `NOW/DAY`) names, in
    UTC. `parse_time` reads the anchor when it is not NOW (None when it cannot). Raises
    ValueError saying what is wrong."""
    anchor, math = text, ""
    if text.startswith("NOW"):
        anchor, math = "NOW", text[3:]
    elif (end := text.find("Z")) > 0:
        anchor, math = text[: end + 1], text[end + 1 :]
    moment = now if anchor == "NOW" else parse_time(anchor)
    if moment is None:
        raise ValueError(f"{text[:60]!r} is not a date (ISO 8601, NOW, or date math)")
    position = 0
    for match in _MATH.finditer(math):
        if match.start() != position:
            break
        sign, amount, unit, rounding = match.groups()
        unit = _UNITS.get((unit or rounding).removesuffix("S") or "", "")
        if not unit:
            break
        moment = _round(moment, unit) if rounding else _shift(moment, unit, int(amount), sign)
        position = match.end()
    if position != len(math):
        raise ValueError(f"{text[:60]!r}: cannot read the date math {math[position:][:30]!r}")
    return moment


def _round(moment: datetime, unit: str) -> datetime:
    fields = ("month", "day", "hour", "minute", "second", "microsecond")
    keep = {"year": 0, "month": 1, "day": 2, "hour": 3, "minute": 4, "second": 5, "milli": 5}
    floor = {"month": 1, "day": 1}
    reset = {name: floor.get(name, 0) for name in fields[keep[unit] :]}
    if unit == "milli":
        reset = {"microsecond": moment.microsecond // 1000 * 1000}
    return moment.replace(**reset)


def _shift(moment: datetime, unit: str, amount: int, sign: str) -> datetime:
    amount = -amount if sign == "-" else amount
    try:
        if unit in ("year", "month"):
            months = moment.month - 1 + amount * (12 if unit == "year" else 1)
            year, month = moment.year + months // 12, months % 12 + 1
            day = min(moment.day, _days_in(year, month))
            return moment.replace(year=year, month=month, day=day)
        step = {"milli": timedelta(milliseconds=1)}.get(unit) or timedelta(**{f"{unit}s": 1})
        return moment + step * amount
    except (ValueError, OverflowError):
        raise ValueError("the date math leaves the years a database can store") from None


def _days_in(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return (following - timedelta(days=1)).day
