import json
from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import post_migrate

PURPOSES = Path(__file__).resolve().parent / "data" / "purposes.json"


def seed_purposes(sender, using="default", **kwargs) -> None:
    """Publish the purpose list after every migrate (and after test flushes, which empty it).
    Existing rows are left as operators edited them."""
    from .models import PurposeCode

    for row in json.loads(PURPOSES.read_text(encoding="utf-8")):
        PurposeCode.objects.using(using).get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "description": row["description"],
                "dpv_iri": row["dpv"],
                "source": row["source"],
            },
        )


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent"

    def ready(self) -> None:
        post_migrate.connect(seed_purposes, sender=self, dispatch_uid="consent.seed_purposes")
