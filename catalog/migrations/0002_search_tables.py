"""PostgreSQL: narrow tables the catalogue searches instead of the 1.5 GB dataset table.

- `catalog_facetterm`: every facet value (access, institution id, licence, theme, keyword, format,
  state) gets a small integer id.
- `catalog_searchentry`: one row per *published* dataset, its facet values as a sorted int array.
- `catalog_facetcount` + `catalog_facetdelta`: exact counts of each facet value over the whole
  published catalogue. Writers only append deltas (no counter row is locked, so concurrent
  publications never wait on each other or deadlock); readers add the pending deltas to the
  counts; `catalog_fold_facet_deltas()` (a periodic task) folds them in.
- `catalog_searchsample`: the 1/32 of published datasets whose id ends in a byte below 8
  (uuid4 ids are random, so this is a uniform sample), with their tsvector and terms. Counts and
  facets of very large result sets are estimated from it.

All of it is kept by triggers on registry_dataset and registry_distribution, so every writer
(services, harvester, bulk loads, admin, raw SQL) keeps it right without the registry knowing
the catalogue exists. SQLite catalogues are small and search registry_dataset directly.
"""

from django.db import migrations

SAMPLE_PREDICATE = "get_byte(uuid_send({id}), 15) < 8"  # 8 / 256 = 1/32 of uuid4 ids

FORWARD = [
    """
    CREATE TABLE catalog_facetterm (
        id serial PRIMARY KEY,
        facet varchar(12) NOT NULL,
        value text NOT NULL,
        UNIQUE (facet, value)
    )
    """,
    """
    CREATE TABLE catalog_searchentry (
        dataset_id uuid PRIMARY KEY,
        terms integer[] NOT NULL
    )
    """,
    """
    CREATE TABLE catalog_searchsample (
        dataset_id uuid PRIMARY KEY,
        terms integer[] NOT NULL,
        modified_at timestamptz NOT NULL,
        search_vector tsvector NOT NULL
    )
    """,
    """
    CREATE TABLE catalog_facetcount (
        term_id integer PRIMARY KEY, facet varchar(12) NOT NULL, n bigint NOT NULL
    )
    """,
    """
    CREATE TABLE catalog_facetdelta (
        id bigserial PRIMARY KEY, term_id integer NOT NULL, delta integer NOT NULL
    )
    """,
    # The facet values of one dataset row (and its distributions' formats).
    """
    CREATE FUNCTION catalog_dataset_facets(d registry_dataset)
    RETURNS TABLE (facet text, value text) LANGUAGE sql STABLE AS $$
        SELECT DISTINCT x.facet, x.value FROM (
            SELECT 'access', d.access_rights
            UNION ALL SELECT 'institution', d.institution_id::text
            UNION ALL SELECT 'license', nullif(d.license, '')
            UNION ALL SELECT 'theme', jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(d.themes) = 'array' THEN d.themes ELSE '[]' END)
            UNION ALL SELECT 'keyword', jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(d.keywords) = 'array' THEN d.keywords ELSE '[]' END)
            UNION ALL SELECT 'state', jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(d.spatial -> 'states') = 'array'
                THEN d.spatial -> 'states' ELSE '[]' END)
            UNION ALL SELECT 'format', upper(f.format) FROM registry_distribution f
                WHERE f.dataset_id = d.id AND f.format <> ''
        ) AS x (facet, value)
        WHERE x.value IS NOT NULL
    $$
    """,
    f"""
    CREATE FUNCTION catalog_in_sample(dataset_id uuid) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT {SAMPLE_PREDICATE.format(id="dataset_id")} $$
    """,
    """
    CREATE FUNCTION catalog_search_refresh(p_id uuid) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        d registry_dataset%ROWTYPE;
        old_terms integer[];
        new_terms integer[];
    BEGIN
        SELECT terms INTO old_terms FROM catalog_searchentry WHERE dataset_id = p_id;
        SELECT * INTO d FROM registry_dataset WHERE id = p_id AND status = 'published';
        IF FOUND THEN
            INSERT INTO catalog_facetterm (facet, value)
                SELECT f.facet, f.value FROM catalog_dataset_facets(d) f
                ORDER BY 1, 2 ON CONFLICT DO NOTHING;
            SELECT coalesce(array_agg(t.id ORDER BY t.id), '{}') INTO new_terms
                FROM catalog_dataset_facets(d) f
                JOIN catalog_facetterm t ON t.facet = f.facet AND t.value = f.value;
        END IF;
        IF old_terms IS DISTINCT FROM new_terms THEN
            INSERT INTO catalog_facetdelta (term_id, delta)
                SELECT term_id, sum(delta) FROM (
                    SELECT unnest(new_terms), 1 UNION ALL SELECT unnest(old_terms), -1
                ) AS x (term_id, delta)
                GROUP BY term_id HAVING sum(delta) <> 0;
        END IF;
        IF new_terms IS NULL THEN
            DELETE FROM catalog_searchentry WHERE dataset_id = p_id;
            DELETE FROM catalog_searchsample WHERE dataset_id = p_id;
            RETURN;
        END IF;
        IF old_terms IS DISTINCT FROM new_terms THEN
            INSERT INTO catalog_searchentry (dataset_id, terms) VALUES (p_id, new_terms)
                ON CONFLICT (dataset_id) DO UPDATE SET terms = excluded.terms;
        END IF;
        IF catalog_in_sample(p_id) THEN
            INSERT INTO catalog_searchsample (dataset_id, terms, modified_at, search_vector)
                VALUES (p_id, new_terms, d.modified_at, d.search_vector)
                ON CONFLICT (dataset_id) DO UPDATE SET terms = excluded.terms,
                    modified_at = excluded.modified_at, search_vector = excluded.search_vector;
        END IF;
    END
    $$
    """,
    """
    CREATE FUNCTION catalog_dataset_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            PERFORM catalog_search_refresh(OLD.id);
        ELSE
            PERFORM catalog_search_refresh(NEW.id);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION catalog_distribution_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM catalog_search_refresh(OLD.dataset_id);
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.dataset_id <> OLD.dataset_id) THEN
            PERFORM catalog_search_refresh(NEW.dataset_id);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_search_dataset_insert_delete AFTER INSERT OR DELETE
    ON registry_dataset FOR EACH ROW EXECUTE FUNCTION catalog_dataset_changed()
    """,
    # Validation re-checks update health columns often; only what search reads fires this.
    """
    CREATE TRIGGER catalog_search_dataset_update AFTER UPDATE ON registry_dataset FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.institution_id IS DISTINCT FROM NEW.institution_id
        OR OLD.license IS DISTINCT FROM NEW.license
        OR OLD.access_rights IS DISTINCT FROM NEW.access_rights
        OR OLD.themes IS DISTINCT FROM NEW.themes
        OR OLD.keywords IS DISTINCT FROM NEW.keywords
        OR OLD.spatial IS DISTINCT FROM NEW.spatial
        OR OLD.modified_at IS DISTINCT FROM NEW.modified_at
        OR OLD.search_vector IS DISTINCT FROM NEW.search_vector)
    EXECUTE FUNCTION catalog_dataset_changed()
    """,
    """
    CREATE TRIGGER catalog_search_distribution_insert_delete AFTER INSERT OR DELETE
    ON registry_distribution FOR EACH ROW EXECUTE FUNCTION catalog_distribution_changed()
    """,
    """
    CREATE TRIGGER catalog_search_distribution_update AFTER UPDATE ON registry_distribution
    FOR EACH ROW WHEN (OLD.format IS DISTINCT FROM NEW.format
        OR OLD.dataset_id IS DISTINCT FROM NEW.dataset_id)
    EXECUTE FUNCTION catalog_distribution_changed()
    """,
    """
    CREATE FUNCTION catalog_fold_facet_deltas() RETURNS bigint LANGUAGE sql AS $$
        WITH moved AS (DELETE FROM catalog_facetdelta RETURNING term_id, delta),
        folded AS (
            INSERT INTO catalog_facetcount (term_id, facet, n)
            SELECT m.term_id, t.facet, sum(m.delta) FROM moved m
            JOIN catalog_facetterm t ON t.id = m.term_id
            GROUP BY m.term_id, t.facet ORDER BY m.term_id
            ON CONFLICT (term_id) DO UPDATE SET n = catalog_facetcount.n + excluded.n
            RETURNING 1
        )
        SELECT count(*) FROM folded
    $$
    """,
    # Backfill what is already published, set-wise (a per-row refresh takes far longer).
    """
    INSERT INTO catalog_facetterm (facet, value)
    SELECT DISTINCT f.facet, f.value FROM registry_dataset d
    CROSS JOIN LATERAL catalog_dataset_facets(d) f WHERE d.status = 'published'
    ORDER BY 1, 2
    """,
    """
    INSERT INTO catalog_searchentry (dataset_id, terms)
    SELECT d.id, (
        SELECT coalesce(array_agg(t.id ORDER BY t.id), '{}') FROM catalog_dataset_facets(d) f
        JOIN catalog_facetterm t ON t.facet = f.facet AND t.value = f.value
    ) FROM registry_dataset d WHERE d.status = 'published'
    """,
    """
    INSERT INTO catalog_searchsample (dataset_id, terms, modified_at, search_vector)
    SELECT e.dataset_id, e.terms, d.modified_at, d.search_vector
    FROM catalog_searchentry e JOIN registry_dataset d ON d.id = e.dataset_id
    WHERE catalog_in_sample(e.dataset_id)
    """,
    """
    INSERT INTO catalog_facetcount (term_id, facet, n)
    SELECT c.u, t.facet, c.n FROM (
        SELECT u, count(*) AS n FROM catalog_searchentry, unnest(terms) u GROUP BY u
    ) AS c JOIN catalog_facetterm t ON t.id = c.u
    """,
    "CREATE INDEX catalog_facetcount_top ON catalog_facetcount (facet, n DESC)",
    "CREATE INDEX catalog_searchsample_vector ON catalog_searchsample USING gin (search_vector)",
    "CREATE INDEX catalog_searchsample_terms ON catalog_searchsample USING gin (terms)",
    "ANALYZE catalog_facetterm",
    "ANALYZE catalog_searchentry",
    "ANALYZE catalog_searchsample",
    "ANALYZE catalog_facetcount",
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_distribution_update ON registry_distribution",
    "DROP TRIGGER IF EXISTS catalog_search_distribution_insert_delete ON registry_distribution",
    "DROP TRIGGER IF EXISTS catalog_search_dataset_update ON registry_dataset",
    "DROP TRIGGER IF EXISTS catalog_search_dataset_insert_delete ON registry_dataset",
    "DROP FUNCTION IF EXISTS catalog_fold_facet_deltas()",
    "DROP FUNCTION IF EXISTS catalog_distribution_changed()",
    "DROP FUNCTION IF EXISTS catalog_dataset_changed()",
    "DROP FUNCTION IF EXISTS catalog_search_refresh(uuid)",
    "DROP FUNCTION IF EXISTS catalog_in_sample(uuid)",
    "DROP FUNCTION IF EXISTS catalog_dataset_facets(registry_dataset)",
    "DROP TABLE IF EXISTS catalog_facetdelta",
    "DROP TABLE IF EXISTS catalog_facetcount",
    "DROP TABLE IF EXISTS catalog_searchsample",
    "DROP TABLE IF EXISTS catalog_searchentry",
    "DROP TABLE IF EXISTS catalog_facetterm",
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
    dependencies = [
        ("catalog", "0001_search_state_index"),
        ("registry", "0004_dataset_provenance"),
    ]
    operations = [migrations.RunPython(forward, backward)]
