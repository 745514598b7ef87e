"""Licences as real catalogues write them become SPDX ids, or Suchi's documented LicenseRef-
ids for what SPDX does not list, or nothing when unknown (the caller keeps the source's words)."""

import pytest

from catalog.standards.licences import licence_id

EU = "http://publications.europa.eu/resource/authority/licence/"


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
        # The EU Publications Office's licence table (DCAT-AP's) and DCAT-AP.de's.
        (EU + "CC_BY_4_0", "CC-BY-4.0"),
        (EU + "CC_BYNCND_3_0", "CC-BY-NC-ND-3.0"),
        (EU + "CC_BY_3_0_AT", "CC-BY-3.0-AT"),
        (EU + "CC0", "CC0-1.0"),
        (EU + "ODC_BL", "ODbL-1.0"),
        (EU + "ODC_BY", "ODC-By-1.0"),
        (EU + "DL_BY_DE_2_0", "DL-DE-BY-2.0"),
        (EU + "APACHE_2_0", "Apache-2.0"),
        (EU + "COM_REUSE", ""),
        ("http://dcat-ap.de/def/licenses/dl-by-de/2.0", "DL-DE-BY-2.0"),
        ("https://www.dcat-ap.de/def/licenses/dl-zero-de/2.0", "DL-DE-ZERO-2.0"),
        ("http://dcat-ap.de/def/licenses/cc-by", "CC-BY-4.0"),
        ("http://dcat-ap.de/def/licenses/cc-by-de/3.0", "CC-BY-3.0-DE"),
        ("http://dcat-ap.de/def/licenses/cc-by-nc-de/4_0", "CC-BY-NC-4.0"),
        ("https://www.dcat-ap.de/def/licenses/odbl", "ODbL-1.0"),
        ("http://dcat-ap.de/def/licenses/other-closed", ""),
        ("https://creativecommons.org/licenses/by/3.0/de/", "CC-BY-3.0-DE"),
        ("https://choosealicense.com/licenses/odc-by/", "ODC-By-1.0"),
        ("http://www.opendefinition.org/licenses/odc-odbl", "ODbL-1.0"),
        ("https://data.norge.no/nlod/no/2.0", "NLOD-2.0"),
        ("https://www.govdata.de/dl-de/by-2-0", "DL-DE-BY-2.0"),
        ("Datenlizenz Deutschland \u2013 Namensnennung \u2013 Version 2.0", "DL-DE-BY-2.0"),
        # From an outside check of portals Suchi had not been tried on (udata, open.canada.ca,
        # ArcGIS Hub, Kaggle): their ids, pages and SPDX's own names.
        ("lov2", "etalab-2.0"),
        ("https://www.etalab.gouv.fr/licence-ouverte-open-licence", "etalab-2.0"),
        (
            "http://www.etalab.gouv.fr/pages/Licence_ouverte_Open_licence-5899923.html",
            "LicenseRef-Etalab-LO-1.0",
        ),
        ("fr-lo", "LicenseRef-Etalab-LO-1.0"),
        ("ca-ogl-lgo", "OGL-Canada-2.0"),
        ("odbl", "ODbL-1.0"),
        ("https://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"),
        ("Apache License 2.0", "Apache-2.0"),
        ("Open Government Licence v3.0", "OGL-UK-3.0"),
        ("MIT License", "MIT"),
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


def test_a_licence_statement_in_html_or_a_sentence_is_read_for_its_licence():
    """ArcGIS Hub writes its licence in HTML; many a source names the licence's page in a
    sentence. The tags were kept as the licence's words."""
    from catalog.standards.licences import licence_fields

    hub = (
        '<DIV STYLE="text-align:Left;"><DIV><P><SPAN>Soumis à la licence Etalab : '
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/</SPAN></P></DIV></DIV>"
    )
    assert licence_fields(hub) == {"license": "etalab-2.0", "license_text": ""}
    assert licence_fields("<p>Use it <b>freely</b></p>") == {
        "license": "",
        "license_text": "Use it freely",
    }
    sentence = "Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)."
    assert licence_fields(sentence)["license"] == "CC-BY-4.0"
    assert licence_fields("a < b and c > d")["license_text"] == "a < b and c > d"


def test_a_description_in_html_escaped_once_more_is_read_as_html():
    from catalog.standards.common import description

    said = "&lt;p&gt;Rain at every gauge, &lt;b&gt;daily&lt;/b&gt;.&lt;/p&gt;"
    assert description(said, 1000) == "Rain at every gauge, **daily**."
    assert description("Tom &amp; Jerry &lt;3", 1000) == "Tom &amp; Jerry &lt;3"  # no HTML


def test_only_datasets_are_read_from_a_schema_org_document():
    """A repository's own schema.org record (science-on-schema.org's data-repository example)
    or a DataCatalog without its `dataset` list was read as one dataset."""
    from catalog.standards.croissant import documents_in

    assert documents_in({"@type": ["Service", "Organization"], "name": "A repository"}) == []
    assert documents_in({"@type": "DataCatalog", "name": "A catalogue"}) == []
    assert len(documents_in({"@type": "sc:Dataset", "name": "d"})) == 1
    assert len(documents_in({"name": "untyped"})) == 1
    listed = {"@type": "DataCatalog", "dataset": [{"@type": "Dataset"}, {"@type": "Person"}]}
    assert documents_in(listed) == [{"@type": "Dataset"}]
