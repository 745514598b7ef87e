"""CKAN's package, organization and group dicts: Suchi's datasets as CKAN shows them (export),
and CKAN packages as Suchi's dataset payload (parse, for harvesting a CKAN site). The Action API
that serves the dicts is catalog/ckan_actions.py."""

import json

from core.links import http_url
from registry import vocabularies
from registry.models import Dataset, Distribution, Institution

from . import ckan_fields as fields
from .common import (
    RemoteRecord,
    bounded_fields,
    description,
    distribution,
    frequency_code,
    text,
    themes_and_keywords,
)
from .licences import licence_fields, licence_id

CKAN_VERSION = "2.10.4"  # the API generation we follow, reported by status_show
NAME_SEPARATOR = "--"  # package name = <institution slug>--<dataset slug>; our slugs have no "--"


# --- dicts --------------------------------------------------------------------------------------


def package_name(dataset: Dataset) -> str:
    return f"{dataset.institution.slug}{NAME_SEPARATOR}{dataset.slug}"


def organization_dict(institution: Institution, package_count: int | None = None) -> dict:
    data = {
        "id": institution.slug,
        "name": institution.slug,
        "title": institution.name,
        "display_name": institution.name,
        "description": institution.description,
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "created": institution.created_at.isoformat(),
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def group_dict(code: str, theme: dict, package_count: int | None = None) -> dict:
    data = {
        "id": code.lower(),
        "name": code.lower(),
        "title": theme["label"],
        "display_name": theme["label"],
        "description": f"{theme['label']} ({theme['label_hi']})",
        "type": "group",
        "is_organization": False,
        "state": "active",
        "image_url": "",
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


def resource_dict(dist: Distribution, dataset: Dataset, position: int | None = None) -> dict:
    """A distribution as CKAN shows a resource (its position in the package: its own unless
    given)."""
    return {
        "id": str(dist.pk),
        "package_id": str(dataset.pk),
        "url": dist.download_url or dist.access_url,
        # ckanext-dcat's resource fields: `url` alone cannot say whether it is a download.
        "access_url": dist.access_url,
        "download_url": dist.download_url or None,
        "name": dist.title or dist.access_url,
        "description": dist.description,
        "format": dist.format,
        "mimetype": dist.media_type or None,
        "size": dist.byte_size,
        "hash": dist.checksum_sha256,
        "position": dist.position if position is None else position,
        "state": "active",
        "created": dataset.created_at.isoformat(),
        "last_modified": dataset.modified_at.isoformat(),
        "url_type": None,
    }


# Long: one line per field of CKAN's package dict.
def package_dict(dataset: Dataset) -> dict:
    """A dataset as CKAN clients expect a package. Reads prefetched distributions."""
    licence = vocabularies.licences().get(dataset.license)
    themes = vocabularies.themes()
    created = dataset.created_at.isoformat()
    modified = dataset.modified_at.isoformat()
    resources = [
        resource_dict(dist, dataset, position=position)
        for position, dist in enumerate(dataset.distributions.all())
    ]
    tags = [
        {"name": k, "display_name": k, "state": "active", "vocabulary_id": None}
        for k in dataset.keywords
    ]
    package = {
        "id": str(dataset.pk),
        "name": package_name(dataset),
        "title": dataset.title,
        "notes": dataset.description,
        "type": "dataset",
        "state": "active",
        "private": False,
        "license_id": dataset.license or "notspecified",
        # A licence Suchi does not recognise is shown as the source stated it.
        "license_title": licence.name
        if licence
        else dataset.license_text or "License not specified",
        "license_url": licence.url if licence else http_url(dataset.license_text),
        "isopen": bool(licence and licence.is_open and dataset.access_rights == "open"),
        "url": dataset.landing_page,
        "version": dataset.version,
        "author": dataset.institution.name,
        "author_email": "",
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "owner_org": dataset.institution.slug,
        "organization": organization_dict(dataset.institution),
        "groups": [group_dict(code, themes[code]) for code in dataset.themes if code in themes],
        "tags": tags,
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "metadata_created": created,
        "metadata_modified": modified,
        "extras": [
            {"key": "access_rights", "value": dataset.access_rights},
            {"key": "update_frequency", "value": dataset.update_frequency},
            {"key": "spatial_states", "value": ",".join((dataset.spatial or {}).get("states", []))},
            {"key": "quality_score", "value": str(dataset.quality_score or "")},
            # A harvested dataset's own dates, identifier and publisher, as ckanext-dcat keeps
            # them (metadata_* are this catalogue's times for the record).
            *(
                {"key": key, "value": value}
                for key, value in (
                    ("issued", dataset.source_issued),
                    ("modified", dataset.source_modified),
                    ("alternate_identifier", _json_list(dataset.source_identifier)),
                    ("publisher_name", dataset.source_publisher),
                    # What else package_dict has no field for, under ckanext-dcat's keys.
                    ("temporal_start", _iso(dataset.temporal_start)),
                    ("temporal_end", _iso(dataset.temporal_end)),
                    ("language", _json_list(*dataset.languages)),
                    ("conforms_to", _json_list(*dataset.conforms_to)),
                    ("spatial", _geometry((dataset.spatial or {}).get("bbox"))),
                )
                if value
            ),
        ],
    }
    written = {extra["key"] for extra in package["extras"]}
    package["extras"].extend(_said_again(dataset, written))
    return package


def _json_list(*values: str) -> str:
    return json.dumps(list(values), ensure_ascii=False) if any(values) else ""


def _unique(values) -> list:
    return list(dict.fromkeys(filter(None, values)))


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _as_list(value) -> list:
    return value if isinstance(value, list) else []


def _geometry(bbox) -> str:
    """[west, south, east, north] as ckanext-spatial's `spatial` extra, a GeoJSON Polygon."""
    if not bbox:
        return ""
    west, south, east, north = bbox
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


NO_LICENCE = {"notspecified", "", None}


def _no_licence(package: dict) -> bool:
    """CKAN's own "no licence": its id, or its title under no id."""
    title = str(package.get("license_title") or "").strip().lower()
    return package.get("license_id") == "notspecified" or title in {
        "",
        "license not specified",
        "licence not specified",
    }


# --- parse: a CKAN package (package_show / package_search) as Suchi's dataset payload -------
# Long: one line per field of Suchi's payload, read from a CKAN package.
def ckan_record(package: dict, base: str) -> RemoteRecord:
    extras = {
        e.get("key"): e.get("value")
        for e in _as_list(package.get("extras"))
        if isinstance(e, dict) and isinstance(e.get("key"), str)
    }
    # CKAN groups are the usual place of a subject; a theme extra (ckanext-dcat) too.
    groups = [
        g.get("title") or g.get("name")
        for g in _as_list(package.get("groups"))
        if isinstance(g, dict) and isinstance(g.get("title") or g.get("name"), str)
    ]
    # ckanext-dcat's themes: the EU table's IRIs by their code, any other as a word.
    by_iri = {t["iri"]: code for code, t in vocabularies.themes().items()}
    stated = [str(t) for t in fields.values(fields.field(package, extras, "theme")) if t]
    themes, words = themes_and_keywords(
        [*groups, *(t for t in stated if t not in by_iri)],
        [t.get("name") for t in _as_list(package.get("tags")) if isinstance(t, dict)],
        stated=[by_iri[t] for t in stated if t in by_iri],
    )
    states = [
        s for s in str(extras.get("spatial_states") or "").split(",") if s in vocabularies.states()
    ]
    box = fields.box(package, extras)
    # Suchi's extra; ckanext-dcat's (an extra, or a top-level field under scheming).
    frequency = frequency_code(fields.frequency(package, extras))
    distributions = [
        d
        for d in (
            distribution(
                access_url=r.get("access_url") or r.get("url"),
                download_url=r.get("download_url")
                or (
                    r.get("url")
                    if r.get("access_url") and r.get("url") != r.get("access_url")
                    else ""
                ),
                media_type=r.get("mimetype"),
                fmt=r.get("format"),
                # A name that only repeats the address is no title (CKAN shows one anyway).
                title=r.get("name")
                if r.get("name") not in (r.get("url"), r.get("access_url"))
                else "",
                desc=r.get("description"),
                byte_size=r.get("size"),
                sha256=str(r.get("hash") or "").removeprefix("sha256:"),
            )
            for r in _as_list(package.get("resources"))
            if isinstance(r, dict)
        )
        if d
    ][:100]
    access = _access(fields.field(package, extras, "access_rights") or extras.get("accessLevel"))
    organization = (
        package.get("organization") if isinstance(package.get("organization"), dict) else {}
    )
    payload = {
        "title": text(package.get("title") or package.get("name"), 300),
        "description": description(package.get("notes"), 20000),
        "keywords": words,
        "themes": themes,
        **licence_fields(
            package.get("license_id")
            if licence_id(package.get("license_id"))
            else package.get("license_url")
            # CKAN's own "no licence" is none, not a licence statement to keep.
            # (DKAN gives a title and no id: a licence statement of its own.)
            or (None if _no_licence(package) else package.get("license_title"))
            or (None if package.get("license_id") in NO_LICENCE else package.get("license_id"))
            # ckanext-dcat's scheming schemas (its Croissant one): a `license` at the top.
            or (package.get("license") if isinstance(package.get("license"), str) else None)
            # ckanext-dcat 2.x: a licence stated on the resources only (DCAT puts it there).
            or next(
                (
                    r["license"]
                    for r in _as_list(package.get("resources"))
                    if isinstance(r, dict) and isinstance(r.get("license"), str) and r["license"]
                ),
                None,
            )
        ),
        "access_rights": access,
        "update_frequency": frequency,
        # ckanext-spatial's extra: a GeoJSON geometry, kept as a bounding box.
        "spatial": {"states": states, "bbox": box},
        "temporal": fields.temporal(package, extras),
        "languages": fields.languages(package, extras),
        "conforms_to": fields.standards(package, extras),
        "contact_point": fields.contact(package, extras),
        "landing_page": http_url(package.get("url")),
        "version": text(package.get("version"), 50),
        "distributions": distributions,
    }
    if payload["access_rights"] == "consent":
        payload["contains_personal_data"] = True
    name = package.get("name") or package.get("id")
    return RemoteRecord(
        str(package.get("id") or name),
        payload,
        f"{base}/dataset/{name}",
        # The publisher the record names (ckanext-dcat's field or extra), else its organisation.
        fields.publisher(package, extras) or text(organization.get("title"), 300),
        # The record's own dates (ckanext-dcat's extras), else CKAN's times for the package.
        source_fields=_unmapped(
            package,
            extras,
            mapped={*({"spatial"} if box else ()), *({"frequency"} if frequency else ())},
        )
        | fields.languages_unread(package, extras),
        # ckanext-dcat's data.json harvester keeps the record's dates as dcat_issued/_modified.
        issued=fields.source_time(package, extras, "issued", "metadata_created"),
        modified=fields.source_time(package, extras, "modified", "metadata_modified"),
    )


# CKAN's own package keys, and the extras ckan_record maps: everything else a package says (an
# extension's fields, ckanext-scheming's, the extras Suchi has no column for) is kept.
_PACKAGE_KEYS = {
    "id", "name", "title", "notes", "url", "version", "author", "author_email", "maintainer",
    "maintainer_email", "license_id", "license_title", "license_url", "isopen", "state", "type",
    "private", "owner_org", "organization", "groups", "tags", "num_tags", "resources",
    "num_resources", "metadata_created", "metadata_modified", "creator_user_id", "extras",
    "relationships_as_object", "relationships_as_subject", "revision_id", "tracking_summary",
}  # fmt: skip
# What a CKAN site changes by itself (ckanext-harvest's object id, ckanext-archiver's and -qa's
# reports, follower counts), at the top or in the extras: kept, they would make an unchanged
# record look changed at every harvest.
_VOLATILE = {"harvest_object_id", "archiver", "qa", "num_followers"}
_MAPPED_EXTRAS = {
    "access_rights", "accessLevel", "update_frequency", "spatial_states", "quality_score",
    "issued", "modified", "publisher_name", "temporal_start", "temporal_end", "language",
    "conforms_to", "theme",
}  # fmt: skip


# The extras package_dict writes and ckan_record reads: what Suchi says of a dataset.
_OURS = {
    *_MAPPED_EXTRAS, *fields.READ, "spatial", "alternate_identifier", "contact_name",
    "contact_email", "contact", "publisher", "temporal_coverage", "spatial_coverage",
}  # fmt: skip


def _unmapped(package: dict, extras: dict, mapped: set) -> dict:
    """What the package says that Suchi has no field for, for the provenance (source_fields)."""
    said = {
        k: v
        for k, v in package.items()
        if k not in _PACKAGE_KEYS | _VOLATILE and k not in fields.READ and v not in ("", None)
    }
    said.update(
        (k, v)
        for k, v in extras.items()
        if k not in _MAPPED_EXTRAS | _VOLATILE and k not in mapped and v not in ("", None)
    )
    return bounded_fields({k: v for k, v in said.items() if v != [] and v != {}})


def _said_again(dataset: Dataset, written: set) -> list[dict]:
    """A dataset harvested from CKAN (directly, or through another Suchi that did): what its
    package said beyond Suchi's fields, as extras again (a value not text as JSON)."""
    provenance = dataset.provenance or {}
    said = provenance.get("source_fields")
    kinds = {(provenance.get(k) or {}).get("kind") for k in ("source", "origin")}
    if "ckan" not in kinds or not isinstance(said, dict):
        return []
    return [
        {"key": k, "value": v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}
        for k, v in sorted(said.items())
        # Never a key Suchi writes or reads itself: a source cannot speak for Suchi's fields.
        if k not in written and k not in _PACKAGE_KEYS and k not in _OURS and k != "_cut"
    ]


# An access extra as CKAN sites write it: Suchi's own codes, ckanext-dcat's EU access-right
# IRI (or its last word), data.gov's DCAT-US accessLevel. Anything else: open, as CKAN shows it.
_ACCESS_WORDS = {"open": "open", "public": "open", "restricted": "restricted",
                 "restricted public": "restricted", "non public": "restricted",
                 "consent": "consent"}  # fmt: skip


def _access(value) -> str:
    word = str(value or "").rstrip("/").rsplit("/", 1)[-1].replace("_", " ").replace("-", " ")
    return _ACCESS_WORDS.get(word.strip().lower(), "open")
