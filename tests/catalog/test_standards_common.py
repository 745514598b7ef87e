"""The vocabulary mappings every parse side shares (catalog/standards/common.py): general rules,
not a table of the catalogues we happen to have."""

import pytest

from catalog.standards.common import (
    bounded_fields,
    bounding_box,
    iso_date,
    keywords,
    state_codes,
    temporal_range,
    themes_and_keywords,
)
from catalog.standards.licences import licence_fields
from registry import vocabularies


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://creativecommons.org/publicdomain/zero/1.0", "CC0-1.0"),
        ("https://www.creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0"),
        ("https://creativecommons.org/publicdomain/mark/1.0/", "CC-PDM-1.0"),
        ("http://creativecommons.org/licenses/by-sa/4.0/deed.en", "CC-BY-SA-4.0"),
        ("Creative Commons Attribution 4.0", "CC-BY-4.0"),
        ("CC BY-NC 4.0", "CC-BY-NC-4.0"),
        ("cc-by", "CC-BY-4.0"),
        ("odc-odbl", "ODbL-1.0"),
        ("MIT", "MIT"),
        ("https://spdx.org/licenses/Apache-2.0.html", "Apache-2.0"),
        ("https://www.usa.gov/government-works/", "LicenseRef-US-Government-Work"),
        ("http://www.usa.gov/publicdomain/label/1.0/", "LicenseRef-US-Public-Domain"),
        ("Public Domain", "LicenseRef-Public-Domain"),
        ("https://data.gov.in/government-open-data-license-india", "LicenseRef-GODL-India"),
        ("Government Open Data License - India", "LicenseRef-GODL-India"),
        ("NDSAP", "LicenseRef-NDSAP-India"),
        ({"@id": "https://creativecommons.org/licenses/by/4.0/"}, "CC-BY-4.0"),
    ],
)
def test_licences_map_to_ids(value, expected):
    assert licence_fields(value) == {"license": expected, "license_text": ""}


@pytest.mark.parametrize(
    "value", ["See terms of use", "https://example.org/terms", "Licence: ask us", "अनुमति आवश्यक"]
)
def test_a_licence_that_maps_to_nothing_is_kept_verbatim(value):
    assert licence_fields(value) == {"license": "", "license_text": value}


@pytest.mark.parametrize("value", ["", "   ", None, 7, [], {}])
def test_no_licence_is_no_licence(value):
    assert licence_fields(value) == {"license": "", "license_text": ""}


@pytest.mark.parametrize(
    ("themes", "words", "codes", "kept"),
    [
        (["Health"], [], ["HEAL"], []),
        (["Energy & Environment"], [], ["ENER", "ENVI"], []),
        (["Travel and Transportation"], [], ["TRAN"], []),
        (["स्वास्थ्य"], [], ["HEAL"], []),
        (["http://publications.europa.eu/resource/authority/data-theme/AGRI"], [], ["AGRI"], []),
        (["AGRI"], [], ["AGRI"], []),
        (["Card Services Program"], [], [], ["Card Services Program"]),
        ([], ["broadband", "purchase card", "unknown words"], ["TECH", "ECON"], []),
        ([], ["hospital beds"], [], []),  # keywords match whole terms only
        ("Education", [], ["EDUC"], []),  # a single string, not a list
        ([3, None, {"a": 1}], [], [], []),
    ],
)
def test_themes_map_through_the_terms_table(themes, words, codes, kept):
    got_codes, got_words = themes_and_keywords(themes, words)
    assert got_codes == codes
    for word in kept:
        assert word in got_words
    for word in words:
        assert word in got_words


def test_an_unmatched_theme_is_never_crowded_out_by_keywords():
    codes, words = themes_and_keywords(["Nothing known"], [f"k{n}" for n in range(500)])
    assert codes == [] and words[0] == "Nothing known" and len(words) == 50


def test_keywords_are_distinct_bounded_and_accept_a_string():
    assert keywords("a, b ,A,, c") == ["a", "b", "c"]
    assert keywords(["x" * 300]) == ["x" * 100]
    assert keywords(None) == [] and keywords({"a": 1}) == []


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("2014", False, "2014-01-01"),
        ("2014", True, "2014-12-31"),
        ("2016-02", True, "2016-02-29"),
        ("2014-12", True, "2014-12-31"),
        ("2014-05-07T10:00:00Z", False, "2014-05-07"),
        ("2014-13", False, None),
        ("soon", False, None),
    ],
)
def test_iso_dates(value, end, expected):
    assert iso_date(value, end=end) == expected


def test_temporal_ranges():
    assert temporal_range("2014-05") == {"start": "2014-05-01", "end": "2014-05-31"}
    assert temporal_range("2020-01-01/..") == {"start": "2020-01-01", "end": None}
    assert temporal_range("R/P1Y") == {"start": None, "end": None}
    assert temporal_range(None) == {"start": None, "end": None}


def test_places():
    assert bounding_box("-124.7,24.5,-66.9,49.4") == [-124.7, 24.5, -66.9, 49.4]
    assert bounding_box("1,2,3") is None and bounding_box("a,b,c,d") is None
    assert bounding_box([0, 100, 1, 101]) is None  # not on the globe
    polygon = {"type": "Polygon", "coordinates": [[[72, 18], [73, 18], [73, 19], [72, 19]]]}
    assert bounding_box(polygon) == [72.0, 18.0, 73.0, 19.0]
    assert state_codes("Maharashtra; IN-KA, महाराष्ट्र") == ["MH", "KA"]
    assert state_codes("United States") == []


def test_source_fields_are_bounded():
    fields = {"small": "x", "huge": "y" * 100_000, "nested": {"a": [1, 2]}}
    kept = bounded_fields(fields, limit=1000)
    assert kept == {"small": "x", "nested": {"a": [1, 2]}, "_cut": ["huge"]}


@pytest.mark.parametrize(
    ("licence", "use"),
    [
        ("CC0-1.0", "public-domain"),
        ("CC-PDM-1.0", "public-domain"),
        ("LicenseRef-US-Government-Work", "public-domain"),
        ("CC-BY-4.0", "attribution"),
        ("LicenseRef-GODL-India", "attribution"),
        ("ODC-By-1.0", "attribution"),
        ("CC-BY-SA-4.0", "share-alike"),
        ("ODbL-1.0", "share-alike"),
        ("CC-BY-NC-4.0", "non-commercial"),
        ("CC-BY-NC-SA-4.0", "non-commercial"),
        ("CC-BY-ND-4.0", "no-derivatives"),
        ("CC-BY-NC-ND-4.0", "no-derivatives"),
        ("", "ask"),
        ("No-Such-Licence", "ask"),
    ],
)
def test_each_licence_is_classified_for_ai_training(licence, use):
    assert vocabularies.ai_training(licence)["code"] == use
