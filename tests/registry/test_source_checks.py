"""Checks that read the source: reachability, sample conformance, personal data, quality.

Every check is called by its registered name, so removing a check fails its tests.
"""

import hashlib
import json
import random
from pathlib import Path

import pytest

from registry.checks import CHECKS, CheckContext
from registry.checks.personal_data import find_kinds, verhoeff_check_digit, verhoeff_valid
from registry.quality import quality_score
from registry.services.snapshots import snapshot_normalise

from ..factories import dataset_payload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "datapackages"


def snapshot(**overrides) -> dict:
    return snapshot_normalise(dataset_payload(**overrides), known_distribution_ids=set())


def one_distribution(url: str, **fields) -> dict:
    return snapshot(distributions=[{"access_url": url, "media_type": "text/csv", **fields}])


def run(check: str, snap: dict, context: CheckContext | None = None) -> list:
    context = context or CheckContext(institution_slug="x", dataset_id="x")
    return list(CHECKS[check](snap, context))


def kinds(findings) -> list:
    return [(f.severity, f.detail.get("kind")) for f in findings]


def package_resource(package: str, name: str) -> tuple[bytes, dict]:
    descriptor = json.loads((FIXTURES / package / "datapackage.json").read_text())
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    return (FIXTURES / package / resource["path"]).read_bytes(), resource["schema"]


def aadhaar() -> str:
    body = str(random.randint(2, 9)) + "".join(random.choice("0123456789") for _ in range(10))
    return body + verhoeff_check_digit(body)


# --- source_url_safety ------------------------------------------------------------------------


def test_source_url_safety_flags_a_loopback_url_on_its_own():
    found = run("source_url_safety", one_distribution("http://127.0.0.1:9/x.csv"))
    assert kinds(found) == [("error", "unsafe")]
    assert found[0].field == "distributions[0].access_url"


def test_source_url_safety_passes_the_allow_listed_source():
    assert run("source_url_safety", snapshot()) == []


# --- reachability ------------------------------------------------------------------------------


def test_reachable_source_has_no_findings():
    assert run("reachability", snapshot()) == []


def test_missing_file_is_an_error(source_server):
    found = run("reachability", one_distribution(source_server.url("/nope.csv")))
    assert kinds(found) == [("error", "unreachable")]
    assert "HTTP 404" in found[0].message


def test_closed_port_is_unreachable(settings):
    from ..services import free_port

    port = free_port()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, f"127.0.0.1:{port}"]
    found = run("reachability", one_distribution(f"http://127.0.0.1:{port}/x.csv"))
    assert kinds(found) == [("error", "unreachable")]


def test_wrong_content_type_is_a_warning(source_server):
    url = source_server.serve("/page.csv", b"<html></html>", "text/html")
    found = run("reachability", one_distribution(url))
    assert kinds(found) == [("warning", "media_type")]
    assert "text/html" in found[0].message


def test_equivalent_content_types_agree(source_server):
    url = source_server.serve("/agree.csv", b"a\n1\n", "application/csv; charset=utf-8")
    assert run("reachability", one_distribution(url)) == []


def test_head_not_allowed_falls_back_to_a_ranged_get(source_server):
    def no_head(request):
        status = 405 if request.command == "HEAD" else 206
        request.send_response(status)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Content-Length", "1" if status == 206 else "0")
        request.end_headers()
        if request.command == "GET":
            request.wfile.write(b"a")

    url = source_server.handle("/nohead.csv", no_head)
    assert run("reachability", one_distribution(url)) == []


def test_consent_source_asking_for_credentials_is_expected(source_server):
    url = source_server.serve("/records", b"", "application/json", status=401)
    snap = one_distribution(url)
    snap["access_rights"], snap["contains_personal_data"], snap["license"] = "consent", True, ""
    assert kinds(run("reachability", snap)) == [("info", "gated")]


# --- sample_conformance ------------------------------------------------------------------------


def test_real_gdp_package_passes_its_table_schema(source_server):
    body, schema = package_resource("gdp", "gdp")
    url = source_server.serve("/gdp.csv", body)
    snap = one_distribution(url, schema=schema, checksum_sha256=hashlib.sha256(body).hexdigest())
    assert run("sample_conformance", snap) == []


def test_real_co2_package_fails_with_row_errors(source_server):
    body, schema = package_resource("co2-ppm", "co2-mm-mlo")
    url = source_server.serve("/co2.csv", body)
    found = run("sample_conformance", one_distribution(url, schema=schema))
    errors = [f for f in found if f.severity == "error"]
    assert len(errors) == 20  # the first 20, then a note that it stopped
    assert all(f.detail["kind"] == "schema" and f.detail["row"] for f in errors)
    assert errors[0].detail["type"] == "extra-cell"
    assert "row 2" in errors[0].message
    assert kinds(found)[-1] == ("info", None)


def test_wrong_checksum_is_an_error(source_server):
    found = run(
        "sample_conformance",
        one_distribution(source_server.url("/beds.csv"), checksum_sha256="0" * 64),
    )
    assert kinds(found) == [("error", "checksum")]


def test_right_checksum_and_size_pass(source_server):
    from ..sourceserver import BEDS_CSV

    snap = one_distribution(
        source_server.url("/beds.csv"),
        checksum_sha256=hashlib.sha256(BEDS_CSV).hexdigest(),
        byte_size=len(BEDS_CSV),
    )
    assert run("sample_conformance", snap) == []


def test_wrong_byte_size_is_a_warning(source_server):
    found = run("sample_conformance", one_distribution(source_server.url("/beds.csv"), byte_size=5))
    assert kinds(found) == [("warning", "byte_size")]


def test_checksum_of_a_file_larger_than_the_sample_is_not_claimed(source_server):
    url = source_server.serve("/big.csv", b"a,b\n" + b"1,2\n" * 400_000)
    found = run("sample_conformance", one_distribution(url, checksum_sha256="0" * 64))
    assert kinds(found) == [("info", None)]


def test_malformed_csv_gives_findings_not_a_crash(source_server):
    url = source_server.serve("/bad.csv", b'a,b\n"unterminated,1\n\xff\xfe,2\n')
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]}
    found = run("sample_conformance", one_distribution(url, schema=schema))
    assert found and all(f.severity in {"error", "info"} for f in found)


def test_invalid_schema_is_a_finding(source_server):
    schema = {"fields": [{"name": "a", "type": "no-such-type"}]}
    found = run(
        "sample_conformance", one_distribution(source_server.url("/beds.csv"), schema=schema)
    )
    assert kinds(found) == [("error", "schema_unusable")]


def test_schema_errors_never_quote_cell_values(source_server):
    secret = "SECRET-CELL-VALUE"
    url = source_server.serve("/typed.csv", f"n\n{secret}\n".encode())
    found = run(
        "sample_conformance",
        one_distribution(url, schema={"fields": [{"name": "n", "type": "integer"}]}),
    )
    assert found
    assert secret not in json.dumps([f.message for f in found] + [f.detail for f in found])


# --- personal_data -----------------------------------------------------------------------------


def test_verhoeff_numbers_are_built_and_recognised():
    random.seed(7)
    for _ in range(200):
        number = aadhaar()
        assert verhoeff_valid(number)
        assert find_kinds(number) == {"aadhaar": 1}
        assert find_kinds(f"{number[:4]} {number[4:8]} {number[8:]}") == {"aadhaar": 1}
        assert find_kinds(f"{number[:4]}-{number[4:8]}-{number[8:]}") == {"aadhaar": 1}


def test_random_twelve_digit_strings_mostly_do_not_match():
    random.seed(11)
    hits = sum(
        bool(find_kinds(str(random.randint(10**11, 10**12 - 1))).get("aadhaar"))
        for _ in range(5000)
    )
    assert hits < 600  # ≈ 1 in 10 pass the check digit by chance, and those starting 0-1 never


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ABCPE1234F", "pan"),
        ("+91 98450 12345", "mobile"),
        ("9845012345", "mobile"),
        ("asha.k@example.in", "email"),
    ],
)
def test_other_kinds_are_recognised(text, kind):
    assert find_kinds(f"contact: {text}") == {kind: 1}


@pytest.mark.parametrize(
    "text", ["2024-01-01", "3521418059.923445", "ABCDE", "Bengaluru Urban", "1200"]
)
def test_ordinary_values_are_not_personal_data(text):
    assert find_kinds(text) == {}


def test_open_dataset_leaking_aadhaar_numbers_is_flagged_by_column_without_values(source_server):
    random.seed(3)
    numbers = [aadhaar() for _ in range(15)]
    rows = "".join(f"Patient {n},{number},Mysuru\n" for n, number in enumerate(numbers))
    url = source_server.serve("/leak.csv", ("name,uid,district\n" + rows).encode())
    found = run("personal_data", one_distribution(url))
    assert kinds(found) == [("error", "personal_data")]
    assert found[0].detail == {
        "kind": "personal_data",
        "column": "uid",
        "pii": "aadhaar",
        "count": 15,
    }
    everything = json.dumps([f.message for f in found] + [f.detail for f in found])
    assert not any(number in everything for number in numbers)


def test_numeric_columns_of_a_schema_are_not_read_as_phone_numbers(source_server):
    url = source_server.serve("/amounts.csv", b"district,amount\nPune,9876543210\n")
    schema = {
        "fields": [{"name": "district", "type": "string"}, {"name": "amount", "type": "integer"}]
    }
    assert run("personal_data", one_distribution(url, schema=schema)) == []


def test_restricted_datasets_are_not_sampled(source_server):
    url = source_server.serve("/restricted.csv", b"phone\n9845012345\n")
    snap = one_distribution(url)
    snap["access_rights"] = "restricted"
    before = source_server.hits["/restricted.csv"]
    assert run("personal_data", snap) == []
    assert run("sample_conformance", snap) == []
    assert source_server.hits["/restricted.csv"] == before


# --- quality score -----------------------------------------------------------------------------


def test_complete_metadata_with_reachable_sources_scores_high():
    snap = snapshot(
        description="x" * 120,
        distributions=[
            {
                "access_url": dataset_payload()["distributions"][0]["access_url"],
                "media_type": "text/csv",
                "schema": {"fields": [{"name": "district"}]},
            }
        ],
    )
    result = quality_score(snap, [], modified_at=None)
    by_name = {c["name"]: c for c in result["criteria"]}
    assert sum(c["max"] for c in result["criteria"]) == 100
    assert not by_name["up_to_date"]["met"]  # daily data with no known update time
    assert result["score"] == 90


def test_bare_metadata_scores_low_and_says_why():
    snap = snapshot_normalise({"title": "t", "description": "short"}, known_distribution_ids=set())
    result = quality_score(snap, [])
    assert result["score"] == 0
    assert all(c["note"] for c in result["criteria"])


def test_unreachable_source_costs_the_reachability_points(source_server):
    from registry.checks import Finding

    snap = snapshot()
    ok = quality_score(snap, [])
    bad = quality_score(
        snap, [("reachability", Finding("error", "x", detail={"kind": "unreachable"}))]
    )
    assert ok["score"] - bad["score"] == 15
