"""Exchange events and agreement receipts partitioned by month of created_at (PostgreSQL;
core/partitions.py). Their rows are kept; SQLite is left as it is."""

from django.db import migrations

from core.partitions import convert_to_monthly

TABLES = ("exchange_exchangeevent", "exchange_agreementreceipt")


def partition(apps, schema_editor):
    for table in TABLES:
        convert_to_monthly(schema_editor, table)


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("exchange", "0001_initial")]
    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
