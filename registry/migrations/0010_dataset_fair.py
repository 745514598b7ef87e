from django.db import migrations, models

BATCH = 2000


def backfill(apps, schema_editor):
    """Assess the datasets already stored (registry/mqa.py), in keyset batches."""
    from registry.mqa import assess_row

    Dataset = apps.get_model("registry", "Dataset")
    Distribution = apps.get_model("registry", "Distribution")
    after = None
    while True:
        rows = Dataset.objects.order_by("pk")
        if after is not None:
            rows = rows.filter(pk__gt=after)
        batch = list(rows[:BATCH])
        if not batch:
            return
        dists: dict = {}
        for dist in Distribution.objects.filter(dataset_id__in=[d.pk for d in batch]):
            dists.setdefault(dist.dataset_id, []).append(dist)
        for dataset in batch:
            fair = assess_row(dataset, dists.get(dataset.pk, []))
            dataset.fair_score, dataset.fair_met = fair["points"], fair["met"]
        Dataset.objects.bulk_update(batch, ["fair_score", "fair_met"])
        after = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_validation_run_revision_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataset",
            name="fair_met",
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="dataset",
            name="fair_score",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
