"""GET /api/v1/datasets: search, filters, facets, sorting, cursors. Runs on SQLite and PostgreSQL
alike (the suite's database decides the backend)."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from catalog.search.sqlite import TOKENIZER, ensure_index
from registry.models import Dataset
from registry.services import Actor, dataset_register

from ..factories import dataset_payload, make_institution, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    health = make_institution(slug="ka-health", name="Health Department")
    transport = make_institution(slug="bmtc", name="Transport Authority")
    made = {
        "beds": publish(
            health,
            slug="beds",
            title="District hospital bed occupancy",
            keywords=["hospitals", "beds"],
            themes=["HEAL"],
            spatial={"states": ["KA"]},
        ),
        "dengue": publish(
            health,
            slug="dengue",
            title="Dengue weekly surveillance",
            description="Suspected and confirmed dengue cases by district, weekly.",
            keywords=["dengue", "vector-borne disease"],
            themes=["HEAL"],
            license="ODbL-1.0",
        ),
        "hindi": publish(
            health,
            slug="hindi",
            title="जिला अस्पताल बिस्तर उपलब्धता",
            description="हर जिला अस्पताल में बिस्तरों की दैनिक उपलब्धता।",
            keywords=["अस्पताल"],
            themes=["HEAL"],
            languages=["hi"],
        ),
        "stops": publish(
            transport,
            slug="stops",
            title="Bus stops of Bengaluru",
            description="Every bus stop with its location and shelter.",
            keywords=["bus stops", "public transport"],
            themes=["TRAN", "REGI"],
            spatial={"states": ["KA"]},
            distributions=[
                {
                    "access_url": "https://x.example/s.geojson",
                    "media_type": "application/geo+json",
                    "format": "GeoJSON",
                }
            ],
        ),
        "fares": publish(
            transport,
            slug="fares",
            title="Fare table",
            description="Fares between stages.",
            keywords=["fares"],
            themes=["TRAN"],
            license="CC0-1.0",
            access_rights="restricted",
            spatial={"states": ["MH"]},
        ),
    }
    # Not published: never listed.
    dataset_register(
        institution=health,
        data=dataset_payload(slug="draft", title="Hospital draft"),
        actor=Actor.system("t"),
    )
    return made


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [d["slug"] for d in response.json()["results"]]


def test_lists_only_published_datasets_newest_first(client_anon, catalogue):
    body = client_anon.get("/api/v1/datasets").json()
    assert body["count"] == 5
    assert "draft" not in [d["slug"] for d in body["results"]]
    assert body["results"][0]["slug"] == "fares"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("hospital", {"beds"}),  # stemmed: matches "hospital" and "hospitals"
        ("hospitals", {"beds"}),
        ("dengue", {"dengue"}),
        ("DENGUE district", {"dengue"}),
        ('"bus stop"', {"stops"}),
        ("bus -fares", {"stops"}),
        ("dengue or fares", {"dengue", "fares"}),
        ("अस्पताल", {"hindi"}),
        ("बिस्तर", {"hindi"}),
        ("nothing-like-this", set()),
    ],
)
def test_full_text_search(client_anon, catalogue, q, expected):
    assert set(slugs(client_anon.get("/api/v1/datasets", {"q": q}))) == expected


def test_title_matches_rank_above_description_matches(client_anon, catalogue, db):
    health = catalogue["beds"].institution
    publish(health, slug="mention", title="Annual report", description="Mentions dengue once.")
    assert slugs(client_anon.get("/api/v1/datasets", {"q": "dengue"}))[0] == "dengue"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"institution": "bmtc"}, {"stops", "fares"}),
        ({"theme": "HEAL"}, {"beds", "dengue", "hindi"}),
        ({"theme": "TRAN,REGI"}, {"stops"}),
        ({"license": "ODbL-1.0"}, {"dengue"}),
        ({"access": "restricted"}, {"fares"}),
        ({"format": "geojson"}, {"stops"}),
        ({"keyword": "dengue"}, {"dengue"}),
        ({"state": "KA"}, {"beds", "stops", "dengue", "hindi"}),
        ({"state": "MH"}, {"fares"}),
        ({"q": "bus", "institution": "ka-health"}, set()),
        ({"institution": ["ka-health", "bmtc"], "theme": "TRAN"}, {"stops", "fares"}),
        # Codes in another case (the CKAN API writes themes as `heal`): they found nothing.
        ({"theme": "heal"}, {"beds", "dengue", "hindi"}),
        ({"license": "odbl-1.0"}, {"dengue"}),
        ({"state": "mh"}, {"fares"}),
        ({"access": "Restricted"}, {"fares"}),
    ],
)
def test_filters(client_anon, catalogue, params, expected):
    assert set(slugs(client_anon.get("/api/v1/datasets", params))) == expected


def test_modified_since(client_anon, catalogue):
    Dataset.objects.filter(slug="fares").update(modified_at=timezone.now() + timedelta(days=2))
    since = (timezone.now() + timedelta(days=1)).date().isoformat()
    assert slugs(client_anon.get("/api/v1/datasets", {"modified_since": since})) == ["fares"]
    assert client_anon.get("/api/v1/datasets", {"modified_since": "last week"}).status_code == 400
    assert client_anon.get("/api/v1/datasets", {"modified_since": "2026-13-45"}).status_code == 400


@pytest.mark.parametrize(
    "since",
    [
        # Valid ISO 8601, but outside the years 1 to 9999 once in UTC, the database's zone:
        # these were a 500 (found by tests/catalog/test_search_state_machine.py).
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "2026-02-30",
        "2026-01-01T00:00:00+99:00",
    ],
)
def test_a_modified_since_no_database_can_store_is_a_400_naming_it(client_anon, catalogue, since):
    response = client_anon.get("/api/v1/datasets", {"modified_since": since})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["modified_since"]
    page = client_anon.get("/datasets", {"modified_since": since})
    assert page.status_code == 400 and b"<code>modified_since</code>" in page.content


def test_facets_count_the_matching_datasets(client_anon, catalogue):
    facets = client_anon.get("/api/v1/datasets", {"theme": "HEAL"}).json()["facets"]
    assert set(facets) == {
        "institution",
        "theme",
        "license",
        "format",
        "access",
        "keyword",
        "ml_ready",
    }
    assert facets["institution"] == [
        {"value": "ka-health", "label": "Health Department", "count": 3}
    ]
    assert {"value": "HEAL", "label": "Health", "count": 3} in facets["theme"]
    assert {
        "value": "CC-BY-4.0",
        "label": "Creative Commons Attribution 4.0 International",
        "count": 2,
    } in facets["license"]
    assert facets["format"] == [{"value": "CSV", "label": "CSV", "count": 3}]
    assert facets["access"] == [{"value": "open", "label": "Open", "count": 3}]
    assert {"value": "dengue", "label": "dengue", "count": 1} in facets["keyword"]


def test_sort_by_title_and_unknown_sort(client_anon, catalogue):
    titles = [
        d["title"] for d in client_anon.get("/api/v1/datasets", {"sort": "title"}).json()["results"]
    ]
    assert titles == sorted(titles)
    for unknown in ("popularity", ""):  # `sort=` is no order either: the schema's enum lacks ""
        response = client_anon.get("/api/v1/datasets", {"sort": unknown})
        assert response.status_code == 400
        assert "sort" in response.json()["errors"]
    # Relevance without words orders nothing: newest first, as without a sort.
    newest = slugs(client_anon.get("/api/v1/datasets"))
    assert slugs(client_anon.get("/api/v1/datasets", {"sort": "relevance"})) == newest
    assert slugs(client_anon.get("/api/v1/datasets", {"sort": "relevance", "q": "!!"})) == newest


@pytest.mark.parametrize("sort", ["-modified", "title", "relevance"])
def test_cursor_pages_walk_every_result_once(client_anon, catalogue, sort):
    params = {"page_size": 2, "sort": sort}
    if sort == "relevance":
        params["q"] = "hospital or dengue or bus or fares or अस्पताल"
    seen, url, pages = [], "/api/v1/datasets", 0
    response = client_anon.get(url, params)
    while True:
        body = response.json()
        seen += [d["slug"] for d in body["results"]]
        pages += 1
        if not body["next"] or pages > 10:
            break
        response = client_anon.get(body["next"])
        assert response.status_code == 200
    assert len(seen) == len(set(seen)) == body["count"] == 5
    assert pages == 3
    back = [d["slug"] for d in client_anon.get(body["previous"]).json()["results"]]
    if sort == "relevance":
        # Equal ranks are common; going back among ties keeps the set, not always the order.
        assert len(back) == 2 and set(back) <= set(seen)
    else:
        assert back == seen[2:4]


@pytest.mark.parametrize(
    "cursor", ["bm90LWEtY3Vyc29y", "%%%", "cD0yMDI2", "eyJ4IjoxfQ", "AAAA" * 50]
)
def test_forged_or_truncated_cursor_is_a_400(client_anon, catalogue, cursor):
    response = client_anon.get("/api/v1/datasets", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_a_cursor_handed_back_with_another_sort_is_a_400_naming_it(client_anon, catalogue):
    # Its position (a title) was compared with the relevance rank: a 500 on both backends
    # (found by tests/catalog/test_search_state_machine.py).
    first = client_anon.get("/api/v1/datasets", {"sort": "title", "page_size": 1}).json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    for params in ({"q": "hospital"}, {"sort": "-modified"}, {"q": "hospital", "sort": "title"}):
        response = client_anon.get("/api/v1/datasets", {**params, "cursor": cursor})
        if params.get("sort") == "title":
            assert response.status_code == 200  # the same order: another search may go on
            continue
        assert response.status_code == 400, (params, response.content)
        assert list(response.json()["errors"]) == ["cursor"]
        page = client_anon.get("/datasets", {**params, "cursor": cursor})
        assert page.status_code == 400 and b"<code>cursor</code>" in page.content


def test_page_size_is_clamped_and_validated(client_anon, catalogue):
    assert len(slugs(client_anon.get("/api/v1/datasets", {"page_size": 1_000_000_000}))) == 5
    assert client_anon.get("/api/v1/datasets", {"page_size": 0}).status_code == 400
    assert client_anon.get("/api/v1/datasets", {"page_size": "many"}).status_code == 400


def test_a_ten_kilobyte_query_is_a_400(client_anon, catalogue):
    response = client_anon.get("/api/v1/datasets", {"q": "a" * 10_000})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


@pytest.mark.parametrize(
    "q",
    [
        "hospital & | ! ( ) : *",
        "hospital*",
        "title:hospital",
        '"unbalanced',
        'a"b"c"',
        "'; DROP TABLE registry_dataset; --",
        "NEAR(a b)",
        "^hospital",
        "-",
        "--",
        "or",
        "OR OR",
        "<->",
        "!!",
        "🙂 hospital",
        "अस्पताल*",
        "x" * 499,
        "%",
        "_",
        "\\",
        "{}[]",
    ],
)
def test_query_syntax_never_breaks_search(client_anon, catalogue, q):
    response = client_anon.get("/api/v1/datasets", {"q": q})
    assert response.status_code in {200, 400}, response.content
    assert Dataset.objects.count() == 6


# Both backends read a query as PostgreSQL's websearch_to_tsquery does. SQLite's reading used to
# differ in these (found by tests/catalog/test_search_state_machine.py).
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # `or` separates alternatives, each an AND of words: (hospital AND dengue) OR fares.
        ("hospital dengue or fares", {"fares"}),
        ("dengue weekly OR fares", {"dengue", "fares"}),
        # Only -words: everything without them.
        ("-hospital -dengue", {"hindi", "stops", "fares"}),
        ("fares or -bus", {"beds", "dengue", "hindi", "fares"}),
        # A dash inside a word is no exclusion.
        ("vector-borne", {"dengue"}),
    ],
)
def test_queries_mean_what_websearch_to_tsquery_says(client_anon, catalogue, q, expected):
    assert set(slugs(client_anon.get("/api/v1/datasets", {"q": q}))) == expected


def test_a_piece_of_a_title_finds_it_whatever_its_dashes_and_marks(client_anon, institution):
    publish(institution, slug="covid", title="Covid-19 doses by district", description="Doses.")
    publish(institution, slug="ecole", title="E\u0301cole enrolment", description="Pupils.")
    for q, slug in (
        ("covid-19", "covid"),
        ('"covid-19', "covid"),
        ("(Covid-19),", "covid"),
        ("e\u0301cole", "ecole"),  # e + a combining acute accent
    ):
        assert slugs(client_anon.get("/api/v1/datasets", {"q": q})) == [slug], q


def test_a_keyword_in_any_script_finds_its_dataset(client_anon, institution):
    # SQLite indexed keywords as stored, JSON with every non-ASCII letter escaped ("\\u0905…"):
    # a Hindi or accented keyword was never found there.
    publish(
        institution,
        slug="k",
        title="Plain title",
        description="Plain.",
        keywords=["अस्पताल", "E\u0301cole", "beds"],
    )
    for q in ("अस्पताल", "e\u0301cole", "beds"):
        assert slugs(client_anon.get("/api/v1/datasets", {"q": q})) == ["k"], q


@pytest.mark.parametrize(
    ("stated", "searched"),
    [
        ("अस्पतालों", "अस्पताल"),  # hospitals; hospital
        ("अस्पताल", "अस्पतालों"),
        ("जिला", "जिलों"),  # district; districts
        ("बिस्तरों", "बिस्तर"),  # beds; bed
        ("जिला-स्तरीय", "जिलों"),  # district-level; districts (hyphenated: parts are words)
    ],
)
def test_a_hindi_word_finds_its_other_forms(client_anon, institution, stated, searched):
    """A citizen searching अस्पताल (hospital) did not find "जिला अस्पतालों में …" (in district
    hospitals): Hindi words were matched only letter for letter. Both backends now stem them
    with Snowball's Hindi algorithm, in the text and in the CKAN API's field queries."""
    publish(institution, slug="t", title=f"Plain {stated} title", description="Plain.")
    publish(institution, slug="k", title="Plain title", description="Plain.", keywords=[stated])
    publish(institution, slug="other", title="बस अड्डे", description="Plain.")
    assert set(slugs(client_anon.get("/api/v1/datasets", {"q": searched}))) == {"t", "k"}
    found = client_anon.get("/api/3/action/package_search", {"q": f"title:{searched}"}).json()
    assert [d["name"].rsplit("--")[-1] for d in found["result"]["results"]] == ["t"]
    found = client_anon.get("/api/3/action/package_search", {"q": f"text:{searched}"}).json()
    assert {d["name"].rsplit("--")[-1] for d in found["result"]["results"]} == {"t", "k"}


def test_python_stems_hindi_as_postgresql_does():
    """SQLite's index stems in Python (snowballstemmer), PostgreSQL with its hindi_stem: the
    same Snowball algorithm, so both find the same datasets."""
    if connection.vendor != "postgresql":
        pytest.skip("compares with PostgreSQL's stemmer")
    from catalog.search.sqlite import stemmed

    words = [
        "अस्पतालों",
        "अस्पताल",
        "जिलों",
        "जिला",
        "बिस्तरों",
        "उपलब्धता",
        "दैनिक",
        "किसानों",
        "योजनाएं",
        "स्कूली",
        "बच्चों",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(ts_lexize('hindi_stem', w) ORDER BY n) FROM unnest(%s::text[]) "
            "WITH ORDINALITY AS t (w, n)",
            [words],
        )
        (lexemes,) = cursor.fetchone()
    assert [stemmed(w) for w in words] == [found[0] for found in lexemes]


def test_the_sqlite_index_of_an_earlier_release_is_replaced_at_migrate(client_anon, institution):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 index (PostgreSQL indexes a generated column)")
    publish(institution, slug="k", title="Plain title", description="Plain.", keywords=["जिला"])
    with connection.cursor() as cursor:  # the external-content index of earlier releases
        cursor.execute("DROP TRIGGER registry_dataset_fts_ai")
        cursor.execute("DROP TABLE registry_dataset_fts")
        cursor.execute(
            "CREATE VIRTUAL TABLE registry_dataset_fts USING fts5(title, keywords, description, "
            f"content='registry_dataset', content_rowid='rowid', tokenize=\"{TOKENIZER}\")"
        )
        cursor.execute("INSERT INTO registry_dataset_fts(registry_dataset_fts) VALUES ('rebuild')")
    assert slugs(client_anon.get("/api/v1/datasets", {"q": "जिला"})) == []
    ensure_index(connection)  # what every migrate runs
    assert slugs(client_anon.get("/api/v1/datasets", {"q": "जिला"})) == ["k"]


def test_a_query_of_a_hundred_ors_is_answered(client_anon, catalogue):
    # FTS5's parser stack overflowed on 96 nested ORs: a 500 on SQLite.
    q = "x or " * 99 + "fares"
    assert len(q) == 500
    assert slugs(client_anon.get("/api/v1/datasets", {"q": q})) == ["fares"]


@pytest.mark.parametrize("q", [";", "!!", "*", "*:*"])
def test_ckan_q_of_only_punctuation_is_the_whole_catalogue_as_in_the_rest_api(
    client_anon, catalogue, q
):
    # Its default sort by relevance used to be refused: a 400 where the REST API answers.
    rest = client_anon.get("/api/v1/datasets", {"q": q}).json()
    ckan = client_anon.get("/api/3/action/package_search", {"q": q})
    assert ckan.status_code == 200, ckan.content
    assert ckan.json()["result"]["count"] == rest["count"] == 5


def test_nul_in_query_is_a_400(client_anon, catalogue):
    assert client_anon.get("/api/v1/datasets", {"q": "a\x00b"}).status_code == 400


def test_search_query_count_is_constant(client_anon, catalogue, django_assert_num_queries):
    # page + distributions + one statement for the count and all six facets (+ on PostgreSQL,
    # the catalogue's version: registry/version.py)
    with django_assert_num_queries(3 + (connection.vendor == "postgresql")):
        client_anon.get("/api/v1/datasets", {"q": "hospital", "theme": "HEAL", "page_size": 100})


def test_institutions_themes_and_licences(client_anon, catalogue):
    institutions = client_anon.get("/api/v1/institutions").json()
    assert {"ka-health", "bmtc"} <= {i["slug"] for i in institutions}
    assert client_anon.get("/api/v1/institutions/bmtc").json()["name"] == "Transport Authority"
    assert client_anon.get("/api/v1/institutions/nope").status_code == 404
    themes = client_anon.get("/api/v1/themes").json()
    assert len(themes) == 13 and themes[0]["iri"].startswith("http://publications.europa.eu/")
    licences = client_anon.get("/api/v1/licenses", {"open": "true"}).json()
    ids = {lic["id"] for lic in licences}
    assert {"CC-BY-4.0", "CC0-1.0", "ODbL-1.0"} <= ids and "CC-BY-NC-4.0" not in ids
    closed = {lic["id"] for lic in client_anon.get("/api/v1/licenses?open=false").json()}
    assert "CC-BY-NC-4.0" in closed and not closed & ids
    everything = client_anon.get("/api/v1/licenses").json()
    assert len(everything) == len(ids) + len(closed)


@pytest.mark.parametrize("value", ["null", "yes", "", "truee"])
def test_licences_refuse_a_filter_that_is_not_true_or_false(client_anon, value):
    response = client_anon.get("/api/v1/licenses", {"open": value})
    assert response.status_code == 400
    assert response.json()["errors"] == {"open": ["Use true or false."]}


@pytest.mark.parametrize(
    "param",
    [
        "q",
        "institution",
        "theme",
        "license",
        "format",
        "access",
        "keyword",
        "state",
        "sort",
        "cursor",
    ],
)
def test_nul_in_any_parameter_is_a_400_naming_it(client_anon, catalogue, param):
    # Found by schemathesis on PostgreSQL, whose text cannot hold NUL (it was a 500).
    response = client_anon.get("/api/v1/datasets", {param: "a\x00b"})
    assert response.status_code == 400
    assert param in response.json()["errors"]


def test_ckan_package_search_query_count_is_constant(
    client_anon, catalogue, django_assert_num_queries
):
    # page (joins) + distributions + count; with facets asked for, the count comes with them
    # (+ on PostgreSQL, the catalogue's version: registry/version.py)
    expected = 3 + (connection.vendor == "postgresql")
    with django_assert_num_queries(expected):
        client_anon.get("/api/3/action/package_search", {"q": "hospital", "rows": 100})
    with django_assert_num_queries(expected):
        client_anon.get(
            "/api/3/action/package_search",
            {
                "rows": 100,
                "facet.field": '["organization","tags","res_format","license_id","groups"]',
            },
        )


def test_shallow_pages_by_number_agree_with_cursors(client_anon, catalogue):
    walked = slugs(client_anon.get("/api/v1/datasets", {"page_size": 2}))
    walked += slugs(client_anon.get("/api/v1/datasets", {"page_size": 2, "page": 2}))
    walked += slugs(client_anon.get("/api/v1/datasets", {"page_size": 2, "page": 3}))
    assert len(walked) == len(set(walked)) == 5
    body = client_anon.get("/api/v1/datasets", {"page_size": 2, "page": 2}).json()
    # The links of a numbered page are cursors (no `page` left in them), and lead on.
    assert "cursor=" in body["next"] and "page=" not in body["next"].replace("page_size", "")
    assert slugs(client_anon.get(body["next"])) == walked[4:]
    assert slugs(client_anon.get(body["previous"])) == walked[:2]
    assert slugs(client_anon.get("/api/v1/datasets", {"page_size": 2, "page": 4})) == []
    # A form's blank `cursor=` field is no cursor at all.
    blank = client_anon.get("/api/v1/datasets", {"page_size": 2, "page": 2, "cursor": ""})
    assert slugs(blank) == walked[2:4]
    assert slugs(client_anon.get("/api/v1/datasets", {"page_size": 2, "cursor": ""})) == walked[:2]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": 0}, "from 1"),
        ({"page": -3}, "from 1"),
        ({"page": "two"}, "from 1"),
        ({"page": "9" * 5000}, "from 1"),
        ({"page": 501}, "10,000"),
        ({"page": 10**30}, "10,000"),
        ({"page": 101, "page_size": 100}, "10,000"),
        ({"page": 2, "cursor": "abc"}, "not both"),
    ],
)
def test_page_numbers_only_for_shallow_pages(client_anon, catalogue, params, message):
    response = client_anon.get("/api/v1/datasets", params)
    assert response.status_code == 400
    assert message in response.json()["errors"]["page"][0]
    assert response.json()["detail"].startswith("page:")


def test_the_deepest_numbered_page_is_allowed(client_anon, catalogue):
    assert slugs(client_anon.get("/api/v1/datasets", {"page": 500})) == []
    assert slugs(client_anon.get("/api/v1/datasets", {"page": 100, "page_size": 100})) == []


def test_relevance_beyond_the_window_orders_the_newest_matches_and_says_so(
    client_anon, catalogue, settings
):
    # "hospital" matches the bed-occupancy dataset, the dengue one does not: use words in both.
    everything = client_anon.get("/api/v1/datasets", {"q": "district"}).json()
    assert everything["count"] == 2 and everything["relevance_is_approximate"] is False
    assert everything["count_is_estimate"] is False

    settings.SUCHI_SEARCH_RELEVANCE_WINDOW = 1
    body = client_anon.get("/api/v1/datasets", {"q": "district"}).json()
    assert body["count"] == 2 and body["relevance_is_approximate"] is True
    newest = client_anon.get("/api/v1/datasets", {"q": "district", "sort": "-modified"}).json()
    assert [d["id"] for d in body["results"]] == [newest["results"][0]["id"]]
    assert newest["relevance_is_approximate"] is False  # only relevance is windowed
