"""DCAT-US 1.1 (`data.json`, Project Open Data): the parse side. A record of a data.json
catalogue becomes Suchi's dataset payload."""

import re

from core.links import http_url
from registry import vocabularies

from .common import (
    FREQUENCIES,
    RemoteRecord,
    distribution,
    email_address,
    keywords,
    licence_id,
    text,
)


def datajson_record(item: dict, source_url: str) -> RemoteRecord:
    access = {"public": "open", "restricted public": "restricted", "non-public": "restricted"}
    contact = item.get("contactPoint") if isinstance(item.get("contactPoint"), dict) else {}
    temporal = {"start": None, "end": None}
    if isinstance(item.get("temporal"), str) and "/" in item["temporal"]:
        start, _, end = item["temporal"].partition("/")
        if re.match(r"^\d{4}-\d{2}-\d{2}", start):
            temporal["start"] = start[:10]
        if re.match(r"^\d{4}-\d{2}-\d{2}", end) and (
            not temporal["start"] or end[:10] >= start[:10]
        ):
            temporal["end"] = end[:10]
    languages = [
        code[:2]
        for code in item.get("language") or []
        if isinstance(code, str) and code[:2] in vocabularies.languages()
    ]
    distributions = [
        d
        for d in (
            distribution(
                access_url=dist.get("accessURL"),
                download_url=dist.get("downloadURL"),
                media_type=dist.get("mediaType"),
                fmt=dist.get("format"),
                title=dist.get("title"),
                desc=dist.get("description"),
            )
            for dist in item.get("distribution") or []
            if isinstance(dist, dict)
        )
        if d
    ][:100]
    publisher = item.get("publisher") if isinstance(item.get("publisher"), dict) else {}
    guid = str(item.get("identifier") or "").strip()
    payload = {
        "title": text(item.get("title"), 300),
        "description": text(item.get("description"), 20000),
        "keywords": keywords(item.get("keyword")),
        "license": licence_id(item.get("license")),
        "access_rights": access.get(str(item.get("accessLevel", "")).lower(), "restricted"),
        "temporal": temporal,
        "update_frequency": FREQUENCIES.get(str(item.get("accrualPeriodicity", "")), ""),
        "languages": list(dict.fromkeys(languages)),
        "contact_point": {
            "name": text(contact.get("fn"), 200),
            "email": email_address(contact.get("hasEmail")),
        },
        "landing_page": http_url(item.get("landingPage")),
        "conforms_to": [u for u in [http_url(item.get("conformsTo"))] if u],
        "distributions": distributions,
    }
    remote_url = payload["landing_page"] or f"{source_url}#{guid}"
    return RemoteRecord(guid, payload, remote_url, text(publisher.get("name"), 300))
