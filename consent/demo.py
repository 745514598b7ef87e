"""Demo citizens and consent requests for `manage.py seed_demo` (fictional people)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from registry.models import Dataset, Institution

from .models import CitizenProfile, ConsentRequest
from .services import (
    Period,
    ReceiptInput,
    citizen_create,
    consent_grant,
    consent_request_create,
    receipt_record,
)

CITIZENS = [
    {
        "handle": "asha@suchi",
        "password": "asha-demo-2026",
        "name": "Asha Kulkarni",
        "language": "en",
    },
    {
        "handle": "ravi@suchi",
        "password": "ravi-demo-2026",
        "name": "Ravi Shankar",
        "language": "hi",
    },
]

# consumer, citizen, purpose, purpose text, [(provider, dataset slug)], mode, fetch, months
# of data, then what the citizen did.
REQUESTS = [
    (
        "suraksha-insurance",
        "asha@suchi",
        "INSCLM",
        "To settle your claim CLM-2291 for the hospital stay in March.",
        [("ka-health", "patient-discharge-summaries"), ("ka-health", "patient-lab-reports")],
        "view",
        "onetime",
        "pending",
    ),
    (
        "sahyadri-bank",
        "ravi@suchi",
        "EDUVER",
        "To confirm your degree for the education loan you applied for.",
        [("deccan-university", "student-transcripts")],
        "view",
        "onetime",
        "pending",
    ),
    (
        "deccan-university",
        "asha@suchi",
        "DSRCH",
        "For the approved diabetes study DU-ETH-2026-14: monthly lab results, de-identified "
        "before analysis.",
        [("ka-health", "patient-lab-reports")],
        "store",
        "periodic",
        "granted",
    ),
    (
        "suraksha-insurance",
        "asha@suchi",
        "HPAYMT",
        "To pay the hospital directly for your treatment under policy SUR-88120.",
        [("ka-health", "patient-discharge-summaries"), ("sahyadri-bank", "account-statements")],
        "view",
        "onetime",
        "granted+receipt",
    ),
]

NOTICE = (
    "{consumer} asks to {mode} records about you held by {providers}, for this purpose: "
    "{text} You can refuse, and you can withdraw consent at any time in the Suchi portal."
)


def seed_demo_consents() -> tuple[int, int]:
    """Create the demo citizens and requests if missing. Returns (citizens, requests) added."""
    added_citizens = added_requests = 0
    for spec in CITIZENS:
        if not CitizenProfile.objects.filter(handle=spec["handle"]).exists():
            citizen_create(**spec, check_password=False)
            added_citizens += 1
    if ConsentRequest.objects.filter(citizen__handle__in=[c["handle"] for c in CITIZENS]).exists():
        return added_citizens, 0
    today = timezone.localdate()
    for consumer_slug, handle, purpose, text, wanted, mode, fetch, outcome in REQUESTS:
        consumer = Institution.objects.get(slug=consumer_slug)
        datasets = [
            Dataset.objects.select_related("institution").get(institution__slug=provider, slug=slug)
            for provider, slug in wanted
        ]
        providers = sorted({d.institution.name for d in datasets})
        with transaction.atomic():
            request = consent_request_create(
                consumer=consumer,
                citizen_handle=handle,
                purpose_code=purpose,
                purpose_text=text,
                dataset_ids=[d.pk for d in datasets],
                access_mode=mode,
                data_from=date(today.year - 1, 1, 1),
                data_to=today,
                fetch_type=fetch,
                frequency=Period("month", 1) if fetch == "periodic" else None,
                data_life=Period("month", 6),
                expires_at=timezone.now() + timedelta(days=365),
                notice_text=NOTICE.format(
                    consumer=consumer.name, mode=mode, providers=" and ".join(providers), text=text
                ),
                notice_version="2026-01",
                actor="system: seed_demo",
            )
            added_requests += 1
            if outcome.startswith("granted"):
                citizen = CitizenProfile.objects.get(handle=handle)
                _, artefacts = consent_grant(
                    citizen=citizen, request_id=request.pk, actor=f"citizen {handle}"
                )
                if outcome.endswith("+receipt"):
                    artefact = artefacts[0]
                    receipt_record(
                        provider=artefact.provider,
                        artefact_id=artefact.pk,
                        receipt=ReceiptInput(
                            data_from=request.data_from,
                            data_to=request.data_to,
                            record_count=2,
                            sha256="5d41402abc4b2a76b9719d911017c592" * 2,
                            served_at=timezone.now(),
                        ),
                        token=None,
                        actor=f"system: seed_demo for {artefact.provider.slug}",
                    )
    return added_citizens, added_requests
