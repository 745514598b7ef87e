from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from registry.demo.data import INSTITUTIONS, STAFF, datasets_for
from registry.models import Dataset, Institution
from registry.payload import DatasetInput
from registry.services import (
    Actor,
    dataset_register,
    institution_create,
    membership_add,
    validation_run_execute,
)


class Command(BaseCommand):
    help = "Load demo institutions, datasets and accounts. Safe to run again: keeps what exists."

    def handle(self, *args, **opts):
        User = get_user_model()
        actor = Actor.system("seed_demo")
        created_institutions = created_datasets = 0
        for spec in INSTITUTIONS:
            institution = Institution.objects.filter(slug=spec["slug"]).first()
            if institution is None:
                institution = institution_create(**spec, verified=True)
                created_institutions += 1
            for payload in datasets_for(spec):
                if Dataset.objects.filter(institution=institution, slug=payload["slug"]).exists():
                    continue
                # Through the API's input validation, so demo data is what a client could send.
                serializer = DatasetInput(data=payload)
                serializer.is_valid(raise_exception=True)
                with transaction.atomic():
                    dataset = dataset_register(
                        institution=institution, data=serializer.validated_data, actor=actor
                    )
                    # Validate now, before the job is queued on commit (which then finds
                    # nothing to claim), so the demo is published with or without a worker.
                    # The demo sources are fictional (`.example`), so the checks that would
                    # contact them are skipped; each run records that in a finding.
                    run = dataset.validation_runs.get()
                    validation_run_execute(run_id=run.id, check_sources=False)
                created_datasets += 1

        with transaction.atomic():
            for person in STAFF:
                user, created = User.objects.get_or_create(
                    username=person["username"],
                    defaults={
                        "is_staff": person["institution"] is None,
                        "is_superuser": person["institution"] is None,
                    },
                )
                if created:
                    user.set_password(person["password"])
                    user.save()
                if person["institution"]:
                    membership_add(
                        user=user,
                        institution=Institution.objects.get(slug=person["institution"]),
                        role=person["role"],
                    )

        published = Dataset.objects.filter(status=Dataset.Status.PUBLISHED).count()
        self.stdout.write(
            f"Demo data: {created_institutions} institution(s) and {created_datasets} dataset(s) "
            f"added; {published} dataset(s) published."
        )
        # The consent app adds its demo citizens and requests on top (registry does not import
        # consent; the command is found by name).
        if apps.is_installed("consent"):
            call_command("seed_demo_consents", stdout=self.stdout)
        if apps.is_installed("exchange"):
            call_command("seed_demo_exchange", stdout=self.stdout)
