"""The quality score: 0-100 with its breakdown, in the spirit of udata's.

Each criterion is worth a fixed number of points; the breakdown says which were met and why
not, so an institution knows what to improve.
"""

import calendar
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from django.utils.translation import gettext_noop

from . import datacard, vocabularies

OPEN_FORMATS = {
    "CSV",
    "TSV",
    "JSON",
    "GEOJSON",
    "JSONLD",
    "JSON-LD",
    "XML",
    "RDF",
    "TTL",
    "TURTLE",
    "NT",
    "PARQUET",
    "NETCDF",
    "ODS",
    "TXT",
    "GTFS",
    "PROTOBUF",
    "GPKG",
    "KML",
    "GML",
    "AVRO",
    "FHIR",
}
OPEN_MEDIA_TYPES = {
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/geo+json",
    "application/ld+json",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "text/turtle",
    "application/n-triples",
    "application/vnd.apache.parquet",
    "application/x-netcdf",
    "application/vnd.oasis.opendocument.spreadsheet",
    "text/plain",
    "application/fhir+json",
    "application/vnd.google-earth.kml+xml",
    "application/gml+xml",
    "application/x-protobuf",
}
_SOURCE_PROBLEMS = {"unreachable", "unsafe"}


def _criterion(name: str, label: str, points: int, met: bool, note: str = "", **facts) -> dict:
    """One criterion. `facts` are the numbers its note states, kept so that pages can say the
    note in another language (the API shows `note`, in English)."""
    return {
        "name": name,
        "label": label,
        "max": points,
        "points": points if met else 0,
        "met": met,
        "note": "" if met else note,
        **({} if met else facts),
    }


def stated_moment(value: str) -> datetime | None:
    """The latest instant a stated date can mean (the end of its year, month or day; UTC where
    it names no offset), for an ISO 8601 date or date-time (Dataset.source_modified); None
    for "" or anything else."""
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        year, month, day = ([int(part) for part in value.split("-")] + [0, 0])[:3]
        month = month or 12
        day = day or calendar.monthrange(year, month)[1]
        return datetime.combine(date(year, month, day), time.max, tzinfo=UTC)
    except ValueError:
        return None


def _last_updated(context, snapshot: dict, fallback: datetime | None) -> datetime | None:
    """When the data last changed: the newest Last-Modified among the sources, else the
    metadata's own modification time."""
    newest = None
    for result in context.fetches() if context else []:
        value = result.headers.get("last-modified")
        if not value:
            continue
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        newest = max(newest, when) if newest else when
    return newest or fallback


# Long: one block per scored criterion, read top to bottom as the published scoring table.
def quality_score(snapshot: dict, findings: list, *, context=None, modified_at=None) -> dict:
    """Score a snapshot given the findings of its run. `findings` are (check, Finding) pairs."""
    licence = vocabularies.licences().get(snapshot["license"])
    if snapshot["access_rights"] == "open":
        licence_ok, licence_note = (
            bool(licence and licence.is_open),
            gettext_noop("state an open licence (SPDX id)"),
        )
    else:
        licence_ok = bool(licence) or snapshot["access_rights"] == "consent"
        licence_note = gettext_noop("state a licence (SPDX id)")

    frequency = vocabularies.frequencies().get(snapshot["update_frequency"])
    late = {}
    if frequency is None or frequency["code"] == "unknown":
        on_time, on_time_note = False, gettext_noop("state an update frequency")
    elif frequency["max_age_days"] is None:
        on_time, on_time_note = True, ""
    else:
        updated = _last_updated(context, snapshot, modified_at)
        age = (datetime.now(UTC) - updated).days if updated else None
        on_time = age is not None and age <= frequency["max_age_days"]
        if age is not None:
            late = {"age_days": age, "expected_days": frequency["max_age_days"]}
        on_time_note = (
            f"last updated {age} days ago; expected every {frequency['max_age_days']} days or less"
            if age is not None
            else gettext_noop("no update time known")
        )

    distributions = snapshot["distributions"]
    open_format = any(
        d["format"].upper() in OPEN_FORMATS or d["media_type"].lower() in OPEN_MEDIA_TYPES
        for d in distributions
    )
    source_problems = [f for _, f in findings if f.detail.get("kind") in _SOURCE_PROBLEMS]
    sources_skipped = any(f.detail.get("kind") == "sources_skipped" for _, f in findings)
    # Unchecked is not reachable: a run that skipped the source checks earns no points here.
    reachable = bool(distributions) and not source_problems and not sources_skipped
    spatial = snapshot["spatial"]
    criteria = [
        _criterion("license", gettext_noop("Licence stated"), 15, licence_ok, licence_note),
        _criterion(
            "description",
            gettext_noop("Description of 100 characters or more"),
            10,
            len(snapshot["description"].strip()) >= 100,
            gettext_noop("describe the data in more detail"),
        ),
        _criterion(
            "temporal",
            gettext_noop("Temporal coverage"),
            10,
            bool(snapshot["temporal"].get("start")),
            gettext_noop("say which period the data covers"),
        ),
        _criterion(
            "spatial",
            gettext_noop("Spatial coverage"),
            10,
            bool(spatial.get("states") or spatial.get("districts") or spatial.get("bbox")),
            gettext_noop("say which states, districts or area the data covers"),
        ),
        _criterion(
            "update_frequency",
            gettext_noop("Update frequency"),
            10,
            bool(frequency and frequency["code"] != "unknown"),
            gettext_noop("state how often it changes"),
        ),
        _criterion(
            "up_to_date",
            gettext_noop("Updated on time for its frequency"),
            10,
            on_time,
            on_time_note,
            **late,
        ),
        _criterion(
            "open_format",
            gettext_noop("Available in an open format"),
            10,
            open_format,
            gettext_noop("offer CSV, JSON or another open format"),
        ),
        _criterion(
            "reachable",
            gettext_noop("All distributions reachable"),
            15,
            reachable,
            gettext_noop("the sources were not checked in this run")
            if sources_skipped
            else gettext_noop("some distribution URLs could not be reached"),
        ),
        _criterion(
            "schema",
            gettext_noop("Schema documented"),
            10,
            any(d.get("schema") for d in distributions) or bool(snapshot["conforms_to"]),
            gettext_noop(
                "describe the columns with a Table Schema or name the standard they conform to"
            ),
        ),
    ]
    return {
        "score": sum(c["points"] for c in criteria),
        "criteria": criteria,
        # A file found unreachable is not loadable; one not checked yet (a harvested record's
        # deferred link check) is not held against it until it is checked.
        "ml_ready": ml_readiness(snapshot, reachable=not source_problems),
    }


# What a training pipeline can take without asking: the classes of ai_training.json whose
# licences permit training for any purpose (non-commercial and no-derivatives ones do not).
TRAINING_PERMITTED = {"public-domain", "attribution", "share-alike"}
# Formats mlcroissant reads a record set from (by media type or by the format's name).
LOADABLE_MEDIA_TYPES = {
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/jsonl",
    "application/x-ndjson",
    "application/vnd.apache.parquet",
    "application/x-parquet",
}
LOADABLE_FORMATS = {"CSV", "TSV", "JSON", "JSONL", "PARQUET"}


def _check(name: str, label: str, met: bool, note: str) -> dict:
    return {"name": name, "label": label, "met": met, "note": "" if met else note}


def _loadable(dist: dict) -> bool:
    """A distribution an ML loader can read as a table from its Croissant record set."""
    url = dist.get("download_url") or dist.get("access_url") or ""
    return (
        bool((dist.get("schema") or {}).get("fields"))
        and url.lower().startswith(("https://", "http://"))
        and (
            (dist.get("media_type") or "").lower() in LOADABLE_MEDIA_TYPES
            or (dist.get("format") or "").upper() in LOADABLE_FORMATS
        )
    )


def ml_readiness(snapshot: dict, *, reachable: bool = True) -> dict:
    """Whether a training pipeline can find, trust and load the dataset without asking anyone:
    each check with what is missing. A signal beside the score, not part of it. A file that
    could not be reached in the run cannot be loaded."""
    training = vocabularies.ai_training(snapshot["license"])["code"]
    is_open = snapshot["access_rights"] == "open"
    distributions = snapshot["distributions"]
    tabular = [d for d in distributions if (d.get("schema") or {}).get("fields")]
    lacking = datacard.missing(snapshot.get("data_card") or {})
    licence_note = (
        gettext_noop("state a licence that permits training (e.g. CC-BY-4.0)")
        if is_open
        else gettext_noop("the files are not open to everyone")
    )
    checks = [
        _check(
            "licence",
            gettext_noop("Open, under a licence that permits training"),
            is_open and training in TRAINING_PERMITTED,
            licence_note,
        ),
        _check(
            "table_schema",
            gettext_noop("Columns described by a Table Schema"),
            bool(tabular),
            gettext_noop("describe the columns of a file with a Table Schema"),
        ),
        _check(
            "checksum",
            gettext_noop("Checksums of the described files"),
            bool(tabular) and all(d.get("checksum_sha256") for d in tabular),
            gettext_noop("give the SHA-256 of every file with a Table Schema"),
        ),
        _check(
            "data_card",
            gettext_noop("Data card complete"),
            not lacking,
            gettext_noop("complete the data card"),
        ),
        _check(
            "croissant",
            gettext_noop("Loadable through Croissant"),
            any(_loadable(d) for d in distributions) and reachable,
            gettext_noop("offer a described CSV, JSON or Parquet file at a download address")
            if not any(_loadable(d) for d in distributions)
            else gettext_noop("some files could not be reached in the last check"),
        ),
    ]
    if lacking:
        checks[3]["missing"] = lacking
    return {"ready": all(c["met"] for c in checks), "checks": checks}
