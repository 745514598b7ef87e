"""Licences as real feeds state them, mapped to the ids Suchi stores (SPDX, or one of its
documented LicenseRef- ids): ids, CKAN's ids, the licence tables of the EU Publications Office and
of DCAT-AP.de, licence pages in any of their spellings, Creative Commons names. What maps to
nothing is kept as the source's words (`license_text`)."""

import re

from bs4 import BeautifulSoup

from registry import vocabularies

from .ckan_licences import spdx_for

__all__ = ["licence_fields", "licence_id"]


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
    if ckan := spdx_for(lowered) or _PORTAL_IDS.get(lowered):
        return ckan
    if named := vocabularies.licence_by_name(value):  # SPDX's own name: "Apache License 2.0"
        return named
    address = _normalised_url(lowered)
    if address:
        for code, licence in vocabularies.licences().items():
            if licence.page and _normalised_url(licence.page.lower()) == address:
                return code
        if any(site in address for site in _LICENCE_ID_SITES):
            name = address.rsplit("/", 1)[-1].removesuffix(".html").removesuffix(".json")
            return vocabularies.licence_canonical_id(name) or spdx_for(name) or ""
        for fragment, code in _OTHER_LICENCE_URLS.items():
            if fragment in address:
                return code
        if code := _authority_table(address):
            return code
    if match := _CC_URL.search(address or lowered):
        kind, version, port = match.groups()
        ported = port and vocabularies.licence_canonical_id(f"CC-{kind}-{version}-{port}")
        return ported or vocabularies.licence_canonical_id(f"CC-{kind.upper()}-{version}") or ""
    if match := _CC_NAME.search(lowered):
        spelled = (
            match.group(1)
            .replace("share-alike", "sharealike")
            .replace("non-commercial", "noncommercial")
        )
        words = re.findall(r"[a-z]+", spelled)
        kind = "-".join(dict.fromkeys(_CC_PARTS[w] for w in words if w in _CC_PARTS))
        return vocabularies.licence_canonical_id(f"CC-{kind}-{match.group(2)}") or ""
    if match := _DL_DE_NAME.search(lowered):
        kind, version = match.groups()
        return vocabularies.licence_canonical_id(f"DL-DE-{_DL_DE[kind]}-{version}") or ""
    if _CC0_URL.search(lowered) or re.search(r"\bcc[ -]?0\b|cc[ -]zero", lowered):
        return "CC0-1.0"
    if _CC_PDM_URL.search(lowered):
        return "CC-PDM-1.0"
    for code, licence in vocabularies.licences().items():
        for phrase in licence.match:
            if _phrase_in(phrase, address or lowered):
                return code
    return ""


# Sites whose licence pages end in the licence's id (Hugging Face writes choosealicense.com's).
_LICENCE_ID_SITES = (
    "spdx.org/licenses/",
    "opendefinition.org/licenses/",  # CKAN's licence list links its ids there
    "opensource.org/licenses/",
    "choosealicense.com/licenses/",
)


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


_CC_URL = re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)(?:/([a-z]{2})\b)?")
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
    "govdata.de/dl-de/by-2-0": "DL-DE-BY-2.0",
    "govdata.de/dl-de/zero-2-0": "DL-DE-ZERO-2.0",
    "data.norge.no/nlod/no/1.0": "NLOD-1.0",
    "data.norge.no/nlod/en/1.0": "NLOD-1.0",
    "data.norge.no/nlod/no/2.0": "NLOD-2.0",
    "data.norge.no/nlod/en/2.0": "NLOD-2.0",
    "apache.org/licenses/license-2.0": "Apache-2.0",
    "etalab.gouv.fr/licence-ouverte-open-licence": "etalab-2.0",  # Licence Ouverte 2.0 since 2017
    "etalab.gouv.fr/wp-content/uploads/2017/04/etalab-licence-ouverte-v2.0": "etalab-2.0",
}
# Licence ids of portals that are no SPDX or CKAN id (udata's, open.canada.ca's, bare names).
_PORTAL_IDS = {
    "odbl": "ODbL-1.0",
    "lov2": "etalab-2.0",
    "ca-ogl-lgo": "OGL-Canada-2.0",
    "apache": "Apache-2.0",
}
# "Datenlizenz Deutschland - Namensnennung - Version 2.0", as German portals name theirs.
_DL_DE_NAME = re.compile(r"datenlizenz deutschland\W+(namensnennung|zero)\W+version (\d\.\d)")
_DL_DE = {"namensnennung": "BY", "by": "BY", "zero": "ZERO"}

# Licence tables whose IRIs end in a licence's name: the EU Publications Office's (DCAT-AP's:
# .../licence/CC_BY_4_0, CC_BYNCND_3_0, ODC_BL, DL_BY_DE_2_0) and DCAT-AP.de's
# (.../licenses/dl-by-de/2.0, cc-by/4.0, cc-by-de/3.0, odbl). Version-less Creative Commons
# names (DCAT-AP.de's cc-by) are read as CKAN reads its own: the current version, 4.0.
_EU_TABLE = "publications.europa.eu/resource/authority/licence/"
_DE_TABLE = "dcat-ap.de/def/licenses/"
_TABLE_NAMES = {
    "cc0": "CC0-1.0", "cc-zero": "CC0-1.0", "odc-bl": "ODbL-1.0", "odbl": "ODbL-1.0",
    "odc-by": "ODC-By-1.0", "odby": "ODC-By-1.0", "odc-pddl": "PDDL-1.0", "odcpddl": "PDDL-1.0",
    "ccpdm": "CC-PDM-1.0", "cc-pdm": "CC-PDM-1.0", "dl-by": "DL-DE-BY", "dl-zero": "DL-DE-ZERO",
    "ogl": "OGL-UK",
}  # fmt: skip
# A table name's country, before its version (DCAT-AP.de: cc-by-de/3.0) or after (EU: _3_0_AT).
_COUNTRIES = {"at", "be", "ch", "cz", "de", "dk", "es", "fi", "fr", "ie", "igo", "it", "lu", "nl",
              "no", "pl", "pt", "se", "uk"}  # fmt: skip


def _authority_table(address: str) -> str:
    """The id for a licence of the EU's or DCAT-AP.de's licence table; "" for any other."""
    for table in (_EU_TABLE, _DE_TABLE):
        if table in address:
            tokens = [t for t in re.split(r"[-_/.]", address.split(table, 1)[1]) if t]
            break
    else:
        return ""
    country = tokens.pop() if tokens and tokens[-1] in _COUNTRIES else ""
    digits = []
    while tokens and tokens[-1].isdigit():
        digits.insert(0, tokens.pop())
    if not country and digits and tokens and tokens[-1] in _COUNTRIES:
        country = tokens.pop()
    version, stem = ".".join(digits[:2]), "-".join(tokens)
    if stem in _TABLE_NAMES:
        code = _TABLE_NAMES[stem]
        return (
            vocabularies.licence_canonical_id(
                code if code[-1].isdigit() or not version else f"{code}-{version}"
            )
            or ""
        )
    if stem.startswith("cc-"):
        kind = "-".join(re.findall(r"by|nc|nd|sa", stem[3:])).upper()
        candidates = [f"CC-{kind}-{version or '4.0'}"]
        if country:  # a port (CC BY 3.0 DE); 4.0 has none, so a "de" 4.0 is the licence itself
            candidates.insert(0, f"CC-{kind}-{version}-{country.upper()}")
        return next(filter(None, map(vocabularies.licence_canonical_id, candidates)), "")
    with_version = f"{stem}-{version}" if version else stem
    return vocabularies.licence_canonical_id(with_version) or spdx_for(stem) or ""


def licence_fields(value) -> dict:
    """`license` (an id Suchi recognises) and `license_text` (the source's words or URL, kept
    verbatim when they map to no id) for a licence as a feed states it."""
    if isinstance(value, dict):  # JSON-LD style {"@id": …} or {"url": …, "name": …}
        said = [value.get(k) for k in ("@id", "url", "name", "identifier")]
        said = [v.strip() for v in said if isinstance(v, str) and v.strip()]
        # The first that names a licence Suchi knows (Kaggle: a page of its own, and "MIT").
        value = next((v for v in said if licence_id(v)), said[0] if said else "")
    if not isinstance(value, str) or not value.strip():
        return {"license": "", "license_text": ""}
    if _TAG.search(value):  # a statement written in HTML (ArcGIS Hub): its text
        value = " ".join(BeautifulSoup(value, "html.parser").get_text(" ").split())
    # A sentence naming a licence's page ("Soumis à la licence Etalab : https://…"): the page.
    addresses = _ADDRESS.findall(value) if not _ADDRESS.fullmatch(value.strip()) else []
    code = next((c for c in map(licence_id, addresses) if c), "") or licence_id(value)
    return {"license": code, "license_text": "" if code else value.strip()[:500]}


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?>")
_ADDRESS = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")
