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


def spdx_for(ckan_id: str) -> str | None:
    """The SPDX id for a CKAN licence id (`cc-by` → `CC-BY-4.0`), None if CKAN has no such id."""
    return CKAN_TO_SPDX.get(ckan_id.strip().lower())


def ckan_for(spdx_id: str) -> str | None:
    """CKAN's licence id for an SPDX id (`CC-BY-4.0` → `cc-by`), None if CKAN lists none."""
    return SPDX_TO_CKAN.get(spdx_id)
