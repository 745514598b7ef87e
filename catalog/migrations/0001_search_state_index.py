"""PostgreSQL: a GIN index on the states a dataset covers, so that `state=` filters combine with
the theme and keyword indexes (a bitmap AND) instead of rechecking every dataset of a theme.
SQLite has no such index type; its catalogues are small."""

from django.db import migrations

FORWARD = (
    "CREATE INDEX IF NOT EXISTS dataset_states_gin ON registry_dataset "
    "USING gin ((spatial -> 'states') jsonb_path_ops)"
)
BACKWARD = "DROP INDEX IF EXISTS dataset_states_gin"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_search_vector")]
    operations = [migrations.RunPython(forward, backward)]
