"""The validator (issue #24, "validate anyone's DCAT") on real and generated catalogues: the GSA,
DHS and Energy data.json files (DCAT-US 1.1 schemas), and a generated DCAT-AP catalogue of
10,000 datasets (pyshacl with the DCAT-AP 3.0.1 shapes). Each is checked through
validate_document, child process and all, three times; printed: medians, sizes, result counts,
and the cost of the child process itself on a tiny document.

    make bench PYTEST_ARGS="-k validator"     # SUCHI_BENCH_VALIDATOR_N=10000 by default
"""

import os
import resource
import statistics
import time
from pathlib import Path

import pytest
from rdflib import Graph

from catalog import validator
from catalog.validator import shacl

pytestmark = pytest.mark.benchmark

DATAJSON = Path(__file__).resolve().parents[1] / "fixtures" / "datajson"
RUNS = 3
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def dcat_ap_catalogue(count: int) -> bytes:
    """A DCAT-AP 3 catalogue in Turtle: `count` datasets with one distribution each, every
    tenth dataset without its mandatory dct:description (so count/10 violations)."""
    base = "https://data.example.in"
    datasets = ", ".join(f"<{base}/d/{n}>" for n in range(count))
    parts = [
        PREFIXES,
        f'<{base}/agent> a foaf:Agent ; foaf:name "Department of Examples" .\n',
        f'<{base}/catalog> a dcat:Catalog ; dct:title "Generated"@en ;\n'
        f'  dct:description "For the validator benchmark."@en ; dct:publisher <{base}/agent> ;\n'
        f"  dcat:dataset {datasets} .\n",
    ]
    for n in range(count):
        described = "" if n % 10 == 0 else f' dct:description "Dataset number {n}."@en ;'
        parts.append(
            f'<{base}/d/{n}> a dcat:Dataset ; dct:title "Dataset {n}"@en ;{described}\n'
            f'  dct:identifier "d-{n}" ; dct:publisher <{base}/agent> ; dcat:keyword "k{n % 50}"@en ;\n'
            f'  dct:issued "2024-01-01"^^xsd:date ; dcat:distribution <{base}/d/{n}/csv> .\n'
            f"<{base}/d/{n}/csv> a dcat:Distribution ; dcat:accessURL <{base}/f/{n}.csv> .\n"
        )
    return "".join(parts).encode()


def _timed(raw: bytes, media_type: str) -> tuple[float, validator.Report]:
    started = time.perf_counter()
    report = validator.validate_document(raw, media_type)
    return time.perf_counter() - started, report


def _median_run(raw: bytes, media_type: str) -> tuple[float, list[float], validator.Report]:
    runs = [_timed(raw, media_type) for _ in range(RUNS)]
    times = [seconds for seconds, _ in runs]
    return statistics.median(times), times, runs[-1][1]


def test_validator_on_real_data_json_and_a_generated_dcat_ap_catalogue(settings):
    settings.SUCHI_VALIDATOR_SECONDS = 1800
    settings.SUCHI_VALIDATOR_MAX_BYTES = 512 * 1024 * 1024
    print(f"\nnproc {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at the start")

    tiny = b'<https://data.example.in/d/1> <http://purl.org/dc/terms/title> "x" .\n'
    shacl.shapes()
    inline = []
    for _ in range(20):
        started = time.perf_counter()
        shacl.check_document(tiny, "turtle")
        inline.append(time.perf_counter() - started)
    forked = [_timed(tiny, "text/turtle")[0] for _ in range(20)]  # as every request does
    print(
        f"tiny Turtle document, median of 20: in-process {statistics.median(inline) * 1000:.1f} ms,"
        f" in a child process {statistics.median(forked) * 1000:.1f} ms"
    )

    for name in ("gsa.json", "dhs.json", "energy.json"):
        raw = (DATAJSON / name).read_bytes()
        median, times, report = _median_run(raw, "application/json")
        print(
            f"{name}: {len(raw):,} bytes, {report.violations} violations; "
            f"median {median:.2f} s of {', '.join(f'{t:.2f}' for t in times)}"
        )
        assert report.standard == "DCAT-US 1.1"

    count = int(os.environ.get("SUCHI_BENCH_VALIDATOR_N", "10000"))
    raw = dcat_ap_catalogue(count)
    sample = Graph().parse(data=dcat_ap_catalogue(100), format="turtle")
    ratios = {fmt: len(sample.serialize(format=fmt).encode()) / len(dcat_ap_catalogue(100))
              for fmt in ("xml", "json-ld")}  # fmt: skip
    median, times, report = _median_run(raw, "text/turtle")
    print(
        f"generated DCAT-AP, {count:,} datasets: {len(raw):,} bytes of Turtle "
        f"(RDF/XML {ratios['xml']:.1f}x, JSON-LD {ratios['json-ld']:.1f}x that size), "
        f"{report.violations} violations; median {median:.1f} s of "
        f"{', '.join(f'{t:.1f}' for t in times)}"
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest child process: {peak:.0f} MB resident; load average "
          f"{os.getloadavg()[0]:.2f} at the end")  # fmt: skip
    assert report.violations == report.total == count // 10
