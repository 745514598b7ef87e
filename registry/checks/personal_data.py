"""Personal-data leak scan of open datasets' samples.

Looks for Aadhaar numbers (12 digits, first 2-9, valid Verhoeff check digit), PAN numbers,
Indian mobile numbers and e-mail addresses, column by column. A finding names the column, the
kind and the count — never a matched value, so the finding cannot leak what it found.
"""

import csv
import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from .base import CheckContext, Finding, Severity, check
from .sample import complete_rows, tabular_format
from .source import data_url

# Verhoeff tables (dihedral group D5): multiplication, then permutation.
_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
# Permutation table: row i applies the first permutation i times.
_P = [list(range(10)), [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]]
for _ in range(6):
    _P.append([_P[-1][_P[1][j]] for j in range(10)])
_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_valid(digits: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


def verhoeff_check_digit(digits: str) -> str:
    """The digit that makes `digits + digit` Verhoeff-valid (used to build test numbers)."""
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[(position + 1) % 8][int(digit)]]
    return str(_INV[check])


_AADHAAR = re.compile(r"(?<![\d\w])([2-9]\d{3})([ -]?)(\d{4})\2(\d{4})(?![\d\w])")
# PAN: five letters (the fourth is the holder type), four digits, a letter.
_PAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{3}[ABCFGHJLPTKE][A-Z]\d{4}[A-Z](?![A-Za-z0-9])")
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)91[ -]?|0)?([6-9]\d{4}[ -]?\d{5})(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
_NUMERIC_TYPES = {"number", "integer", "year", "date", "datetime", "time", "boolean"}

KINDS = {
    "aadhaar": "Aadhaar numbers",
    "pan": "PAN numbers",
    "mobile": "Indian mobile numbers",
    "email": "e-mail addresses",
}


def find_kinds(text: str) -> Counter:
    """How many values of each kind a piece of text holds."""
    found: Counter = Counter()
    if not text or len(text) < 5:
        return found
    aadhaar_spans = []
    for match in _AADHAAR.finditer(text):
        if verhoeff_valid(match.group(1) + match.group(3) + match.group(4)):
            found["aadhaar"] += 1
            aadhaar_spans.append(match.span())
    for match in _MOBILE.finditer(text):
        start, _end = match.span()
        if not any(s <= start < e for s, e in aadhaar_spans):
            found["mobile"] += 1
    found["pan"] += len(_PAN.findall(text))
    found["email"] += len(_EMAIL.findall(text))
    return +found


def _csv_cells(body: bytes, delimiter: str, schema: dict | None) -> Iterator[tuple[str, str]]:
    text = body.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    numeric = {
        f.get("name")
        for f in (schema or {}).get("fields", [])
        if isinstance(f, dict) and f.get("type") in _NUMERIC_TYPES
    }
    for row in reader:
        for position, cell in enumerate(row):
            column = header[position] if position < len(header) else f"column {position + 1}"
            if column not in numeric:
                yield column, cell


def _json_cells(value, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_cells(item, str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _json_cells(item, path)
    elif isinstance(value, str | int):
        yield path or "(value)", str(value)


def cells_of(body: bytes, dist: dict, served_type: str) -> Iterable[tuple[str, str]]:
    """(column, text) pairs of a sample: CSV/TSV columns, JSON keys, or the whole text."""
    fmt = tabular_format(dist, served_type)
    if fmt:
        return _csv_cells(body, "\t" if fmt == "tsv" else ",", dist.get("schema"))
    if "json" in (dist.get("media_type", "") + served_type).lower():
        try:
            return _json_cells(json.loads(body.decode("utf-8", errors="replace")))
        except ValueError:
            pass  # not valid JSON (a truncated sample, say): scan it as plain text below
    return [("(whole file)", line) for line in body.decode("utf-8", errors="replace").splitlines()]


@check("personal_data")
def personal_data(snapshot: dict, context: CheckContext) -> Iterator[Finding]:
    if snapshot["access_rights"] != "open" or not context.check_sources:
        return
    for index, dist in enumerate(snapshot["distributions"]):
        url = data_url(dist)
        if not url or context.url_problem(url):
            continue
        result = context.sample(url)
        if not result.ok or result.status >= 400 or not result.body:
            continue
        # Scan each column's cells as one text: one regex pass per column, not per cell.
        columns: dict[str, list[str]] = defaultdict(list)
        for column, text in cells_of(
            complete_rows(result.body, result.complete), dist, result.content_type
        ):
            columns[column].append(text)
        counts: dict[tuple[str, str], int] = Counter()
        for column, texts in columns.items():
            for kind, n in find_kinds("\n".join(texts)).items():
                counts[(column, kind)] += n
        for (column, kind), n in sorted(counts.items()):
            yield Finding(
                severity=Severity.ERROR,
                message=f"Personal data in an open dataset (distributions[{index}]): column "
                f"`{column}` holds {n} value(s) that look like {KINDS[kind]}. Remove them, or "
                "publish the dataset as `restricted` or `consent`.",
                field=f"distributions[{index}]",
                distribution_id=dist["id"],
                detail={"kind": "personal_data", "column": column, "pii": kind, "count": n},
            )
