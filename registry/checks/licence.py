"""Licence: a known SPDX id, and an open licence for open data."""

from collections.abc import Iterator

from .. import vocabularies
from .base import CheckContext, Finding, Severity, check


@check("licence")
def licence(snapshot: dict, context: CheckContext) -> Iterator[Finding]:
    value = snapshot["license"]
    if not value and snapshot.get("license_text"):
        yield Finding(
            severity=Severity.ERROR,
            message=f"Licence not recognised (field `license_text`): {snapshot['license_text']!r} "
            "is kept as the source states it, but it is no SPDX licence id and none of Suchi's "
            "documented LicenseRef- ids, so readers cannot tell the terms at a glance. Give the "
            "SPDX id in `license` (e.g. CC-BY-4.0).",
            field="license_text",
            detail={"kind": "licence_not_recognised", "license_text": snapshot["license_text"]},
        )
        return
    if not value:
        return  # reported by metadata_completeness
    lic = vocabularies.licences().get(value)
    if lic is None:
        yield Finding(
            severity=Severity.ERROR,
            message=f"Unknown licence {value!r} (field `license`): use an SPDX licence id "
            "such as CC-BY-4.0.",
            field="license",
        )
        return
    if lic.deprecated:
        yield Finding(
            severity=Severity.WARNING,
            message=f"Licence id {value!r} is deprecated in the SPDX list (field `license`).",
            field="license",
        )
    if snapshot["access_rights"] == "open" and not lic.is_open:
        yield Finding(
            severity=Severity.ERROR,
            message=f"Open datasets need an open licence; {lic.id} ({lic.name}) is not one "
            "(field `license`). Try CC-BY-4.0, CC0-1.0 or ODbL-1.0.",
            field="license",
            detail={"license": lic.id},
        )
