"""Each check alone, on plain snapshots."""

import copy

import pytest

from registry.checks import CHECKS, CheckContext, run_checks
from registry.services.snapshots import snapshot_normalise

from ..factories import dataset_payload

CONTEXT = CheckContext(institution_slug="ka-health", dataset_id="x")


def snapshot(**overrides) -> dict:
    return snapshot_normalise(dataset_payload(**overrides), known_distribution_ids=set())


def findings(check: str, snap: dict) -> list:
    return list(CHECKS[check](snap, CONTEXT))


def test_registry_has_the_first_two_checks():
    assert {"licence", "metadata_completeness"} <= set(CHECKS)


def test_complete_snapshot_has_no_findings():
    assert run_checks(snapshot(), CONTEXT) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"description": " "}, "description"),
        ({"license": ""}, "license"),
        ({"contact_point": {"name": "x", "email": ""}}, "contact_point.email"),
        ({"themes": []}, "themes"),
        ({"distributions": []}, "distributions"),
        ({"distributions": [{"access_url": "", "format": "CSV"}]}, "distributions[0].access_url"),
        ({"distributions": [{"access_url": "https://x.example/a"}]}, "distributions[0].media_type"),
        ({"contains_personal_data": True}, "contains_personal_data"),
    ],
)
def test_missing_mandatory_metadata_is_an_error_naming_the_field(overrides, field):
    found = findings("metadata_completeness", snapshot(**overrides))
    assert [(f.severity, f.field) for f in found] == [("error", field)]
    assert f"`{field}`" in found[0].message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"keywords": []}, "keywords"),
        ({"temporal": {"start": None}}, "temporal"),
        ({"spatial": {}}, "spatial"),
        ({"update_frequency": ""}, "update_frequency"),
        ({"languages": []}, "languages"),
    ],
)
def test_missing_recommended_metadata_is_a_warning(overrides, field):
    found = findings("metadata_completeness", snapshot(**overrides))
    assert [(f.severity, f.field) for f in found] == [("warning", field)]


def test_consent_datasets_need_no_licence():
    snap = snapshot(access_rights="consent", contains_personal_data=True, license="")
    assert findings("metadata_completeness", snap) == []
    assert findings("licence", snap) == []


@pytest.mark.parametrize(
    "licence", ["CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "PDDL-1.0", "OGL-UK-3.0", "MIT"]
)
def test_open_licences_pass_for_open_data(licence):
    assert findings("licence", snapshot(license=licence)) == []


@pytest.mark.parametrize("licence", ["CC-BY-NC-4.0", "CC-BY-ND-4.0", "CC-BY-NC-SA-4.0"])
def test_closed_licence_on_open_data_is_an_error(licence):
    found = findings("licence", snapshot(license=licence))
    assert [(f.severity, f.field) for f in found] == [("error", "license")]
    assert "open licence" in found[0].message


def test_closed_licence_is_fine_for_restricted_data():
    assert findings("licence", snapshot(license="CC-BY-NC-4.0", access_rights="restricted")) == []


def test_unknown_licence_is_an_error():
    # The API refuses these at input; harvested metadata reaches the check unfiltered.
    found = findings("licence", snapshot(license="Government-Open-Data-Licence"))
    assert [(f.severity, f.field) for f in found] == [("error", "license")]


def test_deprecated_spdx_id_is_a_warning():
    found = findings("licence", snapshot(license="GPL-3.0"))
    assert [(f.severity, f.field) for f in found] == [("warning", "license")]


def test_checks_do_not_modify_the_snapshot():
    snap = snapshot(title="")
    before = copy.deepcopy(snap)
    run_checks(snap, CONTEXT)
    assert snap == before
