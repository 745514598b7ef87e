"""Test data built through the real services (nothing of ours is mocked)."""

import copy
import itertools

from django.db import transaction

from registry.models import Dataset, Institution, ValidationRun
from registry.services import (
    Actor,
    dataset_register,
    institution_create,
    token_issue,
    validation_run_execute,
)

_counter = itertools.count(1)
# Set by the session fixture that starts the local source server (tests/conftest.py).
SOURCE = {"base": "http://127.0.0.1:9"}

COMPLETE_DATASET = {
    "title": "District hospital bed occupancy",
    "description": "Daily count of occupied and vacant beds in each district hospital, by ward "
    "type, reported by hospital superintendents.",
    "keywords": ["hospitals", "beds"],
    "themes": ["HEAL"],
    "license": "CC-BY-4.0",
    "access_rights": "open",
    "spatial": {"states": ["KA"]},
    "temporal": {"start": "2021-04-01", "end": None},
    "update_frequency": "daily",
    "languages": ["en", "kn"],
    "contact_point": {"name": "Data cell", "email": "data@health.ka.example"},
    "landing_page": "https://health.ka.example/data/beds",
    "version": "1.0",
    "distributions": [
        {
            "title": "Daily occupancy (CSV)",
            "access_url": "{source}/beds.csv",
            "media_type": "text/csv",
            "format": "CSV",
        }
    ],
}


def source_url(path: str) -> str:
    """A URL on the test session's local source server (allow-listed)."""
    return SOURCE["base"] + path


def dataset_payload(**overrides) -> dict:
    """A complete dataset whose distribution is served by the local source server."""
    payload = copy.deepcopy(COMPLETE_DATASET)
    for dist in payload["distributions"]:
        dist["access_url"] = dist["access_url"].format(source=SOURCE["base"])
    payload.update(overrides)
    return payload


def make_institution(**overrides) -> Institution:
    n = next(_counter)
    fields = {
        "slug": f"inst-{n}",
        "name": f"Institution {n}",
        "kind": "government",
        "verified": True,
    }
    fields.update(overrides)
    return institution_create(**fields)


def make_token(institution: Institution, scopes=("datasets:write",), **kwargs) -> str:
    return token_issue(institution=institution, name="test", scopes=list(scopes), **kwargs).secret


def run_queued_validations() -> list[str]:
    """Execute every queued run through the real service, as a worker would."""
    ids = list(
        ValidationRun.objects.filter(status=ValidationRun.Status.QUEUED)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return [validation_run_execute(run_id=run_id).status for run_id in ids]


def publish(institution: Institution, **overrides) -> Dataset:
    """A published dataset, validated with the source checks off (its sources may be
    fictional). Registered and validated in one transaction, so that the job queued on commit
    finds nothing left to do."""
    with transaction.atomic():
        dataset = dataset_register(
            institution=institution, data=dataset_payload(**overrides), actor=Actor.system("test")
        )
        validation_run_execute(run_id=dataset.validation_runs.get().id, check_sources=False)
    dataset.refresh_from_db()
    assert dataset.status == Dataset.Status.PUBLISHED
    return dataset


# --- Consent -----------------------------------------------------------------------------------
CONSENT_DATASET = {
    "access_rights": "consent",
    "contains_personal_data": True,
    "license": "",
    "themes": ["HEAL"],
}


def make_citizen(handle: str = "", password: str = "correct-horse-battery", language="en"):
    from consent.services import citizen_create

    handle = handle or f"citizen{next(_counter)}@suchi"
    return citizen_create(handle=handle, password=password, language=language, name="Test Citizen")


def publish_consent_dataset(institution: Institution, **overrides) -> Dataset:
    """A published dataset shared only under consent (records about individuals)."""
    n = next(_counter)
    fields = {"slug": f"records-{n}", "title": f"Patient records {n}", **CONSENT_DATASET}
    fields.update(overrides)
    return publish(institution, **fields)


def consent_request_payload(citizen: str, datasets, **overrides) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    payload = {
        "citizen": citizen,
        "purpose": {"code": "INSCLM", "text": "To settle claim CLM-1 for your March stay."},
        "datasets": [str(d.pk if hasattr(d, "pk") else d) for d in datasets],
        "access_mode": "view",
        "data_range": {"from": "2026-03-01", "to": "2026-03-31"},
        "fetch_type": "onetime",
        "frequency": None,
        "data_life": {"unit": "month", "value": 6},
        "expires_at": (timezone.now() + timedelta(days=90)).isoformat(),
        "notice": {"text": "We will read your March discharge summary.", "version": "1"},
    }
    payload.update(overrides)
    return payload


def raw_delete(queryset) -> int:
    """Delete rows with SQL, as someone with write access to the database would: no ORM, no
    signals, so past the retention guard (rights/records.py). For tamper-evidence tests."""
    from django.db import connection

    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return 0
    table = queryset.model._meta.db_table
    marks = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", pks)
        return cursor.rowcount
