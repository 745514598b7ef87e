"""The dates of a dataset, both ways: the issued and modified dates a source states, read in
one ISO 8601 form at the source's precision (parse), and the dates every export states for a
dataset: the source's for a harvested one, else when it was published and last changed here."""

import re
from datetime import date, datetime

from rdflib import Literal
from rdflib.namespace import XSD

_YEAR_MONTH = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")


def source_date(value) -> str:
    """A date a source states (issued, modified) in one ISO 8601 form, at the precision the
    source gave: `2015`, `2015-03`, `2015-03-01`, or a date-time to the second, its offset kept
    (`Z` written +00:00; none if the source gave none). "" for anything else: a repeating
    interval (DCAT-US allows `R/P1D` for modified), words, or an impossible date."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if _YEAR_MONTH.match(value) and int(value[:4]) >= 1000:
        return value
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return day.isoformat() if day.year >= 1000 else ""
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return ""
    return moment.isoformat(timespec="seconds") if moment.year >= 1000 else ""


def issued(dataset) -> str:
    """When the dataset was first issued: as its source says, else when it was published here
    ("" for one never published)."""
    if dataset.source_issued:
        return dataset.source_issued
    return dataset.published_at.isoformat(timespec="seconds") if dataset.published_at else ""


def modified(dataset) -> str:
    """When the dataset last changed: as its source says, else its last change here."""
    return dataset.source_modified or dataset.modified_at.isoformat(timespec="seconds")


def rdf_literal(value: str) -> Literal:
    """A source_date() value typed as DCAT asks: xsd:gYear, gYearMonth, date or dateTime."""
    kind = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}.get(len(value), XSD.dateTime)
    return Literal(value, datatype=kind)
