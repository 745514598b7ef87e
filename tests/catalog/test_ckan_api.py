"""The CKAN Action API, exercised with the real `ckanapi` client against a live server."""

import json

import pytest
import requests
from ckanapi import NotFound, RemoteCKAN, SearchQueryError, ValidationError

from registry.services import Actor, dataset_withdraw

from .. import factories
from ..factories import make_institution

pytestmark = pytest.mark.django_db(transaction=True)


def publish(institution, **overrides):
    overrides.setdefault("description", f"About {overrides['title'].lower()}.")
    return factories.publish(institution, **overrides)


@pytest.fixture
def ckan(live_server):
    health = make_institution(slug="ka-health", name="Health Department")
    transport = make_institution(slug="bmtc", name="Transport Authority")
    publish(
        health, slug="beds", title="District hospital bed occupancy", keywords=["hospitals", "beds"]
    )
    publish(
        health, slug="dengue", title="Dengue surveillance", keywords=["dengue"], license="ODbL-1.0"
    )
    publish(
        transport,
        slug="stops",
        title="Bus stops",
        keywords=["bus stops"],
        themes=["TRAN"],
        distributions=[
            {
                "access_url": "https://x.example/s.geojson",
                "media_type": "application/geo+json",
                "format": "GeoJSON",
            }
        ],
    )
    return RemoteCKAN(live_server.url, user_agent="suchi-tests")


def test_ckanapi_searches_with_filters_and_facets(ckan):
    result = ckan.action.package_search(q="hospital")
    assert result["count"] == 1
    package = result["results"][0]
    assert package["name"] == "ka-health--beds"
    assert package["organization"]["name"] == "ka-health"
    assert {t["name"] for t in package["tags"]} == {"hospitals", "beds"}
    assert package["resources"][0]["format"] == "CSV"

    everything = ckan.action.package_search(
        rows=2,
        start=0,
        **{"facet.field": '["organization","tags","res_format","license_id","groups"]'},
    )
    assert everything["count"] == 3 and len(everything["results"]) == 2
    assert everything["facets"]["organization"] == {"ka-health": 2, "bmtc": 1}
    assert everything["search_facets"]["res_format"]["items"][0]["count"] >= 1
    rest = ckan.action.package_search(rows=2, start=2)
    assert len(rest["results"]) == 1

    by_org = ckan.action.package_search(fq="organization:bmtc")
    assert [p["name"] for p in by_org["results"]] == ["bmtc--stops"]
    by_tag = ckan.action.package_search(fq='tags:"bus stops" +dataset_type:dataset')
    assert by_tag["count"] == 1
    assert ckan.action.package_search(fq="license_id:ODbL-1.0")["count"] == 1
    assert ckan.action.package_search(fq="res_format:GeoJSON groups:tran")["count"] == 1


def test_ckanapi_shows_and_lists(ckan):
    package = ckan.action.package_show(id="ka-health--dengue")
    assert package["title"] == "Dengue surveillance"
    assert ckan.action.package_show(id=package["id"])["name"] == "ka-health--dengue"
    assert sorted(ckan.action.package_list()) == [
        "bmtc--stops",
        "ka-health--beds",
        "ka-health--dengue",
    ]
    assert ckan.action.organization_list() == ["bmtc", "ka-health"]
    orgs = ckan.action.organization_list(all_fields=True)
    assert {o["name"]: o["package_count"] for o in orgs} == {"bmtc": 1, "ka-health": 2}
    assert ckan.action.organization_show(id="bmtc")["title"] == "Transport Authority"
    assert "heal" in ckan.action.group_list()
    assert "dengue" in ckan.action.tag_list()
    assert any(
        lic["id"] == "CC-BY-4.0" and lic["od_conformance"] == "approved"
        for lic in ckan.action.license_list()
    )
    assert ckan.action.status_show()["ckan_version"].startswith("2.")


def test_ckan_error_types_map_to_ckanapi_exceptions(ckan):
    with pytest.raises(NotFound):
        ckan.action.package_show(id="00000000-0000-0000-0000-000000000000")
    with pytest.raises(NotFound):
        ckan.action.package_show(id="nobody--nothing")
    with pytest.raises(NotFound):
        ckan.action.organization_show(id="nope")
    with pytest.raises(ValidationError):
        ckan.action.package_show()
    with pytest.raises(SearchQueryError):
        ckan.action.package_search(sort="popularity desc")
    with pytest.raises(SearchQueryError):
        ckan.action.package_search(fq="num_tags:blue")


def test_ckanapi_sorts_as_ckans_own_pages_do(ckan):
    """CKAN's sort menu (`title_string asc|desc`, `metadata_modified desc`, `views_recent
    desc`) and Solr's comma-separated fields; an outside check found all but three refused."""

    def names(sort, **params):
        return [p["name"] for p in ckan.action.package_search(sort=sort, **params)["results"]]

    # "Bus stops", "Dengue surveillance", "District hospital bed occupancy"
    by_title = ["bmtc--stops", "ka-health--dengue", "ka-health--beds"]
    assert names("title_string asc") == by_title
    assert names("title_string desc") == by_title[::-1]
    assert names("name desc") == ["ka-health--dengue", "ka-health--beds", "bmtc--stops"]
    newest_first = names("metadata_modified desc")
    assert names("metadata_modified asc") == newest_first[::-1]
    assert names("metadata_created desc, title_string asc") == newest_first
    assert names("views_recent desc") == newest_first  # no views counted: the default order
    assert sorted(names("score desc, title_string desc", q="bus OR dengue")) == [
        "bmtc--stops",
        "ka-health--dengue",
    ]
    with pytest.raises(SearchQueryError, match="'popularity desc'"):
        ckan.action.package_search(sort="title_string asc, popularity desc")
    with pytest.raises(SearchQueryError):
        ckan.action.package_search(sort="title_string upward")


def test_rows_are_clamped_and_both_url_prefixes_answer(ckan, live_server):
    response = requests.get(
        f"{live_server.url}/api/3/action/package_search", params={"rows": 5000}, timeout=10
    )
    body = response.json()
    assert response.status_code == 200 and body["success"] is True
    assert body["help"].endswith("help_show?name=package_search")
    unknown = requests.get(f"{live_server.url}/api/3/action/no_such_action", timeout=10)
    assert unknown.status_code == 400
    assert unknown.json()["success"] is False
    missing = requests.get(
        f"{live_server.url}/api/3/action/package_show", params={"id": "x--y"}, timeout=10
    )
    assert (missing.status_code, missing.json()["error"]["__type"]) == (404, "Not Found Error")
    bad = requests.get(
        f"{live_server.url}/api/action/package_search", params={"sort": "nope"}, timeout=10
    )
    assert (bad.status_code, bad.json()["error"]["__type"]) == (400, "Search Query Error")


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("package_search", {"start": 10**19}),
        ("package_search", {"facet.field": '["tags"]', "facet.limit": 10**30}),
        ("package_list", {"offset": 10**19}),
        ("package_list", {"limit": 10**30}),
    ],
)
def test_integers_beyond_solrs_range_are_a_validation_error_naming_them(
    ckan, live_server, action, params
):
    # They used to reach the database's OFFSET/LIMIT and overflow it: a 500.
    response = requests.get(f"{live_server.url}/api/3/action/{action}", params=params, timeout=10)
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert set(error) - {"__type", "message"} == set(params) - {"facet.field"}


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("package_search", '{"rows": 1e999}'),
        ("package_search", '{"start": -1e999}'),
        ("package_search", '{"rows": 2.5}'),
        ("package_list", '{"limit": 1e999}'),
        ("current_package_list_with_resources", '{"page": 1e999}'),
        ("organization_list", '{"limit": 1e999}'),
        ("group_list", '{"offset": 1e999}'),
    ],
)
def test_a_number_no_integer_can_hold_is_a_validation_error(ckan, live_server, action, body):
    # 1e999 in a JSON body is an infinite float: int() of it overflowed, a 500 (outside probe).
    response = requests.post(
        f"{live_server.url}/api/3/action/{action}",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["__type"] == "Validation Error"
    assert list(json.loads(body)) == [k for k in error if k not in {"__type", "message"}]
    assert "Invalid integer" in json.dumps(error)


@pytest.mark.parametrize("facet_field", ["[", '["colour"]'])
def test_a_bad_facet_field_is_a_search_query_error_naming_it(ckan, live_server, facet_field):
    # The message said neither which parameter was wrong (found by the search state machine).
    response = requests.get(
        f"{live_server.url}/api/3/action/package_search",
        params={"facet.field": facet_field},
        timeout=10,
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["__type"] == "Search Query Error" and "facet.field" in error["message"]


def test_nul_in_ckan_parameters_is_a_validation_error(ckan, live_server):
    for action, params in (
        ("package_search", {"q": "a\x00b"}),
        ("package_show", {"id": "x\x00--y"}),
        ("package_search", {"fq": "organization:a\x00"}),
    ):
        response = requests.get(
            f"{live_server.url}/api/3/action/{action}", params=params, timeout=10
        )
        assert response.status_code == 409, (action, response.content)
        assert response.json()["error"]["__type"] == "Validation Error"


def test_field_queries_in_q_filter_as_solr_would(ckan):
    assert ckan.action.package_search(q="organization:bmtc")["count"] == 1
    assert ckan.action.package_search(q='tags:"bus stops"')["count"] == 1
    both = ckan.action.package_search(q="surveillance organization:ka-health")
    assert [p["name"] for p in both["results"]] == ["ka-health--dengue"]
    assert ckan.action.package_search(q="*:*")["count"] == 3
    # An unknown field is refused, as Solr refuses an undefined field.
    assert ckan.action.package_search(q="colour:blue")["count"] == 0  # no such field: nothing


def test_tag_list_names_each_published_keyword_once_and_filters_by_query(ckan):
    publish(
        make_institution(slug="more"), slug="beds-2", title="Beds again", keywords=["Beds", "beds"]
    )
    gone = publish(make_institution(slug="gone"), slug="old", title="Old", keywords=["old-tag"])
    dataset_withdraw(dataset=gone, actor=Actor.system("t"))
    tags = ckan.action.tag_list()
    assert tags == sorted(tags) and len(tags) == len(set(tags))
    assert {"hospitals", "beds", "Beds", "dengue", "bus stops"} <= set(tags)
    assert "old-tag" not in tags
    assert ckan.action.tag_list(query="BED") == ["Beds", "beds"]


def test_ckanapi_pages_suchi_the_way_ckans_own_harvester_does(ckan):
    """ckanext-harvest's CKANHarvester gathers with `sort=id asc` (400 before), and an
    incremental run adds `fq=metadata_modified:[<last run>Z TO *]` (400 before)."""
    from datetime import UTC, datetime, timedelta

    from registry.models import Dataset

    gathered, start = [], 0
    while True:
        page = ckan.action.package_search(rows=2, start=start, sort="id asc")
        if not page["results"]:
            break
        gathered += [p["id"] for p in page["results"]]
        start += 2
    assert gathered == sorted(gathered) and len(gathered) == page["count"] == 3

    old = datetime.now(UTC) - timedelta(days=30)
    Dataset.objects.exclude(slug="stops").update(modified_at=old)
    since = (old + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.%f")
    changed = ckan.action.package_search(
        fq=f"metadata_modified:[{since}Z TO *]", sort="id asc", rows=1000
    )
    assert [p["title"] for p in changed["results"]] == ["Bus stops"]
    everything = ckan.action.package_search(fq="metadata_modified:[2000-01-01T00:00:00Z TO *]")
    assert everything["count"] == 3
    with pytest.raises(SearchQueryError):
        ckan.action.package_search(fq="metadata_modified:[not-a-time TO *]")


def test_ckanapi_filters_on_the_fields_ckans_own_index_has(ckan):
    """Fields real CKAN indexes (and clients written for it send) were refused as unknown."""

    def names(fq):
        return sorted(p["name"] for p in ckan.action.package_search(fq=fq)["results"])

    everything = ["bmtc--stops", "ka-health--beds", "ka-health--dengue"]
    assert names("num_resources:[1 TO *]") == everything
    assert names("num_resources:0") == []
    assert names("num_tags:2") == ["ka-health--beds"]
    assert names("num_tags:[2 TO *]") == ["ka-health--beds"]
    assert names("num_tags:{* TO 2}") == ["bmtc--stops", "ka-health--dengue"]
    assert names('res_url:"https://x.example/s.geojson"') == ["bmtc--stops"]
    assert names("res_url:*geojson") == ["bmtc--stops"]
    assert names('author:"Transport Authority"') == ["bmtc--stops"]
    assert names("type:dataset") == everything
    assert names("extras_access_rights:open") == everything
    # A field no dataset has matches nothing, as Solr's catch-all field does in CKAN.
    assert names("site_id:default") == []
    assert names("-no_such_field:x") == everything
    with pytest.raises(SearchQueryError):
        ckan.action.package_search(fq="num_tags:many")


def test_ckanapi_gets_ckans_answers_to_the_small_actions(ckan):
    tags = ckan.action.tag_list(all_fields=True)
    assert {"id": "beds", "name": "beds", "vocabulary_id": None} in tags
    assert ckan.action.tag_list() == sorted(t["name"] for t in tags)
    licences = {lic["id"] for lic in ckan.action.license_list()}
    assert {"notspecified", "CC-BY-4.0"} <= licences  # every license_id a package shows
    assert ckan.action.site_read() is True
    assert ckan.action.vocabulary_list() == []
    quiet = ckan.action.package_search(facet="false", **{"facet.field": '["organization"]'})
    assert (quiet["count"], quiet["facets"], quiet["search_facets"]) == (3, {}, {})


def test_package_list_streams_every_name_and_pages_a_short_list(ckan, live_server, settings):
    """Outside probe: every name was built in memory at once (a gigabyte for eight requests at
    300,000 datasets). A long list now streams; ckanapi reads it as before."""
    names = ["bmtc--stops", "ka-health--beds", "ka-health--dengue"]
    assert ckan.action.package_list() == names  # all of them, in CKAN's order
    response = requests.get(f"{live_server.url}/api/3/action/package_list", timeout=10)
    assert response.headers["Content-Type"] == "application/json"
    assert "Content-Length" not in response.headers  # streamed
    assert response.json()["result"] == names
    assert ckan.action.package_list(limit=5000, offset=1) == names[1:]
    assert ckan.action.package_list(limit=1, offset=1) == names[1:2]  # a short page


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("num_resources:99999999999999999999", 0),
        ("num_tags:-99999999999999999999", 3),  # Lucene: NOT that many tags, so every one
        ("num_resources:[99999999999999999999 TO *]", 0),
    ],
)
def test_counts_past_any_integer_are_answered_not_a_crash(ckan, live_server, q, found):
    """Outside probe: SQLite could not hold them (OverflowError, a 500)."""
    response = requests.get(
        f"{live_server.url}/api/3/action/package_search", params={"q": q}, timeout=10
    )
    assert response.status_code == 200, response.content
    assert response.json()["result"]["count"] == found


def test_a_body_nested_past_the_limit_is_a_ckan_validation_error(ckan, live_server):
    """Outside probe: 100,000 nested brackets crashed the JSON parser (RecursionError, a 500)."""
    response = requests.post(
        f"{live_server.url}/api/3/action/package_search",
        data="[" * 100_000 + "]" * 100_000,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["__type"] == "Validation Error"


@pytest.mark.parametrize(
    "q", ["num_resources:[-1 TO 5]", "num_tags:{* TO -9}", "metadata_modified:[-1 TO *]"]
)
def test_a_range_bound_lucene_reads_as_not_is_a_search_query_error(ckan, live_server, q):
    """Outside probe: `-1` in a range is Lucene's NOT; the query crashed (a 500)."""
    response = requests.get(
        f"{live_server.url}/api/3/action/package_search", params={"q": q}, timeout=10
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["__type"] == "Search Query Error"


def test_words_with_a_filter_that_matches_nothing_find_nothing(ckan, live_server):
    """Found by the search state machine: words (ranked by relevance) and an fq known to match
    nothing (a field no dataset has) made Django refuse to compile the ranking window: a 500."""
    response = requests.get(
        f"{live_server.url}/api/3/action/package_search",
        params={"fq": "colour:blue", "q": "zorb or quix"},
        timeout=10,
    )
    assert response.status_code == 200, response.content
    assert response.json()["result"]["count"] == 0
