"""PostgreSQL: the "ML-ready" facet (issue #18). A published dataset whose `ml_ready` is true
carries the term ('ml_ready', 'true') in the search tables of 0002, so the unfiltered
catalogue counts it from the counters and large result sets estimate it from the sample; the
update trigger fires when `ml_ready` changes. Datasets that are not ready carry no term."""

from django.db import migrations

FACETS = """
CREATE OR REPLACE FUNCTION catalog_dataset_facets(d registry_dataset)
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
        {ml_ready}
    ) AS x (facet, value)
    WHERE x.value IS NOT NULL
$$
"""
ML_READY = "UNION ALL SELECT 'ml_ready', CASE WHEN d.ml_ready THEN 'true' END"

TRIGGER = """
CREATE TRIGGER catalog_search_dataset_update AFTER UPDATE ON registry_dataset FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status
    OR OLD.institution_id IS DISTINCT FROM NEW.institution_id
    OR OLD.license IS DISTINCT FROM NEW.license
    OR OLD.access_rights IS DISTINCT FROM NEW.access_rights
    OR OLD.themes IS DISTINCT FROM NEW.themes
    OR OLD.keywords IS DISTINCT FROM NEW.keywords
    OR OLD.spatial IS DISTINCT FROM NEW.spatial
    OR OLD.modified_at IS DISTINCT FROM NEW.modified_at
    OR OLD.search_vector IS DISTINCT FROM NEW.search_vector{ml_ready})
EXECUTE FUNCTION catalog_dataset_changed()
"""
DROP_TRIGGER = "DROP TRIGGER IF EXISTS catalog_search_dataset_update ON registry_dataset"

FORWARD = [
    FACETS.format(ml_ready=ML_READY),
    DROP_TRIGGER,
    TRIGGER.format(ml_ready="\n    OR OLD.ml_ready IS DISTINCT FROM NEW.ml_ready"),
    # The column is new, so no dataset is ready yet; refreshed anyway, should one be.
    "SELECT catalog_search_refresh(id) FROM registry_dataset "
    "WHERE status = 'published' AND ml_ready",
]
BACKWARD = [
    # Drop the terms first, while the function still emits them.
    "UPDATE registry_dataset SET ml_ready = false WHERE ml_ready",
    FACETS.format(ml_ready=""),
    DROP_TRIGGER,
    TRIGGER.format(ml_ready=""),
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
        ("catalog", "0003_search_tables_truncate"),
        ("registry", "0006_dataset_data_card_ml_ready"),
    ]

    operations = [migrations.RunPython(forward, backward)]
