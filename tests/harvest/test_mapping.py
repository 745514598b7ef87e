"""Licences as real catalogues write them become SPDX ids, or Suchi's documented LicenseRef-
ids for what SPDX does not list, or nothing when unknown (the caller keeps the source's words)."""

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
        ("https://www.usa.gov/government-works", "LicenseRef-US-Government-Work"),
        ("http://usa.gov/government-works/", "LicenseRef-US-Government-Work"),
        ("http://www.usa.gov/publicdomain/label/1.0/", "LicenseRef-US-Public-Domain"),
        ("http://creativecommons.org/publicdomain/zero/1.0", "CC0-1.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0"),
        ("http://creativecommons.org/publicdomain/mark/1.0/other-pd", "CC-PDM-1.0"),
        ("https://creativecommons.org/publicdomain/mark/1.0/", "CC-PDM-1.0"),
        ("https://creativecommons.org/licenses/by/4.0/deed.en", "CC-BY-4.0"),
        ("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ("Creative Commons Attribution Non-Commercial 4.0 International", "CC-BY-NC-4.0"),
        ("Public Domain", "LicenseRef-Public-Domain"),
        ("This dataset is in the public domain.", "LicenseRef-Public-Domain"),
        ("https://data.gov.in/government-open-data-license-india", "LicenseRef-GODL-India"),
        ("Government Open Data License - India", "LicenseRef-GODL-India"),
        ("NDSAP", "LicenseRef-NDSAP-India"),
        ("other-pd", "LicenseRef-Public-Domain"),
        ("See terms of use", ""),
        ("https://project-open-data.cio.gov/unknown-license/", ""),
        ("https://example.org/our-own-licence", ""),
        (["not", "a", "string"], ""),
        ("", ""),
        (None, ""),
    ],
)
def test_licences_map_to_spdx_ids(given, expected):
    assert licence_id(given) == expected
