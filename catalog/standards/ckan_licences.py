"""CKAN's licence ids (its default licence list) and the SPDX ids Suchi stores, both ways."""

CKAN_TO_SPDX = {
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
SPDX_TO_CKAN = {spdx: ckan for ckan, spdx in CKAN_TO_SPDX.items()}
# CKAN's "Other (Public Domain)" covers every public-domain statement Suchi keeps apart: a
# CKAN client filtering `license_id:other-pd` means them all.
CKAN_FAMILIES = {
    "other-pd": ("LicenseRef-Public-Domain", "CC-PDM-1.0", "LicenseRef-US-Public-Domain"),
}


def spdx_for(ckan_id: str) -> str | None:
    """The SPDX id for a CKAN licence id (`cc-by` → `CC-BY-4.0`), None if CKAN has no such id."""
    return CKAN_TO_SPDX.get(ckan_id.strip().lower())


def spdx_family(ckan_id: str) -> tuple[str, ...]:
    """Every id Suchi stores that a CKAN licence id means: `other-pd` → each public-domain
    statement; any other CKAN id → its one SPDX id; () if CKAN has no such id."""
    key = ckan_id.strip().lower()
    if key in CKAN_FAMILIES:
        return CKAN_FAMILIES[key]
    return (CKAN_TO_SPDX[key],) if key in CKAN_TO_SPDX else ()


def ckan_for(spdx_id: str) -> str | None:
    """CKAN's licence id for an SPDX id (`CC-BY-4.0` → `cc-by`), None if CKAN lists none."""
    return SPDX_TO_CKAN.get(spdx_id)
