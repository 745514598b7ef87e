"""The metadata standards Suchi speaks, one module each with both directions where it has them:

| module | export (Suchi → others) | parse (others → Suchi) |
|---|---|---|
| `dcat` | DCAT-AP 3 graphs (Turtle, JSON-LD) | a DCAT graph's datasets (harvest) |
| `ckan` | CKAN's Action API answers | CKAN packages (harvest) |
| `datajson` | (issue #17: /data.json) | DCAT-US 1.1 records (harvest) |

`common` holds what every parser shares. Adding a standard is adding a module here, its entry
below, and a test file.
"""

from . import ckan, datajson, dcat

STANDARDS = {"dcat": dcat, "ckan": ckan, "datajson": datajson}

__all__ = ["STANDARDS", "ckan", "datajson", "dcat"]
