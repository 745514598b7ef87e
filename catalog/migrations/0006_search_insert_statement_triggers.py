"""PostgreSQL: rows inserted into registry_dataset and registry_distribution refresh the
catalogue's search tables (0002) once per statement, for all the statement's datasets together,
instead of once per row.

A bulk insert (a harvest's batch of new records, `generate_datasets`, a load) fired the row
trigger for every dataset and again for every distribution, each a plpgsql call and half a dozen
statements: 5,000 generated datasets took 12 s with the triggers and 3 s without. The statement
triggers read the inserted rows from their transition tables and do the same work set-wise
(catalog_search_refresh_many): the same terms, the same counter deltas (summed), the same
entries and sample rows as catalog_search_refresh gives row by row. Updates (with their WHEN
filter) and deletes keep their row triggers, and their refresh looks each term up by index.
"""

import importlib

from django.db import migrations

REFRESH_MANY = """
CREATE FUNCTION catalog_search_refresh_many(p_ids uuid[]) RETURNS void LANGUAGE plpgsql
-- A plan for each call, made for the ids it is given: after five calls plpgsql may keep a
-- generic plan, which in a load into a fresh database was planned on the near-empty tables
-- of the first batches (a 50,000 load: 183 s with it, 29 s without).
SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    IF p_ids IS NULL OR cardinality(p_ids) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO catalog_facetterm (facet, value)
        SELECT DISTINCT f.facet, f.value FROM registry_dataset d
        CROSS JOIN LATERAL catalog_dataset_facets(d) f
        WHERE d.id = ANY (p_ids) AND d.status = 'published'
        ORDER BY 1, 2 ON CONFLICT DO NOTHING;
    -- The facet values first, joined to the terms once: left to itself, a planner without
    -- statistics (fresh tables) joined the terms inside the per-dataset loop, scanning the
    -- whole term table once a dataset (151 s for 10,000 datasets at 92,000 terms; 1.1 s so).
    WITH ids AS MATERIALIZED (
        SELECT d.id FROM registry_dataset d WHERE d.id = ANY (p_ids) AND d.status = 'published'
    ), vals AS MATERIALIZED (
        SELECT d.id, f.facet, f.value FROM registry_dataset d JOIN ids USING (id)
        CROSS JOIN LATERAL catalog_dataset_facets(d) f
    ), fresh AS (
        SELECT i.id,
            coalesce(array_agg(t.id ORDER BY t.id) FILTER (WHERE t.id IS NOT NULL), '{}') AS terms
        FROM ids i
        LEFT JOIN vals v ON v.id = i.id
        LEFT JOIN catalog_facetterm t ON t.facet = v.facet AND t.value = v.value
        GROUP BY i.id
    ), old AS (
        SELECT dataset_id AS id, terms FROM catalog_searchentry WHERE dataset_id = ANY (p_ids)
    ), pairs AS (
        SELECT coalesce(f.id, o.id) AS id, o.terms AS old_terms, f.terms AS new_terms
        FROM fresh f FULL JOIN old o ON o.id = f.id
    ), deltas AS (
        INSERT INTO catalog_facetdelta (term_id, delta)
        SELECT term_id, sum(delta) FROM (
            SELECT unnest(new_terms), 1 FROM pairs WHERE old_terms IS DISTINCT FROM new_terms
            UNION ALL
            SELECT unnest(old_terms), -1 FROM pairs WHERE old_terms IS DISTINCT FROM new_terms
        ) AS x (term_id, delta)
        GROUP BY term_id HAVING sum(delta) <> 0
    ), gone AS (
        DELETE FROM catalog_searchentry e USING pairs p
        WHERE e.dataset_id = p.id AND p.new_terms IS NULL
    ), gone_from_sample AS (
        DELETE FROM catalog_searchsample s USING pairs p
        WHERE s.dataset_id = p.id AND p.new_terms IS NULL
    ), entries AS (
        INSERT INTO catalog_searchentry (dataset_id, terms)
        SELECT id, new_terms FROM pairs
        WHERE new_terms IS NOT NULL AND old_terms IS DISTINCT FROM new_terms
        ORDER BY id
        ON CONFLICT (dataset_id) DO UPDATE SET terms = excluded.terms
    )
    INSERT INTO catalog_searchsample (dataset_id, terms, modified_at, search_vector)
    SELECT p.id, p.new_terms, d.modified_at, d.search_vector
    FROM pairs p JOIN registry_dataset d ON d.id = p.id
    WHERE p.new_terms IS NOT NULL AND catalog_in_sample(p.id)
    ORDER BY p.id
    ON CONFLICT (dataset_id) DO UPDATE SET terms = excluded.terms,
        modified_at = excluded.modified_at, search_vector = excluded.search_vector;
END
$$
"""

# catalog_search_refresh (0002) joined the dataset's facet values to catalog_facetterm, and the
# planner hashed the whole term table for every dataset (0.8 ms a dataset at 5,000 terms, worse
# as terms grow): each value is now looked up by the (facet, value) unique index.
TERMS_0002 = """
            SELECT coalesce(array_agg(t.id ORDER BY t.id), '{}') INTO new_terms
                FROM catalog_dataset_facets(d) f
                JOIN catalog_facetterm t ON t.facet = f.facet AND t.value = f.value;"""
TERMS_BY_INDEX = """
            SELECT coalesce(array_agg(x.id ORDER BY x.id), '{}') INTO new_terms FROM (
                SELECT (SELECT t.id FROM catalog_facetterm t
                        WHERE t.facet = f.facet AND t.value = f.value) AS id
                FROM catalog_dataset_facets(d) f
            ) AS x WHERE x.id IS NOT NULL;"""


def _refresh_function(terms: str) -> str:
    """0002's catalog_search_refresh with `terms` as its term lookup."""
    created = importlib.import_module("catalog.migrations.0002_search_tables").FORWARD
    (source,) = [s for s in created if "FUNCTION catalog_search_refresh(" in s]
    assert TERMS_0002 in source, "0002's term lookup moved: update this migration"
    return source.replace(TERMS_0002, terms).replace(
        "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
    )


FORWARD = [
    _refresh_function(TERMS_BY_INDEX),
    REFRESH_MANY,
    """
    CREATE FUNCTION catalog_datasets_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM catalog_search_refresh_many(ARRAY(SELECT id FROM new_rows));
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION catalog_distributions_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM catalog_search_refresh_many(ARRAY(SELECT DISTINCT dataset_id FROM new_rows));
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS catalog_search_dataset_insert_delete ON registry_dataset",
    """
    CREATE TRIGGER catalog_search_dataset_delete AFTER DELETE ON registry_dataset
    FOR EACH ROW EXECUTE FUNCTION catalog_dataset_changed()
    """,
    """
    CREATE TRIGGER catalog_search_dataset_insert AFTER INSERT ON registry_dataset
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION catalog_datasets_inserted()
    """,
    "DROP TRIGGER IF EXISTS catalog_search_distribution_insert_delete ON registry_distribution",
    """
    CREATE TRIGGER catalog_search_distribution_delete AFTER DELETE ON registry_distribution
    FOR EACH ROW EXECUTE FUNCTION catalog_distribution_changed()
    """,
    """
    CREATE TRIGGER catalog_search_distribution_insert AFTER INSERT ON registry_distribution
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION catalog_distributions_inserted()
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_distribution_insert ON registry_distribution",
    "DROP TRIGGER IF EXISTS catalog_search_distribution_delete ON registry_distribution",
    """
    CREATE TRIGGER catalog_search_distribution_insert_delete AFTER INSERT OR DELETE
    ON registry_distribution FOR EACH ROW EXECUTE FUNCTION catalog_distribution_changed()
    """,
    "DROP TRIGGER IF EXISTS catalog_search_dataset_insert ON registry_dataset",
    "DROP TRIGGER IF EXISTS catalog_search_dataset_delete ON registry_dataset",
    """
    CREATE TRIGGER catalog_search_dataset_insert_delete AFTER INSERT OR DELETE
    ON registry_dataset FOR EACH ROW EXECUTE FUNCTION catalog_dataset_changed()
    """,
    "DROP FUNCTION IF EXISTS catalog_distributions_inserted()",
    "DROP FUNCTION IF EXISTS catalog_datasets_inserted()",
    "DROP FUNCTION IF EXISTS catalog_search_refresh_many(uuid[])",
    _refresh_function(TERMS_0002),
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_sitemap_index")]

    operations = [migrations.RunPython(forward, backward)]
