"""Readers turn a source into remote records in Suchi's dataset payload shape (what
POST /api/v1/datasets takes). One reader per kind; each pages through its source and stops
with HarvestError when the source misbehaves (a page repeated, malformed content).
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parseaddr
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings

from core.links import http_url
from core.rdf import DocumentInvalid, DocumentRefused, parse_rdf
from registry import vocabularies

from .fetch import HarvestError, get_json, open_url


@dataclass
class RemoteRecord:
    guid: str
    payload: dict
    remote_url: str = ""
    publisher: str = ""


@dataclass
class Progress:
    """What a reader reports as it goes (pages read)."""

    pages: int = 0
    on_page: Callable[[int], None] = field(default=lambda pages: None)

    def page(self) -> None:
        self.pages += 1
        self.on_page(self.pages)
        if self.pages > settings.SUCHI_HARVEST_MAX_PAGES:
            raise HarvestError(f"more than {settings.SUCHI_HARVEST_MAX_PAGES} pages; stopping")


# --- vocabulary mapping ------------------------------------------------------------------------
_CKAN_LICENCES = {
    "cc-by": "CC-BY-4.0",
    "cc-by-sa": "CC-BY-SA-4.0",
    "cc-zero": "CC0-1.0",
    "cc-nc": "CC-BY-NC-4.0",
    "odc-by": "ODC-By-1.0",
    "odc-odbl": "ODbL-1.0",
    "odc-pddl": "PDDL-1.0",
    "uk-ogl": "OGL-UK-3.0",
}
_FREQUENCIES = {  # ISO 8601 repeating durations (DCAT-US accrualPeriodicity)
    "R/PT1H": "hourly",
    "R/P1D": "daily",
    "R/P1W": "weekly",
    "R/P2W": "fortnightly",
    "R/P1M": "monthly",
    "R/P3M": "quarterly",
    "R/P6M": "semiannual",
    "R/P1Y": "annual",
    "irregular": "irregular",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$", re.I)


def licence_id(value: str | None) -> str:
    """An SPDX id for a licence given as an id, a CKAN id or a URL; "" when unknown."""
    if not value:
        return ""
    value = value.strip()
    if canonical := vocabularies.licence_canonical_id(value):
        return canonical
    if value.lower() in _CKAN_LICENCES:
        return _CKAN_LICENCES[value.lower()]
    normalised = value.lower().rstrip("/").replace("https://", "http://").removeprefix("http://")
    normalised = normalised.removeprefix("www.")
    for code, licence in vocabularies.licences().items():
        url = (licence.url or "").lower().rstrip("/").replace("https://", "http://")
        if url and url.removeprefix("http://").removeprefix("www.") == normalised:
            return code
    if "spdx.org/licenses/" in normalised:
        return vocabularies.licence_canonical_id(normalised.rsplit("/", 1)[-1]) or ""
    # Creative Commons by URL, as real feeds give it: /licenses/by-sa/4.0/ → CC-BY-SA-4.0.
    if match := _CC_URL.search(normalised):
        kind, version = match.groups()
        return vocabularies.licence_canonical_id(f"CC-{kind.upper()}-{version}") or ""
    if _CC0_URL.search(normalised):
        return "CC0-1.0"
    for fragment, code in _OTHER_LICENCE_URLS.items():
        if fragment in normalised:
            return vocabularies.licence_canonical_id(code) or ""
    return ""


_CC_URL = re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)")
_CC0_URL = re.compile(r"creativecommons\.org/publicdomain/zero/1\.0")
_OTHER_LICENCE_URLS = {
    "opendatacommons.org/licenses/odbl": "ODbL-1.0",
    "opendatacommons.org/licenses/by": "ODC-By-1.0",
    "opendatacommons.org/licenses/pddl": "PDDL-1.0",
    "data.gov.in/government-open-data-license-india": "LicenseRef-GODL-India",
    "nationalarchives.gov.uk/doc/open-government-licence": "OGL-UK-3.0",
}


_http = http_url


def _email(value) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    value = value.removeprefix("mailto:")
    _, address = parseaddr(value)
    return address if _EMAIL.match(address or "") and len(address) <= 254 else ""


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _keywords(values) -> list[str]:
    out = []
    for value in values or []:
        if isinstance(value, str) and value.strip() and len(out) < 50:
            out.append(value.strip()[:100])
    return out


def _distribution(*, access_url, download_url="", media_type="", fmt="", title="", desc=""):
    access, download = _http(access_url), _http(download_url)
    if not access and not download:
        return None
    media = (media_type or "").strip().lower()
    return {
        "title": _text(title, 300),
        "description": _text(desc, 5000),
        "access_url": access or download,
        "download_url": download if access else "",
        "media_type": media if _MEDIA_TYPE.match(media) else "",
        "format": _text(fmt, 30),
    }


# --- DCAT-US data.json ------------------------------------------------------------------------
def read_datajson(url: str, progress: Progress) -> Iterator[RemoteRecord]:
    """A DCAT-US 1.1 catalogue, parsed as a stream (ijson): memory stays bounded however big."""
    import ijson

    with open_url(url, accept="application/json") as response:
        progress.page()
        try:
            for item in ijson.items(response.body, "dataset.item", use_float=True):
                if not isinstance(item, dict):
                    raise HarvestError("data.json: `dataset` holds something that is not an object")
                yield datajson_record(item, url)
        except ijson.JSONError as exc:
            raise HarvestError(f"data.json is not valid JSON ({exc})") from None


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
            _distribution(
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
        "title": _text(item.get("title"), 300),
        "description": _text(item.get("description"), 20000),
        "keywords": _keywords(item.get("keyword")),
        "license": licence_id(item.get("license")),
        "access_rights": access.get(str(item.get("accessLevel", "")).lower(), "restricted"),
        "temporal": temporal,
        "update_frequency": _FREQUENCIES.get(str(item.get("accrualPeriodicity", "")), ""),
        "languages": list(dict.fromkeys(languages)),
        "contact_point": {
            "name": _text(contact.get("fn"), 200),
            "email": _email(contact.get("hasEmail")),
        },
        "landing_page": _http(item.get("landingPage")),
        "conforms_to": [u for u in [_http(item.get("conformsTo"))] if u],
        "distributions": distributions,
    }
    remote_url = payload["landing_page"] or f"{source_url}#{guid}"
    return RemoteRecord(guid, payload, remote_url, _text(publisher.get("name"), 300))


# --- CKAN --------------------------------------------------------------------------------------
def _with_query(url: str, params: dict) -> str:
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def read_ckan(url: str, progress: Progress) -> Iterator[RemoteRecord]:
    """A CKAN site, through package_search paged with start/rows, oldest first."""
    base = url.rstrip("/")
    endpoint = f"{base}/api/3/action/package_search"
    rows, start, seen_pages = 100, 0, set()
    while True:
        body = get_json(
            _with_query(endpoint, {"rows": rows, "start": start, "sort": "metadata_created asc"})
        )
        progress.page()
        if (
            not isinstance(body, dict)
            or not body.get("success")
            or not isinstance(body.get("result"), dict)
        ):
            raise HarvestError(f"{endpoint}: not a CKAN package_search answer")
        results = body["result"].get("results")
        if not isinstance(results, list):
            raise HarvestError(f"{endpoint}: `result.results` is not a list")
        if not results:
            return
        signature = tuple(str(p.get("id")) for p in results if isinstance(p, dict))
        if signature in seen_pages:
            raise HarvestError(f"{endpoint}: the source repeated a page (start={start}); stopping")
        seen_pages.add(signature)
        for package in results:
            if isinstance(package, dict):
                yield ckan_record(package, base)
        start += len(results)
        count = body["result"].get("count")
        if isinstance(count, int) and start >= count:
            return


def ckan_record(package: dict, base: str) -> RemoteRecord:
    extras = {
        e.get("key"): e.get("value")
        for e in package.get("extras") or []
        if isinstance(e, dict) and isinstance(e.get("key"), str)
    }
    themes = [
        g["name"].upper()
        for g in package.get("groups") or []
        if isinstance(g, dict)
        and isinstance(g.get("name"), str)
        and g["name"].upper() in vocabularies.themes()
    ]
    states = [
        s for s in str(extras.get("spatial_states") or "").split(",") if s in vocabularies.states()
    ]
    distributions = [
        d
        for d in (
            _distribution(
                access_url=r.get("access_url") or r.get("url"),
                download_url=r.get("url")
                if r.get("access_url") and r.get("url") != r.get("access_url")
                else "",
                media_type=r.get("mimetype"),
                fmt=r.get("format"),
                title=r.get("name"),
                desc=r.get("description"),
            )
            for r in package.get("resources") or []
            if isinstance(r, dict)
        )
        if d
    ][:100]
    access = extras.get("access_rights")
    organization = (
        package.get("organization") if isinstance(package.get("organization"), dict) else {}
    )
    payload = {
        "title": _text(package.get("title") or package.get("name"), 300),
        "description": _text(package.get("notes"), 20000) or _text(package.get("title"), 20000),
        "keywords": _keywords(
            t.get("name") for t in package.get("tags") or [] if isinstance(t, dict)
        ),
        "themes": list(dict.fromkeys(themes)),
        "license": licence_id(package.get("license_id")),
        "access_rights": access if access in {"open", "restricted", "consent"} else "open",
        "update_frequency": extras.get("update_frequency")
        if extras.get("update_frequency") in vocabularies.frequencies()
        else "",
        "spatial": {"states": states},
        "contact_point": {
            "name": _text(package.get("maintainer") or package.get("author"), 200),
            "email": _email(package.get("maintainer_email") or package.get("author_email")),
        },
        "landing_page": _http(package.get("url")),
        "version": _text(package.get("version"), 50),
        "distributions": distributions,
    }
    if payload["access_rights"] == "consent":
        payload["contains_personal_data"] = True
    name = package.get("name") or package.get("id")
    return RemoteRecord(
        str(package.get("id") or name),
        payload,
        f"{base}/dataset/{name}",
        _text(organization.get("title"), 300),
    )


# --- another Suchi node ------------------------------------------------------------------------
def read_suchi(url: str, progress: Progress) -> Iterator[RemoteRecord]:
    """A Suchi node, through its REST API: lossless (the output is valid input), cursor paged."""
    base = url.rstrip("/")
    next_url = f"{base}/api/v1/datasets?page_size=100&sort=-modified"
    visited = set()
    while next_url:
        if next_url in visited:
            raise HarvestError(f"{next_url}: the source repeated a page; stopping")
        visited.add(next_url)
        body = get_json(next_url)
        progress.page()
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise HarvestError(f"{next_url}: not a Suchi dataset list")
        for item in body["results"]:
            if not isinstance(item, dict):
                continue
            payload = {k: v for k, v in item.items() if k not in _SUCHI_OUTPUT_ONLY}
            payload["slug"] = ""
            for dist in payload.get("distributions") or []:
                if isinstance(dist, dict):
                    dist.pop("id", None)
            institution = (
                item.get("institution") if isinstance(item.get("institution"), dict) else {}
            )
            links = item.get("links") if isinstance(item.get("links"), dict) else {}
            yield RemoteRecord(
                str(item.get("id")),
                payload,
                _http(links.get("self")),
                _text(institution.get("name"), 300),
            )
        next_url = body.get("next") or None
        if next_url:
            next_url = urljoin(base + "/", next_url)


_SUCHI_OUTPUT_ONLY = {
    "id", "status", "institution", "created_at", "modified_at", "published_at", "withdrawn_at",
    "revision", "pending_revision", "latest_validation", "links", "quality", "health",
    "provenance", "submitted_revision",
}  # fmt: skip


# --- DCAT (RDF) --------------------------------------------------------------------------------
_RDF_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
}


def read_dcat(url: str, progress: Progress) -> Iterator[RemoteRecord]:
    """A DCAT catalogue in Turtle, RDF/XML or JSON-LD, following hydra `next` pages."""
    from rdflib.namespace import RDF

    from catalog.dcat import DCAT, HYDRA

    next_url, visited = url, set()
    while next_url:
        if next_url in visited:
            raise HarvestError(f"{next_url}: the source repeated a page; stopping")
        visited.add(next_url)
        with open_url(
            next_url,
            accept="text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8",
            max_bytes=settings.SUCHI_HARVEST_MAX_PAGE_BYTES,
        ) as response:
            raw = response.body.read_all()
            fmt = _RDF_TYPES.get(response.content_type) or _guess_rdf(next_url)
        progress.page()
        try:
            graph = parse_rdf(raw, fmt, base=next_url)
        except (DocumentRefused, DocumentInvalid) as exc:
            raise HarvestError(f"{next_url}: {exc}") from None
        for node in sorted(graph.subjects(RDF.type, DCAT.Dataset), key=str):
            yield dcat_record(graph, node)
        following = [
            str(o) for view in graph.subjects(RDF.type, HYDRA.PartialCollectionView)
            for o in graph.objects(view, HYDRA.next)
        ]  # fmt: skip
        next_url = following[0] if following else None


def _guess_rdf(url: str) -> str:
    path = urlsplit(url).path
    for suffix, fmt in (
        (".ttl", "turtle"),
        (".jsonld", "json-ld"),
        (".rdf", "xml"),
        (".xml", "xml"),
    ):
        if path.endswith(suffix):
            return fmt
    return "turtle"


def dcat_record(graph, node) -> RemoteRecord:
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, FOAF

    from catalog.dcat import ACCESS_RIGHTS, DCAT, VCARD

    def value(subject, predicate) -> str:
        found = graph.value(subject, predicate)
        return str(found) if found is not None else ""

    def literal(subject, predicate, limit: int) -> str:
        values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
        english = [o for o in values if o.language in (None, "en")]
        return _text(str((english or values)[0]), limit) if values else ""

    themes_by_iri = {t["iri"]: code for code, t in vocabularies.themes().items()}
    frequencies_by_iri = {f["iri"]: code for code, f in vocabularies.frequencies().items()}
    languages_by_iri = {lang["iri"]: code for code, lang in vocabularies.languages().items()}
    access_by_iri = {iri: code for code, iri in ACCESS_RIGHTS.items()}
    contact = graph.value(node, DCAT.contactPoint)
    period = graph.value(node, DCTERMS.temporal)
    distributions, licences = [], []
    for dist in graph.objects(node, DCAT.distribution):
        media = value(dist, DCAT.mediaType).removeprefix(
            "https://www.iana.org/assignments/media-types/"
        )
        fmt = value(dist, DCTERMS["format"]).rsplit("/", 1)[-1]
        made = _distribution(
            access_url=value(dist, DCAT.accessURL),
            download_url=value(dist, DCAT.downloadURL),
            media_type=media,
            fmt=fmt,
            title=literal(dist, DCTERMS.title, 300),
            desc=literal(dist, DCTERMS.description, 5000),
        )
        if made:
            distributions.append(made)
        licences.append(value(dist, DCTERMS.license))
    licences.append(value(node, DCTERMS.license))
    states = []
    for place in graph.objects(node, DCTERMS.spatial):
        match = re.search(r"/places/IN-([A-Z]{2})$", str(place))
        if match and match.group(1) in vocabularies.states():
            states.append(match.group(1))
    start = value(period, DCAT.startDate)[:10] if period is not None else ""
    end = value(period, DCAT.endDate)[:10] if period is not None else ""
    access = access_by_iri.get(value(node, DCTERMS.accessRights), "open")
    payload = {
        "title": literal(node, DCTERMS.title, 300),
        "description": literal(node, DCTERMS.description, 20000),
        "keywords": _keywords(str(k) for k in graph.objects(node, DCAT.keyword)),
        "themes": sorted(
            {
                themes_by_iri[str(t)]
                for t in graph.objects(node, DCAT.theme)
                if str(t) in themes_by_iri
            }
        ),
        "license": next((lid for lid in map(licence_id, licences) if lid), ""),
        "access_rights": access,
        "update_frequency": frequencies_by_iri.get(value(node, DCTERMS.accrualPeriodicity), ""),
        "languages": sorted(
            {
                languages_by_iri[str(x)]
                for x in graph.objects(node, DCTERMS.language)
                if str(x) in languages_by_iri
            }
        ),
        "spatial": {"states": sorted(set(states))},
        "temporal": {
            "start": start if re.match(r"^\d{4}-\d{2}-\d{2}$", start) else None,
            "end": end if re.match(r"^\d{4}-\d{2}-\d{2}$", end) and end >= start else None,
        },
        "contact_point": {
            "name": literal(contact, VCARD.fn, 200) if contact is not None else "",
            "email": _email(value(contact, VCARD.hasEmail)) if contact is not None else "",
        },
        "landing_page": _http(value(node, DCAT.landingPage)),
        "distributions": distributions[:100],
    }
    if access == "consent":
        payload["contains_personal_data"] = True
    guid = literal(node, DCTERMS.identifier, 500) or str(node)
    publisher = graph.value(node, DCTERMS.publisher)
    name = literal(publisher, FOAF.name, 300) if publisher is not None else ""
    # A subject IRI is the record's address at the source only if it is a web address: a
    # `javascript:` or `data:` IRI must never become a link on our pages.
    remote_url = _http(str(node)) if isinstance(node, URIRef) else ""
    return RemoteRecord(guid, payload, remote_url or payload["landing_page"], name)


READERS = {"datajson": read_datajson, "ckan": read_ckan, "suchi": read_suchi, "dcat": read_dcat}
