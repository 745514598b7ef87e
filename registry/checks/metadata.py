"""Metadata completeness: DCAT-AP 3 mandatory properties, plus what Suchi requires."""

from collections.abc import Iterator

from .base import CheckContext, Finding, Severity, check


def _missing(field: str, label: str, why: str, severity: str = Severity.ERROR) -> Finding:
    return Finding(
        severity=severity,
        message=f"Missing {label} (field `{field}`): {why}",
        field=field,
        detail={"missing": field},
    )


# Long: one condition per required or recommended DCAT-AP property.
@check("metadata_completeness")
def metadata_completeness(snapshot: dict, context: CheckContext) -> Iterator[Finding]:
    # DCAT-AP 3 mandatory properties of dcat:Dataset.
    if not snapshot["title"].strip():
        yield _missing("title", "title", "DCAT-AP requires dct:title.")
    if not snapshot["description"].strip():
        yield _missing("description", "description", "DCAT-AP requires dct:description.")

    # Suchi's own requirements: a reader must know the terms, whom to ask, what it is about and
    # where to get it.
    # Consent-access records are released on the terms of each consent artefact, not a licence.
    stated = snapshot["license"] or snapshot.get("license_text")
    if not stated and snapshot["access_rights"] != "consent":
        yield _missing(
            "license",
            "licence",
            "open and restricted datasets must state their licence (an SPDX id).",
        )
    if not snapshot["contact_point"].get("email"):
        yield _missing(
            "contact_point.email", "contact e-mail", "readers need someone to ask about the data."
        )
    if not snapshot["themes"]:
        yield _missing("themes", "theme", "choose at least one sector theme.")
    if not snapshot["distributions"]:
        yield _missing(
            "distributions", "distribution", "say where the data can be obtained at its source."
        )

    for index, dist in enumerate(snapshot["distributions"]):
        where = f"distributions[{index}]"
        if not dist["access_url"]:
            yield Finding(
                severity=Severity.ERROR,
                message=f"Missing access URL (field `{where}.access_url`): DCAT-AP requires "
                "dcat:accessURL on every distribution.",
                field=f"{where}.access_url",
                distribution_id=dist["id"],
                detail={"missing": f"{where}.access_url"},
            )
        if not dist["media_type"] and not dist["format"]:
            yield Finding(
                severity=Severity.ERROR,
                message=f"Missing media type or format (field `{where}.media_type`): readers "
                "must know what they will receive.",
                field=f"{where}.media_type",
                distribution_id=dist["id"],
                detail={"missing": f"{where}.media_type"},
            )

    if snapshot["access_rights"] == "open" and snapshot["contains_personal_data"]:
        yield Finding(
            severity=Severity.ERROR,
            message="An open dataset cannot contain personal data (field "
            "`contains_personal_data`): make it `consent` or `restricted`, or remove the data.",
            field="contains_personal_data",
        )

    # DCAT-AP recommended properties: their absence does not block publication.
    recommended = [
        ("keywords", "keywords", bool(snapshot["keywords"])),
        ("temporal", "temporal coverage", bool(snapshot["temporal"].get("start"))),
        (
            "spatial",
            "spatial coverage",
            bool(
                snapshot["spatial"].get("states")
                or snapshot["spatial"].get("districts")
                or snapshot["spatial"].get("bbox")
            ),
        ),
        ("update_frequency", "update frequency", bool(snapshot["update_frequency"])),
        ("languages", "language", bool(snapshot["languages"])),
    ]
    for field, label, present in recommended:
        if not present:
            yield _missing(field, label, "recommended by DCAT-AP.", severity=Severity.WARNING)
