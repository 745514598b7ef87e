"""What every standard's parse side shares: the record a parser yields, and the mapping of the
vocabularies real feeds use (licence ids and URLs, ISO 8601 frequencies) to Suchi's. Values
that map to nothing are dropped here; issue #17 keeps them verbatim."""

import re
from dataclasses import dataclass
from email.utils import parseaddr

from core.links import http_url
from registry import vocabularies


@dataclass
class RemoteRecord:
    """One record of a remote catalogue, in Suchi's dataset payload shape."""

    guid: str
    payload: dict
    remote_url: str = ""
    publisher: str = ""


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
FREQUENCIES = {  # ISO 8601 repeating durations (DCAT-US accrualPeriodicity)
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


def email_address(value) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    value = value.removeprefix("mailto:")
    _, address = parseaddr(value)
    return address if _EMAIL.match(address or "") and len(address) <= 254 else ""


def text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def keywords(values) -> list[str]:
    out = []
    for value in values or []:
        if isinstance(value, str) and value.strip() and len(out) < 50:
            out.append(value.strip()[:100])
    return out


def distribution(*, access_url, download_url="", media_type="", fmt="", title="", desc=""):
    access, download = http_url(access_url), http_url(download_url)
    if not access and not download:
        return None
    media = (media_type or "").strip().lower()
    return {
        "title": text(title, 300),
        "description": text(desc, 5000),
        "access_url": access or download,
        "download_url": download if access else "",
        "media_type": media if _MEDIA_TYPE.match(media) else "",
        "format": text(fmt, 30),
    }
