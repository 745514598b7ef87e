"""PostgreSQL statements over the catalogue's narrow search tables (catalog migration 0002).

- The unfiltered catalogue's count and facets come from per-value counters kept by triggers:
  exact, and as cheap with a million datasets as with ten.
- A large result set's count and facets are *estimated* from a uniform 1/32 sample of the
  published datasets, and the caller is told so. "Large" is decided inside the statement: when
  the sample holds fewer than SAMPLE_MIN matches, the exact branches run instead (PostgreSQL
  skips the branches whose one-time condition is false, so only one side does any work).
  SUCHI_SEARCH_SAMPLE_MIN (200) sample matches is about 6,400 in the catalogue; at 200 the
  estimated count is within ±15 % 95 times in 100, and much closer for larger sets.
"""

from django.conf import settings

from .facets import FACETS, FEW_VALUED

# The search's own tables (catalog migrations 0002-0006), kept by triggers.
SEARCH_TABLES = (
    "catalog_searchentry", "catalog_searchsample", "catalog_facetterm", "catalog_facetcount",
    "catalog_facetdelta",
)  # fmt: skip
# The facets besides access (whose every term is a candidate), as an SQL array's items.
_BUT_ACCESS = ", ".join(f"'{facet}'" for facet in FACETS if facet != "access")
SAMPLE_FRACTION = 32  # catalog_in_sample(): the last byte of a uuid4 id is below 8

_LABELLED = (
    "SELECT t.facet, CASE WHEN t.facet = 'institution' THEN i.slug ELSE t.value END AS value, "
    "i.name AS label, c.n FROM {counts} AS c "
    "JOIN catalog_facetterm t ON t.id = c.term_id "
    "LEFT JOIN registry_institution i ON t.facet = 'institution' AND i.id::text = t.value "
    "WHERE t.facet <> 'state' AND c.n > 0"
)
# The same for a few dozen candidate terms (the catalogue's counters): each looked up by its key.
# The planner cannot know how few there are (it guesses tens of thousands) and would otherwise
# hash the whole term and counter tables: 19 ms of a 20 ms statement at 1M datasets.
_LABELLED_FEW = (
    "SELECT t.facet, CASE WHEN t.facet = 'institution' THEN i.slug ELSE t.value END AS value, "
    "i.name AS label, c.n FROM {counts} AS c "
    # LIMIT 1 keeps the planner from flattening the lookup back into a join of whole tables.
    "CROSS JOIN LATERAL (SELECT facet, value FROM catalog_facetterm WHERE id = c.term_id "
    "LIMIT 1) AS t "
    "LEFT JOIN registry_institution i ON t.facet = 'institution' AND i.id::text = t.value "
    "WHERE t.facet <> 'state' AND c.n > 0"
)
_TOP = (
    "SELECT facet, value, label, n FROM (SELECT *, row_number() OVER "
    "(PARTITION BY facet ORDER BY n DESC, value) AS r FROM ({labelled}) AS l) AS ranked "
    "WHERE r <= %s OR facet = 'access'"
)


def catalogue_statement(limit: int) -> tuple[str, list]:
    """Counts over every published dataset: the folded counts plus the deltas not yet folded.

    Only candidates are summed: per facet, the counters at or above the (limit + k)th largest
    (k = terms with pending deltas; ties included), and every term with a pending delta. A term
    without a delta keeps its rank among the others, so no term outside the candidates can
    reach a facet's top `limit`."""
    counts = (
        "(SELECT x.term_id, c.n FROM ("
        "  SELECT c.term_id FROM catalog_facetcount c WHERE c.facet = 'access'"
        f"  UNION SELECT c.term_id FROM unnest(ARRAY[{_BUT_ACCESS}]) AS f (facet) "
        "  CROSS JOIN LATERAL ("
        "    SELECT c.term_id FROM catalog_facetcount c WHERE c.facet = f.facet AND c.n >= "
        "    coalesce((SELECT c2.n FROM catalog_facetcount c2 WHERE c2.facet = f.facet "
        "    ORDER BY c2.n DESC OFFSET %s + (SELECT count(*) FROM pending) - 1 LIMIT 1), 0)"
        "  ) AS c"
        "  UNION SELECT term_id FROM pending"
        ") AS x CROSS JOIN LATERAL (SELECT "
        "  coalesce((SELECT c.n FROM catalog_facetcount c WHERE c.term_id = x.term_id), 0)"
        "  + coalesce((SELECT p.d FROM pending p WHERE p.term_id = x.term_id), 0) AS n) AS c)"
    )
    sql = (
        "WITH pending AS (SELECT term_id, sum(delta) AS d FROM catalog_facetdelta "
        "GROUP BY term_id) " + _TOP.format(labelled=_LABELLED_FEW.format(counts=counts))
    )
    return sql, [limit, limit]


def sample_conditions(query) -> tuple[str, list]:
    """The query's text match and filters, as conditions on catalog_searchsample `s`."""
    conditions, params = [], []

    def any_of(facet: str, values: list[str]) -> None:
        conditions.append(
            "s.terms && ARRAY(SELECT id FROM catalog_facetterm WHERE facet = %s "
            "AND value = ANY(%s))"
        )
        params.extend([facet, values])

    def all_of(facet: str, values: list[str], transform: str = "%s") -> None:
        for value in values:
            # An unknown value gives ARRAY[NULL], which no terms array contains.
            conditions.append(
                "s.terms @> ARRAY[(SELECT id FROM catalog_facetterm WHERE facet = %s "
                f"AND value = {transform})]"
            )
            params.extend([facet, value])

    if query.q.strip():
        conditions.append("s.search_vector @@ websearch_to_tsquery('suchi', %s)")
        params.append(query.q)
    if query.institution:
        conditions.append(
            "s.terms && ARRAY(SELECT t.id FROM catalog_facetterm t JOIN registry_institution i "
            "ON t.value = i.id::text WHERE t.facet = 'institution' AND i.slug = ANY(%s))"
        )
        params.append(list(query.institution))
    if query.license:
        any_of("license", list(query.license))
    if query.access:
        any_of("access", list(query.access))
    all_of("theme", query.theme)
    all_of("keyword", query.keyword)
    all_of("state", query.state)
    all_of("format", query.format, transform="upper(%s)")
    if query.ml_ready and set(query.ml_ready) != {"true", "false"}:
        # Only ready datasets carry the term (catalog migration 0004).
        negate = "" if "true" in query.ml_ready else "NOT "
        conditions.append(
            f"{negate}(s.terms && ARRAY(SELECT id FROM catalog_facetterm "
            "WHERE facet = 'ml_ready' AND value = 'true'))"
        )
    if query.modified_since:
        conditions.append("s.modified_at >= %s")
        params.append(query.modified_since)
    return " AND ".join(conditions) or "TRUE", params


def estimated_or_exact_statement(
    query, exact: tuple[str, str, list, list], limit: int
) -> tuple[str, list]:
    """One statement whose rows are (facet, value, label, count, estimated). `exact` is the
    exact statement in parts: its CTEs, its body, and the parameters of each."""
    where, params = sample_conditions(query)
    exact_ctes, exact_body, cte_params, body_params = exact
    # A large result's sample holds thousands of distinct keywords, nearly all seen once or
    # twice; looking each up to learn its facet and label was most of the statement (5,370
    # lookups for `q=women` at 1M). The few-valued facets' terms are all kept; of the rest
    # (keywords and states) only the top `limit` + (number of states) by count, ties included,
    # can hold a keyword of the top `limit`, so only they are looked up. The same answer.
    counts = (
        "(SELECT a.term_id, a.n FROM agg a WHERE a.term_id IN (SELECT id FROM few) "
        "UNION ALL SELECT term_id, n FROM (SELECT a.term_id, a.n, rank() OVER (ORDER BY a.n DESC) "
        "AS k FROM agg a WHERE a.term_id NOT IN (SELECT id FROM few)) AS tail "
        "WHERE k <= %s + (SELECT count(*) FROM catalog_facetterm WHERE facet = 'state'))"
    )
    sql = (
        f"WITH sample AS MATERIALIZED (SELECT s.terms FROM catalog_searchsample s "
        f"WHERE {where}), big AS (SELECT count(*) >= %s AS yes FROM sample), "
        f"agg AS (SELECT u AS term_id, count(*) * {SAMPLE_FRACTION} AS n "
        "FROM (SELECT unnest(terms) AS u FROM sample WHERE (SELECT yes FROM big)) AS x "
        "GROUP BY u), "
        "few AS (SELECT id FROM catalog_facetterm WHERE facet = ANY(%s)), "
        f"{exact_ctes} "
        f"SELECT *, true FROM ({_TOP.format(labelled=_LABELLED.format(counts=counts))}) AS est "
        "WHERE (SELECT yes FROM big) "
        f"UNION ALL SELECT *, false FROM ({exact_body}) AS exact WHERE NOT (SELECT yes FROM big)"
    )
    return sql, [
        *params,
        settings.SUCHI_SEARCH_SAMPLE_MIN,
        list(FEW_VALUED),
        *cte_params,
        limit,
        limit,
        *body_params,
    ]


def facet_counts_fold(cursor) -> int:
    """Fold the facet count deltas the triggers appended into the counters; returns how many
    counters changed. Safe to run concurrently and repeatedly (each delta is moved once)."""
    cursor.execute("SELECT catalog_fold_facet_deltas()")
    return cursor.fetchone()[0]
