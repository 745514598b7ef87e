"""Full-text search column for PostgreSQL: a weighted tsvector kept on the row by the database
(a generated column) with a GIN index. The text configuration `suchi` copies `english`, whose
parser keeps Devanagari and other Indian-script words whole (they pass the English stemmer
unchanged). SQLite's FTS5 index is created by catalog.search.sqlite after every migrate."""

from django.db import migrations

FORWARD = [
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'suchi') THEN
            CREATE TEXT SEARCH CONFIGURATION suchi (COPY = english);
        END IF;
    END $$;
    """,
    """
    ALTER TABLE registry_dataset ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('suchi'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('suchi'::regconfig, coalesce(keywords::text, '')), 'B') ||
        setweight(to_tsvector('suchi'::regconfig, coalesce(description, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX dataset_search_vector_gin ON registry_dataset USING gin (search_vector)",
    "CREATE INDEX dataset_themes_gin ON registry_dataset USING gin (themes jsonb_path_ops)",
    "CREATE INDEX dataset_keywords_gin ON registry_dataset USING gin (keywords jsonb_path_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS dataset_keywords_gin",
    "DROP INDEX IF EXISTS dataset_themes_gin",
    "DROP INDEX IF EXISTS dataset_search_vector_gin",
    "ALTER TABLE registry_dataset DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_validation_health")]
    operations = [migrations.RunPython(forward, backward)]
