"""schema.org, export only for now: a public dataset as a schema.org `Dataset` in JSON-LD, as
Google Dataset Search reads it from a dataset's page (a `<script type="application/ld+json">`
block). Parsing schema.org records (for harvesting) is not written yet.

What Google asks for (https://developers.google.com/search/docs/appearance/structured-data/dataset):
name and description (50 to 5,000 characters: a longer one is cut, a shorter one is left as the
institution wrote it, never padded), and recommends url, identifier, license, creator, keywords,
distribution, temporalCoverage, spatialCoverage, isAccessibleForFree, includedInDataCatalog,
dates and version.
"""

import json
import re

from django.utils.safestring import SafeString, mark_safe

from core.links import http_url
from registry import vocabularies

from .. import iris
from . import dates

CONTEXT = "https://schema.org/"
CATALOG_NAME = "Suchi open data catalogue"  # as the DCAT catalogue names itself
DESCRIPTION_MAX = 5000
# Inside a <script> element only `</script` (and `<!--`) can end or confuse the block; with
# these escaped no field can break out, and the JSON means the same (as Django's json_script).
SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


AGENT_TYPES = ("Person", "Organization")


def said_agents(value) -> list[dict]:
    """schema.org agents (a creator, say) as a source gave them: each Person or Organization
    with a name, and its url where that is http(s); at most twenty; anything else left out."""
    agents = []
    for item in (value if isinstance(value, list) else [value])[:20]:
        if not isinstance(item, dict):
            continue
        kind = item.get("@type")
        kind = str(kind[0] if isinstance(kind, list) and kind else kind or "")
        kind = re.split(r"[:/#]", kind)[-1]
        name = item.get("name")
        name = name[0] if isinstance(name, list) and name else name
        if kind not in AGENT_TYPES or not isinstance(name, str) or not name.strip():
            continue
        agent = {"@type": kind, "name": name.strip()[:300]}
        if url := http_url(item.get("url") if isinstance(item.get("url"), str) else None):
            agent["url"] = url
        agents.append(agent)
    return agents


def creators(base: str, dataset, prefix: str = ""):
    """Who made the dataset: the people or organisations its source named (kept in the
    provenance), else the publisher its source names, else the institution. `prefix` is the
    vocabulary's in the document (Croissant writes `sc:`)."""
    said = ((dataset.provenance or {}).get("source_fields") or {}).get("creator")
    agents = [{**a, "@type": prefix + a["@type"]} for a in said_agents(said)]
    if agents:
        return agents[0] if len(agents) == 1 else agents
    # A harvested dataset's creator is the publisher its source names, not the harvester.
    if dataset.source_publisher:
        return {"@type": f"{prefix}Organization", "name": dataset.source_publisher}
    return {
        "@type": f"{prefix}Organization",
        "name": dataset.institution.name,
        "url": iris.institution(base, dataset.institution.slug),
    }


def dataset_jsonld(base: str, dataset) -> dict:
    """One published dataset as a schema.org Dataset. Reads prefetched distributions and the
    selected institution (datasets_published() / datasets_visible_to() do both)."""
    page = iris.dataset(base, dataset.pk)
    record: dict = {
        "@context": CONTEXT,
        "@type": "Dataset",
        "@id": page,
        "name": dataset.title,
        "description": dataset.description[:DESCRIPTION_MAX],
        "url": page,
        "identifier": page,
        "creator": creators(base, dataset),
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": CATALOG_NAME,
            "url": iris.home(base),
        },
        "dateModified": dates.modified(dataset),
    }
    if issued := dates.issued(dataset):
        record["datePublished"] = issued
    if licence := licence_url(dataset):
        record["license"] = licence
    if dataset.keywords:
        record["keywords"] = list(dataset.keywords)
    if dataset.access_rights == "open":
        record["isAccessibleForFree"] = True
    if dataset.version:
        record["version"] = dataset.version
    if dataset.languages:
        record["inLanguage"] = list(dataset.languages)
    record.update(coverage(dataset))
    downloads = [d for d in map(data_download, dataset.distributions.all()) if d]
    if downloads:
        record["distribution"] = downloads
    return record


def licence_url(dataset) -> str:
    """The licence's URL; for a licence we do not recognise, the source's text if it is an
    http(s) URL; else ""."""
    licence = vocabularies.licences().get(dataset.license)
    if licence:
        return http_url(licence.url)
    return "" if dataset.license else http_url(dataset.license_text)


def coverage(dataset) -> dict:
    """temporalCoverage and spatialCoverage, where the dataset states a period or places (also
    Croissant's)."""
    out = {}
    if temporal := temporal_coverage(dataset.temporal_start, dataset.temporal_end):
        out["temporalCoverage"] = temporal
    if places := spatial_coverage(dataset.spatial or {}):
        out["spatialCoverage"] = places
    return out


def temporal_coverage(start, end) -> str:
    """An ISO 8601 interval; `..` stands for an open end (schema.org's own example)."""
    if not start and not end:
        return ""
    return f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"


def spatial_coverage(spatial: dict) -> list[dict]:
    """The states as named places, and a bounding box as a GeoShape box ("S W N E")."""
    states = vocabularies.states()
    places = [
        {"@type": "Place", "name": states[code]["name"]}
        for code in spatial.get("states", [])
        if code in states
    ]
    bbox = spatial.get("bbox")
    if bbox and len(bbox) == 4:
        west, south, east, north = bbox
        box = f"{south:.15g} {west:.15g} {north:.15g} {east:.15g}"
        places.append({"@type": "Place", "geo": {"@type": "GeoShape", "box": box}})
    return places


def data_download(dist) -> dict | None:
    """A distribution as a DataDownload: the download address, else the access address; None
    when neither is an http(s) URL."""
    url = http_url(dist.download_url) or http_url(dist.access_url)
    if not url:
        return None
    out: dict = {"@type": "DataDownload", "contentUrl": url}
    if dist.media_type or dist.format:
        out["encodingFormat"] = dist.media_type or dist.format
    if dist.title:
        out["name"] = dist.title
    return out


def script_json(data: dict) -> SafeString:
    """`data` as JSON that is safe as the whole content of a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(SCRIPT_ESCAPES))  # noqa: S308 (<, >, & escaped)  # nosec B308 B703
