"""Snapshots: a dataset's full writable metadata as plain JSON (the shape the API reads and
writes, and revisions store), read from the row, normalised from input, and set on the row."""

import uuid
from datetime import date

from core.jsontext import json_copy

from ..datacard import CARD_DEFAULTS, card_of
from ..models import Dataset

SNAPSHOT_DEFAULTS: dict = {
    "slug": "",
    "title": "",
    "description": "",
    "keywords": [],
    "themes": [],
    "license": "",
    "license_text": "",
    "access_rights": Dataset.Access.OPEN.value,
    "contains_personal_data": False,
    "spatial": {"states": [], "districts": [], "bbox": None},
    "temporal": {"start": None, "end": None},
    "update_frequency": "",
    "languages": [],
    "contact_point": {"name": "", "email": ""},
    "landing_page": "",
    "conforms_to": [],
    "version": "",
    "distributions": [],
    "data_card": CARD_DEFAULTS,
}
DISTRIBUTION_DEFAULTS: dict = {
    "title": "",
    "description": "",
    "access_url": "",
    "download_url": "",
    "media_type": "",
    "format": "",
    "byte_size": None,
    "checksum_sha256": "",
    "schema": None,
}
# Plain columns whose snapshot key is the column name.
DIRECT_FIELDS = (
    "slug",
    "title",
    "description",
    "keywords",
    "themes",
    "license",
    "license_text",
    "access_rights",
    "contains_personal_data",
    "spatial",
    "update_frequency",
    "languages",
    "landing_page",
    "conforms_to",
    "version",
)


def _iso(value) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def dataset_snapshot(dataset: Dataset) -> dict:
    """The full writable metadata of the row as it stands (the public version)."""
    return {
        **{name: json_copy(getattr(dataset, name)) for name in DIRECT_FIELDS},
        "spatial": {**SNAPSHOT_DEFAULTS["spatial"], **(dataset.spatial or {})},
        "temporal": {"start": _iso(dataset.temporal_start), "end": _iso(dataset.temporal_end)},
        "contact_point": {"name": dataset.contact_name, "email": dataset.contact_email},
        "data_card": card_of(dataset.data_card),
        "distributions": [
            {
                "id": str(d.id),
                **{name: json_copy(getattr(d, name)) for name in DISTRIBUTION_DEFAULTS},
            }
            for d in dataset.distributions.all()
        ],
    }


def snapshot_normalise(data: dict, *, known_distribution_ids: set[str]) -> dict:
    """Fill defaults, make every value plain JSON, and give each distribution a stable id.

    A distribution keeps a client-supplied id only if it names one this dataset already has
    (so a GET → PUT round trip updates in place); any other gets a fresh id.
    """
    snapshot = json_copy(SNAPSHOT_DEFAULTS)
    for key, value in data.items():
        if key in SNAPSHOT_DEFAULTS and key != "distributions":
            snapshot[key] = json_copy(value)
    snapshot["spatial"] = {**SNAPSHOT_DEFAULTS["spatial"], **(snapshot["spatial"] or {})}
    snapshot["temporal"] = {
        "start": _iso((snapshot["temporal"] or {}).get("start")),
        "end": _iso((snapshot["temporal"] or {}).get("end")),
    }
    snapshot["contact_point"] = {
        **SNAPSHOT_DEFAULTS["contact_point"],
        **(snapshot["contact_point"] or {}),
    }
    snapshot["data_card"] = card_of(snapshot["data_card"])
    distributions = []
    seen: set[str] = set()
    for item in data.get("distributions") or []:
        dist = {
            **DISTRIBUTION_DEFAULTS,
            **{k: v for k, v in item.items() if k in DISTRIBUTION_DEFAULTS},
        }
        given = str(item.get("id") or "")
        dist_id = (
            given if given in known_distribution_ids and given not in seen else str(uuid.uuid4())
        )
        seen.add(dist_id)
        distributions.append({"id": dist_id, **json_copy(dist)})
    snapshot["distributions"] = distributions
    return snapshot


def snapshot_assign(dataset: Dataset, snapshot: dict) -> None:
    """Set a snapshot's values on the row's fields (not saved)."""
    for name in DIRECT_FIELDS:
        setattr(dataset, name, json_copy(snapshot[name]))
    temporal = snapshot["temporal"]
    dataset.temporal_start = date.fromisoformat(temporal["start"]) if temporal["start"] else None
    dataset.temporal_end = date.fromisoformat(temporal["end"]) if temporal["end"] else None
    dataset.contact_name = snapshot["contact_point"]["name"] or ""
    dataset.contact_email = snapshot["contact_point"]["email"] or ""
    # Revisions recorded before data cards existed have none.
    dataset.data_card = card_of(snapshot.get("data_card"))


def distributions_matched(distributions: list[dict], before: list[dict]) -> list[dict]:
    """`distributions`, each without an id given the id of an unclaimed one in `before` with
    the same access and download URLs (in order, for repeated addresses)."""
    free: dict[tuple, list[str]] = {}
    for dist in before:
        free.setdefault((dist["access_url"], dist["download_url"]), []).append(dist["id"])
    out = []
    for dist in distributions:
        ids = free.get((dist.get("access_url"), dist.get("download_url") or ""))
        out.append({**dist, "id": ids.pop(0)} if not dist.get("id") and ids else dist)
    return out
