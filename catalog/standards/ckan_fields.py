"""What a CKAN package says in ckanext-dcat's fields: at the top level under its scheming
schemas (ckanext-dcat 2.x: `contact`, `publisher`, `temporal_coverage`, `spatial_coverage`,
`language`, `theme`, `issued` …, lists of objects as the package dict holds them), or as its
legacy profile's extras (`contact_name`, `temporal_start`, JSON text in a string). ckan.py
reads the package; this reads these fields, whichever form a site uses."""

import json

from core.links import http_url

from .common import bounding_box, email_address, language_code, temporal_range, text
from .dates import source_date

# The scheming fields read here; kept in source_fields too when they say more (all contacts).
READ = {"issued", "modified", "language", "theme", "access_rights", "conforms_to", "frequency"}


def field(package: dict, extras: dict, name: str):
    """A field at the top level (scheming), else the extra of that name."""
    value = package.get(name)
    return value if value not in (None, "", []) else extras.get(name)


def values(value) -> list:
    """A list field as either form holds it: a list, JSON text of one, or one value."""
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.strip():
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return parsed if isinstance(parsed, list) else [parsed]
    return [value] if isinstance(value, dict) else []


def contact(package: dict, extras: dict) -> dict:
    """The first contact with a name or an address; else the legacy extras'; else CKAN's own
    maintainer or author."""
    for item in values(package.get("contact")) + values(extras.get("contact")):
        if isinstance(item, dict) and (item.get("email") or item.get("name")):
            return {"name": text(item.get("name"), 200), "email": email_address(item.get("email"))}
    if extras.get("contact_email") or extras.get("contact_name"):
        return {
            "name": text(extras.get("contact_name"), 200),
            "email": email_address(extras.get("contact_email")),
        }
    return {
        "name": text(package.get("maintainer") or package.get("author"), 200),
        "email": email_address(package.get("maintainer_email") or package.get("author_email")),
    }


def publisher(package: dict, extras: dict) -> str:
    for item in values(package.get("publisher")):
        if isinstance(item, dict) and item.get("name"):
            return text(item["name"], 300)
    # ckanext-dcat's data.json harvester (converters.dcat_to_ckan): dcat_publisher_name.
    return text(extras.get("publisher_name") or extras.get("dcat_publisher_name"), 300)


def source_time(package: dict, extras: dict, name: str, ckans_own: str):
    """The record's own date `name` (a scheming field or extra, else ckanext-dcat's
    `dcat_<name>` extra), else CKAN's time for the package (`ckans_own`)."""
    for found in (field(package, extras, name), extras.get(f"dcat_{name}"), package.get(ckans_own)):
        if when := source_date(found):
            return when
    return None


# Where CKAN sites keep a period's ends, as a top-level field or an extra: ckanext-dcat's legacy
# extras, ckanext-spatial's ISO harvester (data.gov.uk, catalog.data.gov's geospatial records),
# data.gov.au's and open.canada.ca's schemas.
_PERIOD_ENDS = (
    ("temporal_start", "temporal_end"),
    ("temporal-extent-begin", "temporal-extent-end"),
    ("temporal_coverage-from", "temporal_coverage-to"),
    ("temporal_coverage_from", "temporal_coverage_to"),
    ("time_period_coverage_start", "time_period_coverage_end"),
)
# Suchi's and ckanext-dcat's; ckanext-spatial's ISO code; data.gov.au's; ckanext-datajson's.
_FREQUENCIES = ("update_frequency", "frequency", "frequency-of-update", "update_freq")


def temporal(package: dict, extras: dict) -> dict:
    for item in values(package.get("temporal_coverage")):
        if isinstance(item, dict) and (item.get("start") or item.get("end")):
            return temporal_range(f"{item.get('start') or ''}/{item.get('end') or ''}")
    for start_key, end_key in _PERIOD_ENDS:
        if start := field(package, extras, start_key):
            return temporal_range(f"{start}/{field(package, extras, end_key) or ''}")
    # ckanext-datajson keeps DCAT-US's "start/end" as a `temporal` extra.
    return temporal_range(extras.get("temporal") if isinstance(extras.get("temporal"), str) else "")


def frequency(package: dict, extras: dict):
    found = (field(package, extras, name) for name in _FREQUENCIES)
    return next((f for f in found if f), None) or extras.get("accrualPeriodicity")


def box(package: dict, extras: dict) -> list[float] | None:
    """The bounding box of a scheming spatial_coverage (its bbox, else its geometry), else of
    ckanext-spatial's `spatial` extra (a GeoJSON geometry)."""
    for item in values(package.get("spatial_coverage")):
        for key in ("bbox", "geom") if isinstance(item, dict) else ():
            shape = item.get(key)
            if isinstance(shape, str):
                shape = _json(shape)
            if found := bounding_box(shape):
                return found
    if found := bounding_box(_json(extras.get("spatial"))):
        return found
    # ckanext-spatial's ISO harvester: the box's four sides, one extra each.
    sides = [extras.get(f"bbox-{side}") for side in ("west-long", "south-lat", "east-long")]
    sides.append(extras.get("bbox-north-lat"))
    return bounding_box(",".join(map(str, sides))) if all(sides) else None


def _language_tags(package: dict, extras: dict) -> list:
    """The languages as written: a list, JSON, or one text of tags joined by commas
    (ckanext-dcat's data.json harvester writes `"en,es,ca"`)."""
    tags = []
    for item in values(field(package, extras, "language")):
        if isinstance(item, str):
            tags.extend(t.strip() for t in item.split(",") if t.strip())
        else:
            tags.append(item)
    return tags


def languages(package: dict, extras: dict) -> list[str]:
    found = map(language_code, _language_tags(package, extras))
    return list(dict.fromkeys(filter(None, found)))


def languages_unread(package: dict, extras: dict) -> dict:
    """The languages as written, for source_fields, when Suchi could not read every one
    (Catalan, Galician, Basque: not in its table)."""
    tags = _language_tags(package, extras)
    return {"language": tags} if any(not language_code(t) for t in tags) else {}


def standards(package: dict, extras: dict) -> list[str]:
    found = (http_url(v) for v in values(field(package, extras, "conforms_to")))
    return list(dict.fromkeys(filter(None, found)))[:20]


def _json(value):
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return None
