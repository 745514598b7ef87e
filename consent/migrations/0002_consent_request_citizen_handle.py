"""A consent request keeps the handle its consumer named; the citizen may be no one (a handle
nobody holds), so that the API's answer never tells whether a handle exists."""

import django.db.models.deletion
from django.db import migrations, models


def copy_handles(apps, schema_editor):
    ConsentRequest = apps.get_model("consent", "ConsentRequest")
    CitizenProfile = apps.get_model("consent", "CitizenProfile")
    handle = CitizenProfile.objects.filter(pk=models.OuterRef("citizen_id")).values("handle")
    ConsentRequest.objects.update(citizen_handle=models.Subquery(handle[:1]))


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="consentrequest",
            name="citizen_handle",
            field=models.CharField(
                default="", help_text="The handle the consumer named", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_handles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="consentrequest",
            name="citizen",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consent_requests",
                to="consent.citizenprofile",
            ),
        ),
    ]
