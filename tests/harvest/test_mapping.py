"""Licences as real catalogues write them become SPDX ids (or nothing, when unknown)."""

import pytest

from catalog.standards.common import licence_id


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("CC-BY-4.0", "CC-BY-4.0"),
        ("cc-by", "CC-BY-4.0"),
        ("odc-odbl", "ODbL-1.0"),
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("http://creativecommons.org/licenses/by-sa/3.0/", "CC-BY-SA-3.0"),
        ("https://creativecommons.org/licenses/by-nc/4.0/legalcode", "CC-BY-NC-4.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("https://opendatacommons.org/licenses/odbl/1-0/", "ODbL-1.0"),
        ("https://spdx.org/licenses/MIT.html", "MIT"),
        ("https://spdx.org/licenses/CC-BY-4.0", "CC-BY-4.0"),
        ("https://www.usa.gov/government-works", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_licences_map_to_spdx_ids(given, expected):
    assert licence_id(given) == expected
