"""Demo content for the data exchange (run by `manage.py seed_demo` after the registry's and
the consent manager's): Deccan University holds an agreement on Karnataka Health's drug stock
levels; Suraksha Insurance's request to train a model on aggregate claims is waiting."""

from django.db import transaction

from registry.models import Dataset, Institution

from .models import AccessRequest
from .services import RequestInput, access_request_approve, access_request_create

ACTOR = "system: seed_demo"


def _dataset(slug: str) -> Dataset | None:
    return Dataset.objects.filter(
        institution__slug="ka-health", slug=slug, status=Dataset.Status.PUBLISHED
    ).first()


def seed_demo_exchange() -> int:
    """Add the demo requests if there are none yet. Returns how many were added."""
    if AccessRequest.objects.exists():
        return 0
    stock, claims = _dataset("drug-stock-levels"), _dataset("health-insurance-claims-aggregate")
    university = Institution.objects.filter(slug="deccan-university").first()
    insurer = Institution.objects.filter(slug="suraksha-insurance").first()
    if not (stock and claims and university and insurer):
        return 0
    with transaction.atomic():
        research = access_request_create(
            consumer=university,
            data=RequestInput(
                dataset_ids=[stock.pk],
                purpose="research",
                description="Studying stock-outs of essential medicines across Karnataka's "
                "districts, for a paper on supply-chain resilience.",
                duration_days=180,
                responsible_name="Dr Lakshmi Narayan",
                responsible_email="lakshmi@deccan-university.example",
            ),
            token=None,
            actor=ACTOR,
        )
        access_request_approve(
            provider=stock.institution,
            request_id=research.pk,
            terms={"retention_days": 30, "attribution": "Department of Health, Karnataka"},
            basis=None,
            actor=ACTOR,
        )
        access_request_create(
            consumer=insurer,
            data=RequestInput(
                dataset_ids=[claims.pk],
                purpose="ai-training",
                description="Training a model that flags unusual claim patterns by district.",
                duration_days=90,
                responsible_name="Data science lead",
                responsible_email="ds@suraksha.example",
                model_name="claims-anomaly-v2",
                outputs_released=False,
            ),
            token=None,
            actor=ACTOR,
        )
    return 2
