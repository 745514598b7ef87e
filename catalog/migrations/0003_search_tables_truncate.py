"""PostgreSQL: a TRUNCATE of registry_dataset empties the catalogue's search tables too.

The tables of 0002 are kept by row triggers, and TRUNCATE fires none: after `manage.py flush`
(which the test suite runs after every transactional test) the counters went on counting the
datasets it removed, so the unfiltered catalogue's count and facets were wrong from then on.
A statement trigger now empties them with the datasets. Facet terms are only ids, so they stay.

Applying this also rebuilds the tables from registry_dataset once, as 0002 filled them, which
repairs any that an earlier TRUNCATE left behind.
"""

from django.db import migrations

DERIVED = "catalog_searchentry, catalog_searchsample, catalog_facetcount, catalog_facetdelta"

FORWARD = [
    f"""
    CREATE FUNCTION catalog_datasets_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {DERIVED};
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_search_dataset_truncate AFTER TRUNCATE ON registry_dataset
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_datasets_truncated()
    """,
    # The rebuild, set-wise as in 0002.
    f"TRUNCATE {DERIVED}",
    """
    INSERT INTO catalog_facetterm (facet, value)
    SELECT DISTINCT f.facet, f.value FROM registry_dataset d
    CROSS JOIN LATERAL catalog_dataset_facets(d) f WHERE d.status = 'published'
    ORDER BY 1, 2 ON CONFLICT DO NOTHING
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
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_dataset_truncate ON registry_dataset",
    "DROP FUNCTION IF EXISTS catalog_datasets_truncated()",
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
    dependencies = [("catalog", "0002_search_tables")]
    operations = [migrations.RunPython(forward, backward)]
