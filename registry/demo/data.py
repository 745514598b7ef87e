"""Demo content for `manage.py seed_demo`: realistic Indian-context institutions and datasets.

The organisations are fictional; domains use the reserved `.example` top-level domain. The
content is in demo.json beside this file.
"""

import json
from pathlib import Path

_DEMO = json.loads((Path(__file__).parent / "demo.json").read_text(encoding="utf-8"))
INSTITUTIONS: list[dict] = _DEMO["institutions"]
_DATASETS: dict[str, list[dict]] = _DEMO["datasets"]

_MEDIA_TYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "GeoJSON": "application/geo+json",
    "ZIP": "application/zip",
    "PROTOBUF": "application/x-protobuf",
    "NetCDF": "application/x-netcdf",
    "TSV": "text/tab-separated-values",
    "WAV": "audio/wav",
    "DTA": "application/x-stata-dta",
    "MARC": "application/marc",
    "GeoTIFF": "image/tiff",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "XML": "application/xml",
    "PDF": "application/pdf",
    "FHIR": "application/fhir+json",
}
_LANGUAGES = {"KA": ["en", "kn"], "TS": ["en", "te"], "MH": ["en", "mr"]}
_FILE_EXT = {"FHIR": "fhir", "PROTOBUF": "pb", "GeoJSON": "geojson", "GeoTIFF": "tif"}


def datasets_for(institution: dict) -> list[dict]:
    """The demo datasets of one institution as API-shaped payloads."""
    host = institution["website"].removeprefix("https://").removeprefix("www.")
    payloads = []
    for row in _DATASETS.get(institution["slug"], []):
        slug, title, licence, formats = row["slug"], row["title"], row["license"], row["formats"]
        states, access = row["states"], row["access_rights"]
        consent = access == "consent"
        payloads.append(
            {
                "slug": slug,
                "title": title,
                "description": row["description"],
                "themes": row["themes"],
                "keywords": row["keywords"],
                "access_rights": access,
                "contains_personal_data": consent,
                # Records about individuals carry no public licence; terms are set by consent.
                "license": "" if licence.startswith("LicenseRef-") else licence,
                "update_frequency": row["update_frequency"],
                "temporal": {"start": row["temporal_start"], "end": None},
                "spatial": {"states": states},
                "languages": _LANGUAGES.get(states[0], ["en"]),
                "contact_point": {"name": "Data officer", "email": institution["contact_email"]},
                "landing_page": f"https://data.{host}/datasets/{slug}",
                "version": "1.0",
                "distributions": [
                    {
                        **(_ml_ready_file(row["ml"]) if fmt == "CSV" and "ml" in row else {}),
                        "title": f"{title} ({fmt})",
                        "access_url": (
                            f"https://api.{host}/consented/{slug}"
                            if consent
                            else f"https://data.{host}/files/{slug}.{_FILE_EXT.get(fmt, fmt.lower())}"
                        ),
                        "media_type": _MEDIA_TYPES[fmt],
                        "format": fmt,
                    }
                    for fmt in formats
                ],
                **({"data_card": row["ml"]["data_card"]} if "ml" in row else {}),
            }
        )
    return payloads


def _ml_ready_file(ml: dict) -> dict:
    """What makes a demo CSV loadable by ML tools: its Table Schema, checksum and size."""
    return {"schema": ml["schema"], "checksum_sha256": ml["sha256"], "byte_size": ml["byte_size"]}


STAFF = [
    {"username": "admin", "password": "admin-demo-2026", "institution": None, "role": None},
    {
        "username": "health.editor",
        "password": "health-demo-2026",
        "institution": "ka-health",
        "role": "admin",
    },
    {
        "username": "bank.editor",
        "password": "bank-demo-2026",
        "institution": "sahyadri-bank",
        "role": "admin",
    },
]
