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
    "other-pd": "LicenseRef-Public-Domain",
    "gfdl": "GFDL-1.3-or-later",
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
    """The licence id (SPDX, or one of Suchi's documented LicenseRef- ids) for a licence as
    real feeds give it: an id, a CKAN id, a URL in any of its spellings (http or https, www.
    or not, trailing slash, /legalcode, deed pages), a Creative Commons name ("CC BY 4.0",
    "Creative Commons Attribution 4.0"), or a public-domain statement. "" when nothing fits:
    the caller keeps the source's words (issue #17)."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    if canonical := vocabularies.licence_canonical_id(value):
        return canonical
    lowered = value.lower()
    if lowered in _CKAN_LICENCES:
        return _CKAN_LICENCES[lowered]
    address = _normalised_url(lowered)
    if address:
        for code, licence in vocabularies.licences().items():
            if licence.page and _normalised_url(licence.page.lower()) == address:
                return code
        if "spdx.org/licenses/" in address or "opensource.org/licenses/" in address:
            name = address.rsplit("/", 1)[-1].removesuffix(".html").removesuffix(".json")
            return vocabularies.licence_canonical_id(name) or ""
        for fragment, code in _OTHER_LICENCE_URLS.items():
            if fragment in address:
                return code
    if match := _CC_URL.search(address or lowered):
        kind, version = match.groups()
        return vocabularies.licence_canonical_id(f"CC-{kind.upper()}-{version}") or ""
    if match := _CC_NAME.search(lowered):
        spelled = (
            match.group(1)
            .replace("share-alike", "sharealike")
            .replace("non-commercial", "noncommercial")
        )
        words = re.findall(r"[a-z]+", spelled)
        kind = "-".join(dict.fromkeys(_CC_PARTS[w] for w in words if w in _CC_PARTS))
        return vocabularies.licence_canonical_id(f"CC-{kind}-{match.group(2)}") or ""
    if _CC0_URL.search(lowered) or re.search(r"\bcc[ -]?0\b|cc[ -]zero", lowered):
        return "CC0-1.0"
    if _CC_PDM_URL.search(lowered):
        return "CC-PDM-1.0"
    for code, licence in vocabularies.licences().items():
        for phrase in licence.match:
            if _phrase_in(phrase, address or lowered):
                return code
    return ""


def _normalised_url(value: str) -> str:
    """A licence URL without what varies between spellings of it; "" if not a URL."""
    if not value.startswith(("http://", "https://")):
        return ""
    address = value.split("#", 1)[0].split("?", 1)[0]
    address = address.removeprefix("https://").removeprefix("http://").removeprefix("www.")
    address = address.rstrip("/")
    for suffix in ("/legalcode", "/deed.en", "/deed"):
        address = address.removesuffix(suffix)
    return address.rstrip("/")


def _phrase_in(phrase: str, text: str) -> bool:
    if "/" in phrase or "." in phrase:
        return phrase in text
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None


_CC_URL = re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)")
_CC_NAME = re.compile(
    r"(?:creative commons|\bcc)[ -]+((?:(?:by|sa|nc|nd|attribution|sharealike|share-alike|"
    r"noncommercial|non-commercial|noderivatives|no derivatives)[ -]*)+)(\d\.\d)"
)
_CC_PARTS = {
    "by": "BY", "attribution": "BY", "sa": "SA", "sharealike": "SA", "nc": "NC",
    "noncommercial": "NC", "nd": "ND", "noderivatives": "ND", "noderivs": "ND",
}  # fmt: skip
_CC0_URL = re.compile(r"creativecommons\.org/publicdomain/zero/1\.0")
_CC_PDM_URL = re.compile(r"creativecommons\.org/publicdomain/mark/1\.0")
_OTHER_LICENCE_URLS = {
    "opendatacommons.org/licenses/odbl": "ODbL-1.0",
    "opendatacommons.org/licenses/by": "ODC-By-1.0",
    "opendatacommons.org/licenses/pddl": "PDDL-1.0",
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
