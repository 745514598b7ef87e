"""CKAN's `q` and `fq` in Lucene syntax, read by package_search: each field and operator, and
what is refused (400, naming the parameter)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from catalog.ckan_params import SearchQueryError
from catalog.ckan_search import package_search
from catalog.search.lucene import solr_moment, wildcard_regex
from registry.models import Dataset

from .. import factories
from ..factories import make_institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    health = make_institution(slug="ka-health", name="Health Department")
    transport = make_institution(slug="bmtc", name="Transport Authority")
    factories.publish(
        health,
        slug="beds",
        title="District hospital bed occupancy",
        description="Occupied beds by ward.",
        keywords=["hospitals", "beds"],
    )
    factories.publish(
        health,
        slug="dengue",
        title="Dengue surveillance",
        description="Weekly dengue cases reported by district hospitals.",
        keywords=["dengue"],
        license="ODbL-1.0",
    )
    factories.publish(
        transport,
        slug="stops",
        title="Bus stops",
        description="Every bus stop in the city.",
        keywords=["bus stops"],
        themes=["TRAN"],
        license="CC0-1.0",
        distributions=[
            {
                "access_url": factories.source_url("/stops.geojson"),
                "media_type": "application/geo+json",
                "format": "GeoJSON",
            }
        ],
    )
    factories.publish(
        transport,
        slug="timetable",
        title="Bus timetable",
        description="Departure times of each route.",
        keywords=["buses", "timetable"],
        themes=["TRAN"],
    )
    return {d.slug: d for d in Dataset.objects.all()}


def names(**params) -> list[str]:
    result = package_search({"rows": 100, **params})
    assert result["count"] == len(result["results"])
    return sorted(p["name"].split("--")[1] for p in result["results"])


def test_a_field_query_in_q_matches_words_of_that_field_only(catalogue):
    # `hospital` is in dengue's notes, not its title; the stemmer finds `hospitals` as well.
    assert names(q="title:hospital") == ["beds"]
    assert names(q="notes:hospital") == ["dengue"]
    assert names(q="hospital") == ["beds", "dengue"]
    assert names(q='title:"bed occupancy"') == ["beds"]
    assert names(q='title:"occupancy bed"') == []
    assert names(q="title:hosp*") == ["beds"]


def test_and_or_not_and_negation(catalogue):
    assert names(q="title:bus AND title:stops") == ["stops"]
    assert names(q="title:bus title:stops") == ["stops"]  # implicit AND, as CKAN's Solr
    assert names(q="title:dengue OR title:stops") == ["dengue", "stops"]
    assert names(q="title:bus NOT title:stops") == ["timetable"]
    assert names(q="title:bus -title:stops") == ["timetable"]
    assert names(fq="-organization:bmtc") == ["beds", "dengue"]
    assert names(fq="NOT organization:bmtc") == ["beds", "dengue"]
    assert names(q="-dengue") == ["beds", "stops", "timetable"]


def test_parentheses_group(catalogue):
    assert names(q="(title:dengue OR title:stops) AND organization:bmtc") == ["stops"]
    assert names(q="title:dengue OR (title:stops AND organization:bmtc)") == ["dengue", "stops"]
    assert names(fq="organization:(bmtc OR ka-health) -tags:dengue") == [
        "beds",
        "stops",
        "timetable",
    ]
    # Free text inside a group goes through the full-text search too.
    assert names(q="(dengue OR timetable) organization:bmtc") == ["timetable"]


def test_each_ckan_field(catalogue):
    assert names(fq="name:bmtc--stops") == ["stops"]
    assert names(fq="name:bmtc--*") == ["stops", "timetable"]
    assert names(fq="name:nothing") == []
    assert names(fq='tags:"bus stops"') == ["stops"]
    assert names(fq="tags:bus*") == ["stops", "timetable"]
    assert names(fq="tags:bus") == []  # a tag is matched whole
    assert names(fq="organization:ka-health") == ["beds", "dengue"]
    assert names(fq="owner_org:bmtc") == ["stops", "timetable"]
    assert names(fq="groups:tran") == ["stops", "timetable"]
    assert names(fq="groups:heal") == ["beds", "dengue"]
    assert names(fq="res_format:geojson") == ["stops"]
    assert names(fq="res_format:CSV") == ["beds", "dengue", "timetable"]
    assert names(fq="res_format:Geo*") == ["stops"]
    assert names(fq=f"id:{catalogue['dengue'].pk}") == ["dengue"]
    assert names(fq="id:not-a-uuid") == []
    assert names(q="*:*") == ["beds", "dengue", "stops", "timetable"]
    assert names(fq="tags:*") == ["beds", "dengue", "stops", "timetable"]
    assert names(fq="+dataset_type:dataset +capacity:public +state:active") == [
        "beds",
        "dengue",
        "stops",
        "timetable",
    ]
    assert names(fq="dataset_type:harvest") == []


def test_licences_by_ckan_id_or_spdx_id(catalogue):
    assert names(fq="license_id:cc-by") == ["beds", "timetable"]
    assert names(fq="license_id:CC-BY-4.0") == ["beds", "timetable"]
    assert names(fq="license_id:cc-by-4.0") == ["beds", "timetable"]
    assert names(fq="license_id:odc-odbl") == ["dengue"]
    assert names(fq="license_id:cc-zero") == ["stops"]
    assert names(fq="license_id:notspecified") == []


def test_other_pd_means_every_public_domain_statement(catalogue):
    """CKAN's "Other (Public Domain)": an outside check found `license_id:other-pd` matching
    none of 333 CC-PDM-1.0 and 15 US public-domain records."""
    for slug, licence in (("beds", "CC-PDM-1.0"), ("dengue", "LicenseRef-US-Public-Domain")):
        Dataset.objects.filter(slug=slug).update(license=licence)
    Dataset.objects.filter(slug="stops").update(license="LicenseRef-Public-Domain")
    assert names(fq="license_id:other-pd") == ["beds", "dengue", "stops"]
    assert names(fq="license_id:CC-PDM-1.0") == ["beds"]
    assert names(fq="-license_id:other-pd") == ["timetable"]


def test_date_ranges_with_stars_and_now_date_math(catalogue):
    old = (timezone.now() - timedelta(days=40)).replace(microsecond=0)
    Dataset.objects.filter(slug__in=["beds", "dengue"]).update(
        modified_at=old, created_at=old - timedelta(days=30)
    )

    def solr(moment):
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    week_before, week_after = solr(old - timedelta(days=7)), solr(old + timedelta(days=7))
    assert names(fq=f"metadata_modified:[{week_before} TO {week_after}]") == ["beds", "dengue"]
    assert names(fq="metadata_modified:[NOW-1DAY TO *]") == ["stops", "timetable"]
    assert names(fq="metadata_modified:[* TO NOW-1DAY]") == ["beds", "dengue"]
    assert names(fq="metadata_modified:[NOW/DAY-39DAYS TO NOW]") == ["stops", "timetable"]
    assert names(fq=f"metadata_modified:{{{solr(old)} TO *]") == ["stops", "timetable"]
    assert names(fq=f"metadata_modified:[{solr(old)} TO *]") == [
        "beds",
        "dengue",
        "stops",
        "timetable",
    ]
    assert names(fq=f"metadata_modified:>{solr(old)}") == ["stops", "timetable"]
    assert names(fq=f"metadata_modified:<={solr(old)}") == ["beds", "dengue"]
    assert names(fq=f"metadata_modified:[{solr(old - timedelta(days=1))}+1DAY TO *]") == [
        "beds",
        "dengue",
        "stops",
        "timetable",
    ]
    assert names(fq=f"metadata_modified:[{solr(old - timedelta(days=1))}+2DAYS TO *]") == [
        "stops",
        "timetable",
    ]
    assert names(fq=f"metadata_created:[* TO {solr(old - timedelta(days=29))}]") == [
        "beds",
        "dengue",
    ]


def test_solr_date_math():
    now = datetime(2026, 3, 31, 15, 45, 30, 123456, tzinfo=UTC)

    def read(text):
        return solr_moment(text, now=now, parse_time=lambda t: None)

    assert read("NOW") == now
    assert read("NOW-1DAY") == now - timedelta(days=1)
    assert read("NOW+6HOURS") == now + timedelta(hours=6)
    assert read("NOW/DAY") == datetime(2026, 3, 31, tzinfo=UTC)
    assert read("NOW/MONTH+1MONTH") == datetime(2026, 4, 1, tzinfo=UTC)
    assert read("NOW-1MONTH") == datetime(2026, 2, 28, 15, 45, 30, 123456, tzinfo=UTC)
    assert read("NOW-1YEAR/YEAR") == datetime(2025, 1, 1, tzinfo=UTC)
    anchored = solr_moment(
        "2026-01-31T00:00:00Z+1MONTH",
        now=now,
        parse_time=lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")),
    )
    assert anchored == datetime(2026, 2, 28, tzinfo=UTC)
    with pytest.raises(ValueError):
        read("NOW-1FORTNIGHT")
    with pytest.raises(ValueError):
        read("yesterday")


def test_wildcards_become_anchored_regular_expressions():
    assert wildcard_regex("bmtc--*") == r"^bmtc\-\-.*$"
    assert wildcard_regex("b?s") == "^b.s$"
    assert wildcard_regex(r"a\*b*") == r"^a\*b.*$"


def test_fl_returns_only_the_fields_asked_for(catalogue):
    result = package_search({"q": "title:dengue", "fl": "id,name title access_rights"})
    assert result["results"] == [
        {
            "id": str(catalogue["dengue"].pk),
            "name": "ka-health--dengue",
            "title": "Dengue surveillance",
            "access_rights": "open",
        }
    ]
    assert package_search({"fl": ["name"], "rows": 1})["results"][0].keys() == {"name"}


def test_facets_count_what_the_field_queries_match(catalogue):
    result = package_search({"q": "organization:bmtc", "facet.field": '["groups"]'})
    assert result["count"] == 2
    assert result["facets"]["groups"] == {"tran": 2}


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"q": "num_tags:many"}, "q"),
        ({"fq": "num_resources:[one TO *]"}, "fq"),
        ({"q": "title:(hospital"}, "q"),
        ({"fq": "organization:bmtc AND"}, "fq"),
        ({"fq": 'tags:"unclosed'}, "fq"),
        ({"fq": "metadata_modified:[yesterday TO *]"}, "fq"),
        ({"fq": "metadata_modified:[NOW-1FORTNIGHT TO *]"}, "fq"),
        ({"fq": "title:[a TO b]"}, "fq"),
        ({"fq": "title:ho*al"}, "fq"),
        ({"q": "title:hospitl~1"}, "q"),
        ({"q": "title:/hosp.*/"}, "q"),
        ({"fq": "organization:a:b"}, "fq"),
        ({"fq_list": '["organization:bmtc", "title:(red"]'}, "fq_list"),
        ({"fq": "(" * 40 + "organization:bmtc" + ")" * 40}, "fq"),
        ({"q": "NOT " * 40 + "title:bus"}, "q"),
        ({"fq": "tags:" + "x" * 2000}, "fq"),
    ],
)
def test_unsupported_fields_and_syntax_errors_are_search_query_errors_naming_the_parameter(
    catalogue, params, param
):
    with pytest.raises(SearchQueryError) as error:
        package_search(params)
    assert str(error.value).startswith(f"{param}: ")


def test_a_q_without_a_field_that_is_no_lucene_query_is_searched_as_words(catalogue):
    # CKAN gives such a q to Solr's dismax parser, which takes any text.
    assert names(q="dengue (weekly") == ["dengue"]
    assert names(q='"bed occupancy') == ["beds"]  # an unclosed quote runs to the end


def test_fq_list_filters_like_fq(catalogue):
    assert names(fq_list=["organization:bmtc", "-tags:timetable"]) == ["stops"]
