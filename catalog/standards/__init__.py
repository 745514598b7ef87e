"""The metadata standards Suchi speaks, one module each with both directions where it has them:

| module | export (Suchi → others) | parse (others → Suchi) |
|---|---|---|
| `dcat` | DCAT-AP 3 graphs (Turtle, JSON-LD) | a DCAT graph's datasets (harvest) |
| `ckan` | CKAN's Action API answers | CKAN packages (harvest) |
| `datajson` | DCAT-US 1.1 (/data.json, streamed) | DCAT-US 1.1 records (harvest) |
| `croissant` | MLCommons Croissant 1.1 JSON-LD (/datasets/<id>/croissant.jsonld) | — |
| `schemaorg` | schema.org `Dataset` JSON-LD in the dataset pages | — |

`common` holds what every parser shares. Adding a standard is adding a module here, its entry
below, and a test file.
"""

from . import ckan, croissant, datajson, dcat, schemaorg

STANDARDS = {
    "dcat": dcat,
    "ckan": ckan,
    "datajson": datajson,
    "croissant": croissant,
    "schemaorg": schemaorg,
}

__all__ = ["STANDARDS", "ckan", "croissant", "datajson", "dcat", "schemaorg"]
