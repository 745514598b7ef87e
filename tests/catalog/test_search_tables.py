"""The catalogue's narrow search tables on PostgreSQL (catalog migration 0002): the triggers keep
the unfiltered catalogue's counters equal to an exact count through publication, update,
withdrawal and deletion; large result sets are estimated from the sample and say so; relevance
beyond the window says so. SQLite has none of these tables and always counts exactly."""

import pytest
from django.db import connection
from django.http import QueryDict

from catalog.query_params import dataset_query_from
from catalog.search import count_and_facets, search_datasets, summarize
from catalog.search.postgres import SAMPLE_FRACTION
from catalog.synthetic import COMMON_WORDS, generate_datasets
from catalog.tasks import fold_facet_counts
from registry.models import Dataset
from registry.services import Actor, dataset_withdraw

from ..factories import make_institution, publish
from ..services import using_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgres():
    if not using_postgres():
        # The tables exist only on PostgreSQL; SQLite searches its FTS5 table directly.
        pytest.skip("PostgreSQL-only search tables (the PostgreSQL CI run covers them)")


def query(**params):
    qd = QueryDict(mutable=True)
    for key, value in params.items():
        qd[key] = value
    return dataset_query_from(qd)


def counters_and_exact(limit: int = 1000):
    q = query()
    qs = search_datasets(q)
    counted = summarize(qs, q, limit=limit)  # the counters: the query is unfiltered
    total, exact = count_and_facets(qs, limit=limit)  # grouping every published row
    return counted, total, exact


def test_counters_follow_publication_update_withdrawal_and_deletion():
    health = make_institution(slug="ka-health")
    beds = publish(health, slug="beds", keywords=["beds", "hospitals"], themes=["HEAL"])
    publish(
        health,
        slug="stops",
        keywords=["bus stops"],
        themes=["TRAN"],
        license="CC0-1.0",
        spatial={"states": ["KA"]},
    )
    counted, total, exact = counters_and_exact()
    assert counted.count == total == 2 and counted.facets == exact
    assert not counted.estimated

    # A distribution's format and a keyword change in place (as an applied update would).
    beds.distributions.update(format="xlsx")
    Dataset.objects.filter(pk=beds.pk).update(keywords=["beds", "icu"])
    counted, total, exact = counters_and_exact()
    assert counted.facets == exact
    assert {"value": "icu", "label": "icu", "count": 1} in counted.facets["keyword"]
    assert "hospitals" not in {item["value"] for item in counted.facets["keyword"]}
    assert "XLSX" in {item["value"] for item in counted.facets["format"]}

    # Folding the deltas changes nothing a reader sees.
    assert fold_facet_counts() > 0
    assert counters_and_exact()[0].facets == exact

    dataset_withdraw(dataset=beds, actor=Actor.system("t"))
    counted, total, exact = counters_and_exact()
    assert counted.count == total == 1 and counted.facets == exact
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_searchentry")
        assert cursor.fetchone()[0] == 1

    Dataset.objects.filter(status="withdrawn").delete()
    fold_facet_counts()
    assert counters_and_exact()[0].facets == exact


def test_a_truncate_of_the_datasets_empties_the_counters_too():
    # `manage.py flush`, which the suite runs after every transactional test, truncates
    # registry_dataset; no row trigger fires for that, and the counters went on counting the
    # datasets it removed (found by tests/catalog/test_search_state_machine.py, on a reused
    # test database).
    publish(make_institution(slug="ka-health"), slug="beds")
    assert counters_and_exact()[0].count == 1
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks may be pending
        cursor.execute("TRUNCATE registry_dataset CASCADE")
    counted, total, exact = counters_and_exact()
    assert counted.count == total == 0 and counted.facets == exact
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM catalog_searchentry) + "
            "(SELECT count(*) FROM catalog_searchsample)"
        )
        assert cursor.fetchone()[0] == 0


def test_bulk_loaded_datasets_are_counted_and_a_large_result_is_estimated(settings, client_anon):
    generate_datasets(count=400, institutions=5, batch_size=200, prefix="t")
    counted, total, exact = counters_and_exact()
    assert counted.count == total == 400 and counted.facets == exact

    word = COMMON_WORDS[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM catalog_searchsample "
            "WHERE search_vector @@ websearch_to_tsquery('suchi', %s)",
            [word],
        )
        in_sample = cursor.fetchone()[0]
    assert in_sample >= 1, "the sample holds about 1 in 32 datasets"

    # Below the threshold: counted. At it: estimated from the sample, and labelled.
    settings.SUCHI_SEARCH_SAMPLE_MIN = in_sample + 1
    body = client_anon.get("/api/v1/datasets", {"q": word}).json()
    assert body["count_is_estimate"] is False and body["facets_are_estimates"] is False
    exact_count = body["count"]

    settings.SUCHI_SEARCH_SAMPLE_MIN = in_sample
    body = client_anon.get("/api/v1/datasets", {"q": word}).json()
    assert body["count_is_estimate"] is True and body["facets_are_estimates"] is True
    assert body["count"] == in_sample * SAMPLE_FRACTION != exact_count
    assert all(item["count"] % SAMPLE_FRACTION == 0 for item in body["facets"]["keyword"])
    assert sum(item["count"] for item in body["facets"]["access"]) == body["count"]

    # The CKAN API cannot say "estimated", so it always counts.
    ckan = client_anon.get(
        "/api/3/action/package_search", {"q": word, "facet.field": '["tags"]'}
    ).json()
    assert ckan["result"]["count"] == exact_count


def test_a_filter_value_nobody_uses_matches_nothing_in_the_sample(settings, client_anon):
    generate_datasets(count=100, institutions=3, batch_size=100, prefix="t")
    settings.SUCHI_SEARCH_SAMPLE_MIN = 0  # always take the sample's answer
    for params in ({"theme": "NOPE"}, {"keyword": "no-such-keyword"}, {"institution": "nobody"}):
        body = client_anon.get("/api/v1/datasets", params).json()
        assert body["count"] == 0, params


@pytest.mark.parametrize("limit", [1, 3, 20])
def test_an_estimate_lists_the_same_top_terms_as_counting_the_whole_sample(settings, limit):
    """The estimate looks up only the keywords that can reach the top `limit`; what it lists must
    be what counting and ranking every term of the sample gives (ties broken by value)."""
    generate_datasets(count=3000, institutions=40, batch_size=1000, prefix="e")
    settings.SUCHI_SEARCH_SAMPLE_MIN = 1
    word = COMMON_WORDS[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT facet, value, n FROM (SELECT facet, value, n, row_number() OVER "
            "(PARTITION BY facet ORDER BY n DESC, value) AS r FROM ("
            "  SELECT t.facet, CASE WHEN t.facet = 'institution' THEN i.slug ELSE t.value END "
            "  AS value, count(*) * %s AS n FROM catalog_searchsample s "
            "  CROSS JOIN LATERAL unnest(s.terms) AS u JOIN catalog_facetterm t ON t.id = u "
            "  LEFT JOIN registry_institution i ON t.facet = 'institution' AND i.id::text = t.value "
            "  WHERE s.search_vector @@ websearch_to_tsquery('suchi', %s) AND t.facet <> 'state' "
            "  GROUP BY 1, 2) AS counted) AS ranked WHERE r <= %s OR facet = 'access' "
            "ORDER BY facet, r",
            [SAMPLE_FRACTION, word, limit],
        )
        expected: dict[str, list] = {}
        for facet, value, n in cursor.fetchall():
            expected.setdefault(facet, []).append((value, n))
    keywords = expected["keyword"]
    assert len(keywords) == limit, "enough distinct keywords in the sample to cut"

    q = query(q=word)
    summary = summarize(search_datasets(q), q, limit=limit, allow_estimate=True)
    assert summary.estimated
    got = {
        facet: [(item["value"], item["count"]) for item in items]
        for facet, items in summary.facets.items()
        if items
    }
    got["access"] = sorted(got["access"], key=lambda pair: (-pair[1], pair[0]))
    expected["access"] = sorted(expected["access"], key=lambda pair: (-pair[1], pair[0]))
    assert got == expected
