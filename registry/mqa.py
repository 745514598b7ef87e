"""Metadata quality by FAIR dimension, in the manner of data.europa.eu's Metadata Quality
Assessment (MQA): each dimension is a handful of checks worth fixed points (405 in all), so a
publisher sees dimension by dimension what is missing and what fixing it is worth.

Beside the quality score (registry/quality.py), not instead of it: the score is Suchi's own
publishing bar; this is the comparable, Europe-style view. It is computed with the score, from
the same snapshot, and kept on the dataset as `fair_score` and `fair_met` (one bit per check,
in the order of CHECKS) so that the dashboards sum it per publisher in one statement.

CHECKS is append-only: a check's bit is its position, stored in every row.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import vocabularies
from .quality import OPEN_FORMATS, OPEN_MEDIA_TYPES

DIMENSIONS = (
    ("findability", _("Findability")),
    ("accessibility", _("Accessibility")),
    ("interoperability", _("Interoperability")),
    ("reusability", _("Reusability")),
    ("contextuality", _("Contextuality")),
)
DIMENSION_LABELS = dict(DIMENSIONS)


@dataclass(frozen=True)
class Check:
    name: str
    dimension: str
    points: int
    label: str
    advice: str  # the change that meets it, said to the publisher

    @property
    def bit(self) -> int:
        return 1 << CHECK_INDEX[self.name]


# Points as MQA weighs them (findability 100, accessibility 100, interoperability 110,
# reusability 75, contextuality 20).
CHECKS = (
    Check("keywords", "findability", 30, _("Keywords"), _("add keywords")),
    Check("themes", "findability", 30, _("Themes"), _("choose a theme")),
    Check("spatial", "findability", 20, _("Spatial coverage"), _("say which area it covers")),
    Check("temporal", "findability", 20, _("Temporal coverage"), _("say which period it covers")),
    Check(
        "access_url_reachable",
        "accessibility",
        50,
        _("Access URLs answer"),
        _("fix the access URLs that do not answer"),
    ),
    Check("download_url", "accessibility", 20, _("Download URL given"), _("give download URLs")),
    Check(
        "download_url_reachable",
        "accessibility",
        30,
        _("Download URLs answer"),
        _("give download URLs that answer"),
    ),
    Check("format", "interoperability", 20, _("Format stated"), _("state each file's format")),
    Check(
        "media_type",
        "interoperability",
        10,
        _("Media type stated"),
        _("state each file's media type"),
    ),
    Check(
        "format_vocabulary",
        "interoperability",
        10,
        _("Format from a known vocabulary"),
        _("use a registered format name or media type"),
    ),
    Check(
        "non_proprietary",
        "interoperability",
        20,
        _("Non-proprietary format"),
        _("offer an open format such as CSV or JSON"),
    ),
    Check(
        "machine_readable",
        "interoperability",
        20,
        _("Machine-readable format"),
        _("offer a machine-readable file, not only PDF or HTML"),
    ),
    Check(
        "dcat_ap",
        "interoperability",
        30,
        _("DCAT-AP mandatory properties"),
        _("give a description and at least one distribution"),
    ),
    Check("licence", "reusability", 20, _("Licence stated"), _("state a licence")),
    Check(
        "licence_vocabulary",
        "reusability",
        10,
        _("Licence from a known list (SPDX)"),
        _("name the licence by its SPDX id"),
    ),
    Check("access_rights", "reusability", 10, _("Access rights"), _("state the access rights")),
    Check(
        "access_rights_vocabulary",
        "reusability",
        5,
        _("Access rights from the EU vocabulary"),
        _("state the access rights"),
    ),
    Check("contact_point", "reusability", 20, _("Contact point"), _("give a contact point")),
    Check("publisher", "reusability", 10, _("Publisher"), _("name the publisher")),
    Check("rights", "contextuality", 5, _("Rights statement"), _("add a rights statement")),
    Check("byte_size", "contextuality", 5, _("File sizes"), _("give each file's size in bytes")),
    Check("issued", "contextuality", 5, _("Date of issue"), _("publish it")),
    Check("modified", "contextuality", 5, _("Modification date"), _("publish it")),
)
CHECK_INDEX = {check.name: position for position, check in enumerate(CHECKS)}
CHECKS_BY_NAME = {check.name: check for check in CHECKS}
MAX_POINTS = sum(check.points for check in CHECKS)  # 405
DIMENSION_MAX = {
    name: sum(c.points for c in CHECKS if c.dimension == name) for name, _label in DIMENSIONS
}
# MQA's rating bands, by total points.
RATINGS = ((351, "excellent", _("Excellent")), (221, "good", _("Good")),
           (121, "sufficient", _("Sufficient")), (0, "bad", _("Bad")))  # fmt: skip
RATING_LABELS = {code: label for _floor, code, label in RATINGS}

# Formats a program reads as data (MQA's machine-readable list, in Suchi's format names).
MACHINE_READABLE = {f for f in OPEN_FORMATS if f != "TXT"} | {"XLS", "XLSX", "SHP", "DBF"}
KNOWN_FORMATS = OPEN_FORMATS | MACHINE_READABLE | {"PDF", "HTML", "ZIP", "DOC", "DOCX", "TIFF"}


def rating(points: int) -> str:
    return next(code for floor, code, _label in RATINGS if points >= floor)


def _upper(value) -> str:
    return (value or "").strip().upper()


# Long: one line per check, read top to bottom as the table above.
def assess(snapshot: dict, *, reachable: bool | None, published: bool) -> dict:
    """The FAIR assessment of a snapshot (registry.services.dataset_snapshot's shape).
    `reachable`: whether every distribution's address answered in the last check (None: not
    checked, which earns nothing, as in MQA); `published`: whether it has issue and
    modification dates in the catalogue."""
    dists = snapshot.get("distributions") or []
    spatial = snapshot.get("spatial") or {}
    licence = (snapshot.get("license") or "").strip()
    formats = [_upper(d.get("format")) for d in dists]
    media_types = [(d.get("media_type") or "").strip().lower() for d in dists]
    downloads = [d for d in dists if (d.get("download_url") or "").strip()]
    contact = snapshot.get("contact_point") or {}
    met = {
        "keywords": bool(snapshot.get("keywords")),
        "themes": bool(snapshot.get("themes")),
        "spatial": bool(spatial.get("states") or spatial.get("districts") or spatial.get("bbox")),
        "temporal": bool((snapshot.get("temporal") or {}).get("start")),
        "access_url_reachable": bool(dists) and reachable is True,
        "download_url": bool(downloads),
        "download_url_reachable": bool(downloads) and reachable is True,
        "format": bool(dists) and all(formats),
        "media_type": bool(dists) and all(media_types),
        "format_vocabulary": bool(dists)
        and all(
            f in KNOWN_FORMATS or m in OPEN_MEDIA_TYPES
            for f, m in zip(formats, media_types, strict=True)
        ),
        "non_proprietary": any(
            f in OPEN_FORMATS or m in OPEN_MEDIA_TYPES
            for f, m in zip(formats, media_types, strict=True)
        ),
        "machine_readable": any(
            f in MACHINE_READABLE or (m in OPEN_MEDIA_TYPES and m != "text/plain")
            for f, m in zip(formats, media_types, strict=True)
        ),
        "dcat_ap": bool((snapshot.get("title") or "").strip())
        and bool((snapshot.get("description") or "").strip())
        and bool(dists),
        "licence": bool(licence),
        "licence_vocabulary": licence in vocabularies.licences(),
        "access_rights": bool(snapshot.get("access_rights")),
        "access_rights_vocabulary": snapshot.get("access_rights")
        in ("open", "restricted", "consent"),
        "contact_point": bool(contact.get("email") or contact.get("name")),
        "publisher": True,  # every dataset is published by its institution
        "rights": bool((snapshot.get("license_text") or "").strip())
        or snapshot.get("access_rights") in ("restricted", "consent"),
        "byte_size": bool(dists) and all(d.get("byte_size") is not None for d in dists),
        "issued": published,
        "modified": published,
    }
    return summary(sum(CHECKS_BY_NAME[name].bit for name, ok in met.items() if ok))


def summary(mask: int) -> dict:
    """Points, rating and per-dimension points of a stored `fair_met` mask."""
    dimensions = {name: 0 for name, _label in DIMENSIONS}
    for check in CHECKS:
        if mask & check.bit:
            dimensions[check.dimension] += check.points
    points = sum(dimensions.values())
    return {"points": points, "max": MAX_POINTS, "rating": rating(points),
            "dimensions": dimensions, "met": mask}  # fmt: skip


def missing(mask: int) -> list[Check]:
    """The checks a mask does not meet, the most valuable first."""
    return sorted((c for c in CHECKS if not mask & c.bit), key=lambda c: (-c.points, c.name))


def reachable_in(quality: dict | None) -> bool:
    """Whether the quality score of a run (registry/quality.py) found every distribution's
    address answering; False when the run did not check them."""
    criteria = (quality or {}).get("criteria", [])
    return any(c["name"] == "reachable" and c["met"] for c in criteria)


def assess_row(dataset, distributions) -> dict:
    """The assessment of a stored dataset row and its distribution rows (model instances or
    dicts): for a backfill and the bulk loader, which have rows rather than snapshots."""

    def get(obj, name):
        return obj.get(name) if isinstance(obj, dict) else getattr(obj, name)

    snapshot = {
        name: get(dataset, name)
        for name in ("title", "description", "keywords", "themes", "spatial", "license",
                     "license_text", "access_rights")
    }  # fmt: skip
    snapshot["temporal"] = {"start": get(dataset, "temporal_start")}
    snapshot["contact_point"] = {
        "name": get(dataset, "contact_name"),
        "email": get(dataset, "contact_email"),
    }
    snapshot["distributions"] = [
        {name: get(d, name) for name in ("format", "media_type", "download_url", "byte_size")}
        for d in distributions
    ]
    return assess(
        snapshot,
        reachable=reachable_in(get(dataset, "quality")),
        published=get(dataset, "published_at") is not None,
    )
