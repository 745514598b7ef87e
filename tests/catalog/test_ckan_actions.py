"""The CKAN actions beyond search, through the real `ckanapi` client against a live server:
organization and group lists (sort, limit, offset, all_fields), group_show, tag_show,
resource_show, resource_search, current_package_list_with_resources and the autocompletes."""

import pytest
import requests
from ckanapi import NotFound, RemoteCKAN, ValidationError

from .. import factories
from ..factories import make_institution

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server):
    health = make_institution(slug="ka-health", name="Health Department")
    transport = make_institution(slug="bmtc", name="Transport Authority")
    archive = make_institution(slug="archive", name="An Archive")
    beds = factories.publish(
        health,
        slug="beds",
        title="District hospital bed occupancy",
        keywords=["hospitals", "beds"],
    )
    factories.publish(health, slug="dengue", title="Dengue surveillance", keywords=["dengue"])
    stops = factories.publish(
        transport,
        slug="stops",
        title="Bus stops",
        keywords=["bus stops"],
        themes=["TRAN"],
        distributions=[
            {
                "title": "Stops (GeoJSON)",
                "access_url": factories.source_url("/stops.geojson"),
                "media_type": "application/geo+json",
                "format": "GeoJSON",
            },
            {
                "title": "Stops (CSV)",
                "access_url": factories.source_url("/stops.csv"),
                "format": "CSV",
            },
        ],
    )
    return {
        "ckan": RemoteCKAN(live_server.url, user_agent="suchi-tests"),
        "url": live_server.url,
        "beds": beds,
        "stops": stops,
        "archive": archive,
    }


def test_organization_list_sorts_pages_and_counts(site):
    ckan = site["ckan"]
    assert ckan.action.organization_list() == ["archive", "bmtc", "ka-health"]
    assert ckan.action.organization_list(sort="name desc") == ["ka-health", "bmtc", "archive"]
    # By title: An Archive, Health Department, Transport Authority.
    assert ckan.action.organization_list(sort="title") == ["archive", "ka-health", "bmtc"]
    assert ckan.action.organization_list(sort="package_count desc") == [
        "ka-health",
        "bmtc",
        "archive",
    ]
    assert ckan.action.organization_list(sort="name asc", limit=1, offset=1) == ["bmtc"]
    orgs = ckan.action.organization_list(all_fields=True, sort="package_count desc")
    assert [(o["name"], o["package_count"]) for o in orgs] == [
        ("ka-health", 2),
        ("bmtc", 1),
        ("archive", 0),
    ]
    assert orgs[0]["title"] == "Health Department"
    with pytest.raises(ValidationError):
        ckan.action.organization_list(sort="colour asc")


def test_group_list_sorts_pages_and_counts(site):
    ckan = site["ckan"]
    groups = ckan.action.group_list(all_fields=True, sort="package_count desc", limit=2)
    assert [(g["name"], g["package_count"]) for g in groups] == [("heal", 2), ("tran", 1)]
    names = ckan.action.group_list()
    assert names == sorted(names) and {"heal", "tran"} <= set(names)
    titles = [g["title"] for g in ckan.action.group_list(all_fields=True, sort="title desc")]
    assert titles == sorted(titles, key=str.casefold, reverse=True)
    assert ckan.action.group_list(offset=1, limit=1) == names[1:2]


def test_group_show_and_tag_show(site):
    ckan = site["ckan"]
    group = ckan.action.group_show(id="tran", include_datasets=True)
    assert (group["name"], group["package_count"], group["is_organization"]) == ("tran", 1, False)
    assert [p["name"] for p in group["packages"]] == ["bmtc--stops"]
    assert "packages" not in ckan.action.group_show(id="heal")
    tag = ckan.action.tag_show(id="bus stops", include_datasets=True)
    assert (tag["name"], tag["vocabulary_id"]) == ("bus stops", None)
    assert [p["name"] for p in tag["packages"]] == ["bmtc--stops"]
    for action, params in (
        ("group_show", {"id": "nope"}),
        ("tag_show", {"id": "no-such-tag"}),
        ("resource_show", {"id": "00000000-0000-0000-0000-000000000000"}),
        ("resource_show", {"id": "not-a-uuid"}),
    ):
        with pytest.raises(NotFound):
            ckan.call_action(action, params)


def test_resource_show_and_search(site):
    ckan = site["ckan"]
    geojson = site["stops"].distributions.get(format="GeoJSON")
    resource = ckan.action.resource_show(id=str(geojson.pk))
    assert resource["package_id"] == str(site["stops"].pk)
    assert (resource["format"], resource["name"], resource["position"]) == (
        "GeoJSON",
        "Stops (GeoJSON)",
        0,
    )
    found = ckan.action.resource_search(query="format:CSV")
    assert found["count"] == 3  # beds' and dengue's CSV, and the stops' CSV
    assert all(r["format"] == "CSV" for r in found["results"])
    both = ckan.action.resource_search(query=["format:csv", "name:stops"])
    assert [r["name"] for r in both["results"]] == ["Stops (CSV)"]
    paged = ckan.action.resource_search(query="format:csv", limit=1, offset=1)
    assert paged["count"] == 3 and len(paged["results"]) == 1
    with pytest.raises(ValidationError):
        ckan.action.resource_search(query="colour:blue")
    with pytest.raises(ValidationError):
        ckan.action.resource_search(query="csv")
    with pytest.raises(ValidationError):
        ckan.action.resource_search()


def test_current_package_list_with_resources_pages_newest_first(site):
    ckan = site["ckan"]
    everything = ckan.action.current_package_list_with_resources()
    assert [p["name"] for p in everything] == [
        "bmtc--stops",
        "ka-health--dengue",
        "ka-health--beds",
    ]
    assert len(everything[0]["resources"]) == 2
    page = ckan.action.current_package_list_with_resources(limit=1, offset=1)
    assert [p["name"] for p in page] == ["ka-health--dengue"]
    assert [
        p["name"] for p in ckan.action.current_package_list_with_resources(limit=1, page=3)
    ] == ["ka-health--beds"]


def test_package_and_format_autocomplete(site):
    ckan = site["ckan"]
    assert ckan.action.package_autocomplete(q="bmtc") == [
        {
            "name": "bmtc--stops",
            "title": "Bus stops",
            "match_field": "name",
            "match_displayed": "bmtc--stops",
        }
    ]
    by_title = ckan.action.package_autocomplete(q="dis")
    assert by_title == [
        {
            "name": "ka-health--beds",
            "title": "District hospital bed occupancy",
            "match_field": "title",
            "match_displayed": "District hospital bed occupancy (ka-health--beds)",
        }
    ]
    assert len(ckan.action.package_autocomplete(q="ka-health", limit=1)) == 1
    assert ckan.action.format_autocomplete(q="s") == ["csv", "geojson"]  # CSV is used most
    assert ckan.action.format_autocomplete(q="geo") == ["geojson"]
    assert ckan.action.format_autocomplete(q="s", limit=1) == ["csv"]
    with pytest.raises(ValidationError):
        ckan.action.package_autocomplete()


def test_a_bad_q_or_fq_is_a_400_in_ckans_shape_naming_the_parameter(site):
    for params, name in (
        ({"q": "num_tags:many"}, "q"),
        ({"fq": "organization:(bmtc"}, "fq"),
        ({"fq": "metadata_modified:[soon TO *]"}, "fq"),
    ):
        response = requests.get(
            f"{site['url']}/api/3/action/package_search", params=params, timeout=10
        )
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["success"] is False
        assert body["error"]["__type"] == "Search Query Error"
        assert body["error"]["message"].startswith(f"Search Query Error: {name}: ")
