"""DCAT-US 1.1 (`data.json`, Project Open Data), both ways: a record of a data.json catalogue
becomes Suchi's dataset payload (parse, for harvesting), and the public catalogue is written as
data.json (export, streamed: GET /data.json)."""

import json
import re

from django.db.models import Case, JSONField, Q, Value, When
from django.db.models.fields.json import KT

from core.links import http_url
from registry import vocabularies

from .. import iris
from . import dates
from .common import (
    FREQUENCIES,
    RemoteRecord,
    bounded_fields,
    bounding_box,
    description,
    distribution,
    email_address,
    frequency_code,
    language_code,
    state_codes,
    temporal_range,
    text,
    themes_and_keywords,
)
from .geometry import geometry_box
from .licences import licence_fields

# What becomes Suchi's own fields in full; everything else a record says is kept in the
# provenance snapshot as `source_fields` (publisher hierarchy, bureau and program codes,
# accessLevel, rights, the spatial and temporal values as written, describedBy, references …).
_MAPPED = {"@type", "title", "description", "keyword", "identifier", "contactPoint",
           "license", "landingPage", "language", "distribution", "accrualPeriodicity",
           "conformsTo", "issued", "modified"}  # fmt: skip
_DISTRIBUTION_MAPPED = {"@type", "accessURL", "downloadURL", "mediaType", "format", "title",
                        "description", "byteSize", "checksum"}  # fmt: skip
_ACCESS = {"public": "open", "restricted public": "restricted", "non-public": "restricted"}


def as_dcat_us_11(item: dict) -> dict:
    """A record in DCAT-US 1.1's shape, from the other shapes data.json files are written in:
    Project Open Data 1.0 (2013: keywords in one text, one accessURL and format, contactPoint
    and mbox as texts, publisher a name, releaseDate) and DCAT-US 3.0 (nodes and lists where
    1.1 has texts: contactPoint, temporal, spatial, landingPage, theme). A 1.1 record is
    returned as it is."""
    out = dict(item)
    if isinstance(out.get("keyword"), str):
        out["keyword"] = [w.strip() for w in out["keyword"].split(",") if w.strip()]
    if not out.get("keyword") and isinstance(out.get("keywords"), list):
        out["keyword"] = out["keywords"]
    if isinstance(out.get("publisher"), str):
        out["publisher"] = {"name": out["publisher"]}
    out.setdefault("issued", out.get("releaseDate"))
    contact = _first_node(out.get("contactPoint"))
    if isinstance(out.get("contactPoint"), str) or (not contact and out.get("mbox")):
        contact = {"fn": out.get("contactPoint") or "", "hasEmail": out.get("mbox") or ""}
    out["contactPoint"] = contact
    if not out.get("distribution") and (out.get("accessURL") or out.get("webService")):
        out["distribution"] = [
            {
                "accessURL": out.get("accessURL") or out.get("webService"),
                "format": out.get("format"),
            }
        ]
    if _pod_10(item):
        out["distribution"] = [_distribution_11(d) for d in _as_list(out.get("distribution"))]
    if isinstance(landing := out.get("landingPage"), dict):  # 3.0: a Document
        out["landingPage"] = landing.get("accessURL") or landing.get("@id")
    if period := _first_node(out.get("temporal")):  # 3.0: a PeriodOfTime
        out["temporal"] = f"{period.get('startDate') or ''}/{period.get('endDate') or ''}"
    if place := _first_node(out.get("spatial")):  # 3.0: a Location
        box = geometry_box(str(place.get("bbox") or place.get("geometry") or "").strip())
        out["spatial"] = ",".join(map(str, box)) if box else place.get("prefLabel")
    if isinstance(out.get("theme"), list):  # 3.0: Concepts
        out["theme"] = [t.get("prefLabel", t) if isinstance(t, dict) else t for t in out["theme"]]
    return out


def _pod_10(item: dict) -> bool:
    """Whether a record is written as Project Open Data 1.0 (no @type; 1.0's own fields)."""
    said_10 = isinstance(item.get("keyword"), str) or isinstance(item.get("contactPoint"), str)
    said_10 = said_10 or any(k in item for k in ("accessURL", "webService", "mbox"))
    formats = any(
        isinstance(d, dict) and "formats" in d for d in _as_list(item.get("distribution"))
    )
    return "@type" not in item and (said_10 or formats)


def _first_node(value) -> dict | None:
    return next((v for v in _as_list(value) if isinstance(v, dict)), None)


def _distribution_11(dist):
    """A distribution in 1.1's shape: POD 1.0's accessURL of a file with its media type (as
    `format`, or in a `formats` list) is its downloadURL."""
    if not isinstance(dist, dict) or dist.get("downloadURL") or dist.get("mediaType"):
        return dist
    formats = [f.get("value") for f in _as_list(dist.get("formats")) if isinstance(f, dict)]
    media = next((m for m in [dist.get("format"), *formats] if isinstance(m, str) and "/" in m), "")
    if not media or not dist.get("accessURL"):
        return dist
    rest = {k: v for k, v in dist.items() if k not in {"accessURL", "format", "formats"}}
    return {**rest, "downloadURL": dist["accessURL"], "mediaType": media.split(";")[0].strip()}


# Long: one line per field of Suchi's payload, read from a DCAT-US record.
def datajson_record(item: dict, source_url: str) -> RemoteRecord:
    """A DCAT-US 1.1 dataset (or POD 1.0, or DCAT-US 3.0: as_dcat_us_11) as Suchi's payload,
    with what has no place kept aside."""
    said, item = item, as_dcat_us_11(item)
    contact = item.get("contactPoint") if isinstance(item.get("contactPoint"), dict) else {}
    languages = [code for code in map(language_code, _as_list(item.get("language"))) if code]
    raw_distributions = [d for d in _as_list(item.get("distribution")) if isinstance(d, dict)]
    distributions, unusable = [], []
    for dist in raw_distributions:
        checksum = dist.get("checksum") if isinstance(dist.get("checksum"), dict) else {}
        made = distribution(
            access_url=dist.get("accessURL"),
            download_url=dist.get("downloadURL"),
            media_type=dist.get("mediaType"),
            fmt=dist.get("format"),
            title=dist.get("title"),
            desc=dist.get("description"),
            # DCAT-US 3 names (1.1 has no place for them; Suchi writes them so).
            byte_size=dist.get("byteSize"),
            sha256=checksum.get("checksumValue")
            if str(checksum.get("algorithm", "")).lower().endswith("sha256")
            else None,
        )
        (distributions if made else unusable).append(made or dist)
    publisher = item.get("publisher") if isinstance(item.get("publisher"), dict) else {}
    guid = text(str(item.get("identifier") or ""), 500) if item.get("identifier") else ""
    themes, words = themes_and_keywords(item.get("theme"), item.get("keyword"))
    spatial = item.get("spatial")
    payload = {
        "title": text(item.get("title"), 300),
        "description": description(item.get("description"), 20000),
        "keywords": words,
        "themes": themes,
        **licence_fields(item.get("license")),
        "access_rights": _ACCESS.get(str(item.get("accessLevel", "")).lower(), "restricted"),
        "spatial": {"states": state_codes(spatial), "districts": [], "bbox": bounding_box(spatial)},
        "temporal": temporal_range(item.get("temporal")),
        "update_frequency": frequency_code(item.get("accrualPeriodicity")),
        "languages": list(dict.fromkeys(languages)),
        "contact_point": {
            "name": text(contact.get("fn"), 200),
            "email": email_address(contact.get("hasEmail")),
        },
        "landing_page": http_url(item.get("landingPage")),
        "conforms_to": [u for u in [http_url(item.get("conformsTo"))] if u],
        "distributions": distributions[:100],
    }
    extra = {k: v for k, v in said.items() if k not in _MAPPED}  # as the source wrote them
    if unusable:
        extra["distribution (no http(s) downloadURL or accessURL)"] = unusable
    extra.update(_unmapped(item, payload, raw_distributions))
    remote_url = payload["landing_page"] or f"{source_url}#{guid}"
    return RemoteRecord(
        guid,
        payload,
        remote_url,
        text(publisher.get("name"), 300),
        bounded_fields(extra),
        issued=dates.source_date(item.get("issued")),
        modified=dates.source_date(item.get("modified")),
    )


def _unmapped(item: dict, payload: dict, raw_distributions: list[dict]) -> dict:
    """What a mapped field said that its mapping could not hold, kept as the source said it:
    a date that is no date, a frequency or language with no code here, keywords past the
    first 50, and the fields of a distribution Suchi has no place for (describedBy, …)."""
    out = {}
    for key in ("issued", "modified"):  # kept as written when it is no date (R/P1D, words…)
        if item.get(key) and not dates.source_date(item[key]):
            out[key] = item[key]
    if item.get("accrualPeriodicity") and not payload["update_frequency"]:
        out["accrualPeriodicity"] = item["accrualPeriodicity"]
    # A tag with no code here, or one whose region or script the code drops (en-US).
    if any(language_code(tag) != tag for tag in _as_list(item.get("language"))):
        out["language"] = item["language"]
    words = [w for w in _as_list(item.get("keyword")) if isinstance(w, str) and w.strip()]
    if len(words) > len(payload["keywords"]):
        out["keyword"] = words
    distributions = {
        str(index): kept
        for index, dist in enumerate(raw_distributions)
        if (kept := {k: v for k, v in dist.items() if k not in _DISTRIBUTION_MAPPED})
    }
    if distributions:
        out["distribution fields"] = distributions
    return out


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


# --- export: the public catalogue as DCAT-US 1.1 -----------------------------------------------
POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
POD_CONTEXT = POD_SCHEMA + "/catalog.jsonld"
POD_CATALOG_SCHEMA = POD_SCHEMA + "/catalog.json"
ACCESS_LEVELS = {"open": "public", "restricted": "restricted public", "consent": "non-public"}
_OUR_ACCESS = {level: access for access, level in ACCESS_LEVELS.items()}
RIGHTS = {
    "restricted": "Available on request to {institution}, under its conditions of use.",
    "consent": "Records about individuals: shared only with the consent of each person, "
    "through the consent manager of this catalogue.",
}
# The inverse of FREQUENCIES; "never" and "unknown" have no ISO 8601 form and are left out.
ISO_FREQUENCIES = {code: iso for iso, code in FREQUENCIES.items()}
TABLE_SCHEMA_TYPE = "application/json"
SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"


def datajson_catalog_chunks(base: str, datasets, *, self_url: str):
    """The catalogue as data.json, in pieces of text to write one after the other: memory
    holds one dataset at a time however long `datasets` (an iterator) is."""
    head = {
        "@context": POD_CONTEXT,
        "@id": self_url,
        "@type": "dcat:Catalog",
        "conformsTo": POD_SCHEMA,
        "describedBy": POD_CATALOG_SCHEMA,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "dataset": ['
    separator = "\n"
    for dataset in datasets:
        yield separator + json.dumps(datajson_dataset(base, dataset), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def with_source_said(datasets):
    """`datasets` with what a data.json source said beyond Suchi's fields (its source_fields)
    read alongside, as `dcat_us_said`: None for every dataset not harvested from data.json
    (directly, or through another Suchi that did)."""
    return datasets.annotate(
        dcat_us_said=Case(
            When(
                Q(provenance__source__kind="datajson") | Q(provenance__origin__kind="datajson"),
                then=KT("provenance__source_fields"),
            ),
            default=Value(None),
            output_field=JSONField(),
        )
    )


# DCAT-US 1.1 fields Suchi has no column for, written back as a data.json source said them
# (with_source_said), when of the schema's type: a test each value must pass.
_SAID_AGAIN = {
    "bureauCode": lambda v: _strings(v, r"\d{3}:\d{2,3}"),  # OMB A-11: 015:010
    "programCode": lambda v: _strings(v, r"\d{3}:\d{3}"),
    "references": lambda v: isinstance(v, list) and v and all(http_url(u) == u for u in v),
    "rights": lambda v: isinstance(v, str) and 0 < len(v) <= 255,
    "spatial": lambda v: isinstance(v, str) and v.strip(),
    "temporal": lambda v: isinstance(v, str) and "/" in v,
    "accrualPeriodicity": lambda v: isinstance(v, str) and v.startswith("R/P"),
    "language": lambda v: _strings(v, r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*"),
    "describedBy": lambda v: isinstance(v, str) and http_url(v) == v,
    "describedByType": lambda v: isinstance(v, str) and "/" in v,
    "isPartOf": lambda v: isinstance(v, str) and v.strip(),
    "dataQuality": lambda v: isinstance(v, bool),
    "systemOfRecords": lambda v: isinstance(v, str) and http_url(v) == v,
    "primaryITInvestmentUII": lambda v: isinstance(v, str) and re.fullmatch(r"\d{3}-\d{9}", v),
}
# What the source said replaces Suchi's own words for these (rights: Suchi's generic sentence;
# language: the tags as written, en-US, where Suchi keeps only the language).
_SAID_FIRST = {"rights", "language"}


def _strings(value, pattern: str) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and re.fullmatch(pattern, v) for v in value)
    )


def datajson_dataset(base: str, dataset) -> dict:
    """One published dataset as a DCAT-US 1.1 record. Reads prefetched distributions.

    bureauCode and programCode, required of US federal agencies only, are written only as a
    data.json source stated them: no Indian institution has one (the schema's non-federal
    profile, as data.gov's harvester applies it)."""
    institution = dataset.institution
    themes = vocabularies.themes()
    theme_labels = [themes[c]["label"] for c in dataset.themes if c in themes]
    record: dict = {
        "@type": "dcat:Dataset",
        "title": dataset.title,
        "description": dataset.description or dataset.title,
        # DCAT-US requires a keyword: the themes' names stand in, else the publisher's name.
        "keyword": list(dataset.keywords) or theme_labels or [institution.name],
        "modified": dates.modified(dataset),
        # A harvested dataset's publisher is the one its source names.
        "publisher": {
            "@type": "org:Organization",
            "name": dataset.source_publisher or institution.name,
        },
        "identifier": iris.dataset(base, dataset.pk),
        "accessLevel": ACCESS_LEVELS[dataset.access_rights],
    }
    email = dataset.contact_email or institution.contact_email
    record["contactPoint"] = {
        "@type": "vcard:Contact",
        "fn": dataset.contact_name or institution.name,
        **({"hasEmail": f"mailto:{email}"} if email else {}),
    }
    if issued := dates.issued(dataset):
        record["issued"] = issued
    licence = vocabularies.licences().get(dataset.license)
    if licence and http_url(licence.url):
        record["license"] = licence.url
    elif not licence and http_url(dataset.license_text):  # as the source stated it
        record["license"] = http_url(dataset.license_text)
    if dataset.access_rights in RIGHTS:
        record["rights"] = RIGHTS[dataset.access_rights].format(institution=institution.name)[:255]
    if spatial := _spatial(dataset.spatial or {}):
        record["spatial"] = spatial
    if temporal := _temporal(dataset):
        record["temporal"] = temporal
    if dataset.update_frequency in ISO_FREQUENCIES:
        record["accrualPeriodicity"] = ISO_FREQUENCIES[dataset.update_frequency]
    if dataset.languages:
        record["language"] = list(dataset.languages)
    if landing := http_url(dataset.landing_page):
        record["landingPage"] = landing
    if standard := next((u for u in map(http_url, dataset.conforms_to) if u), ""):
        record["conformsTo"] = standard
    if theme_labels:
        record["theme"] = list(dict.fromkeys(theme_labels))
    distributions = [_distribution(base, d) for d in dataset.distributions.all()]
    if distributions:
        record["distribution"] = distributions
    return _said_again(record, getattr(dataset, "dcat_us_said", None))


def _said_again(record: dict, said) -> dict:
    """`record` with what its data.json source said beyond Suchi's columns (with_source_said)."""
    for key, valid in _SAID_AGAIN.items() if isinstance(said, dict) else ():
        if (key in _SAID_FIRST or key not in record) and key in said and valid(said[key]):
            record[key] = said[key]
    # "non-public" and "restricted public" are both Suchi's restricted: say again the one said.
    level = said.get("accessLevel") if isinstance(said, dict) else None
    if _ACCESS.get(level) == _OUR_ACCESS[record["accessLevel"]]:
        record["accessLevel"] = level
    return record


def _spatial(spatial: dict) -> str:
    """The states' names, or a bounding box as "west,south,east,north" (DCAT-US's form)."""
    states = vocabularies.states()
    names = [states[c]["name"] for c in spatial.get("states", []) if c in states]
    if names:
        return ", ".join(names)
    if spatial.get("bbox"):
        return ",".join(f"{x:.15g}" for x in spatial["bbox"])  # every digit it was given
    return ""


def _temporal(dataset) -> str:
    """start/end as an ISO 8601 interval. The schema has no open-ended form: a period with no
    end yet runs to the last change of the dataset; one with no start is left out."""
    start, end = dataset.temporal_start, dataset.temporal_end
    if not start:
        return ""
    end = end or max(start, dataset.modified_at.date())
    return f"{start.isoformat()}/{end.isoformat()}"


def _distribution(base: str, dist) -> dict:
    out: dict = {"@type": "dcat:Distribution"}
    access, download = http_url(dist.access_url), http_url(dist.download_url)
    # downloadURL needs a mediaType (a schema dependency); without one it is only an address.
    if download and dist.media_type:
        out["downloadURL"] = download
    elif download and not access:
        out["accessURL"] = download
    # An accessURL that only repeats the downloadURL (DCAT-AP's rule) is not written twice.
    if access and out.get("downloadURL") != access:
        out["accessURL"] = access
    if dist.media_type:
        out["mediaType"] = dist.media_type
    for key, value in (("format", dist.format), ("title", dist.title)):
        if value:
            out[key] = value
    if dist.description:
        out["description"] = dist.description
    if dist.schema:
        out["describedBy"] = iris.distribution_schema(base, dist.pk)
        out["describedByType"] = TABLE_SCHEMA_TYPE
    # DCAT-US 3 names, which 1.1 readers ignore: the size and checksum otherwise have no place.
    if dist.byte_size is not None:
        out["byteSize"] = dist.byte_size
    if dist.checksum_sha256:
        out["checksum"] = {"algorithm": SHA256, "checksumValue": dist.checksum_sha256}
    return out
