"""Consent events, access receipts and webhook deliveries partitioned by month of created_at
(PostgreSQL; core/partitions.py). Their rows are kept; SQLite is left as it is."""

from django.db import migrations

from core.partitions import convert_to_monthly

TABLES = ("consent_consentevent", "consent_accessreceipt", "consent_webhookdelivery")


def partition(apps, schema_editor):
    for table in TABLES:
        convert_to_monthly(schema_editor, table)


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("consent", "0007_ages_and_guardians")]
    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
