"""Racing consent writers, each on its own connection: one outcome, a consistent ledger."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from consent.ledger import ledger_verify
from consent.models import ConsentArtefact, ConsentEvent
from consent.services import (
    Period,
    ReceiptInput,
    artefact_pause,
    artefact_revoke,
    consent_grant,
    consent_request_create,
    receipt_record,
)
from core.errors import Conflict

from ..factories import make_citizen, make_institution, publish_consent_dataset
from .test_concurrency import in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def _request(citizen, consumer, dataset):
    return consent_request_create(
        consumer=consumer,
        citizen_handle=citizen.handle,
        purpose_code="CAREMGT",
        purpose_text="Your care",
        dataset_ids=[dataset.pk],
        access_mode="view",
        data_from=date(2026, 1, 1),
        data_to=date(2026, 2, 1),
        fetch_type="onetime",
        frequency=None,
        data_life=Period("day", 30),
        expires_at=timezone.now() + timedelta(days=30),
        notice_text="notice",
        actor="test",
    )


def _artefact(citizen, consumer, dataset):
    request = _request(citizen, consumer, dataset)
    _, (artefact,) = consent_grant(citizen=citizen, request_id=request.pk, actor="test")
    return artefact


def test_concurrent_revoke_and_pause_leave_one_outcome_and_a_verifiable_ledger():
    citizen = make_citizen("asha@suchi")
    consumer = make_institution(slug="insurer", is_consumer=True, is_provider=False)
    provider = make_institution(slug="ka-health")
    dataset = publish_consent_dataset(provider)
    for _ in range(10):
        artefact = _artefact(citizen, consumer, dataset)
        actions = [artefact_revoke, artefact_pause, artefact_pause, artefact_revoke]
        results = in_threads(
            4, lambda i: actions[i](citizen=citizen, artefact_id=artefact.pk, actor=f"t{i}")
        )
        assert all(isinstance(r, ConsentArtefact | Conflict) for r in results), results
        assert ConsentArtefact.objects.get(pk=artefact.pk).status == "revoked"
        kinds = list(
            ConsentEvent.objects.filter(artefact=artefact)
            .order_by("seq")
            .values_list("kind", flat=True)
        )
        # Exactly one revoke; a pause, if any won, came before it; nothing after it.
        assert kinds.count("artefact.revoked") == 1, kinds
        assert kinds.count("artefact.paused") <= 1, kinds
        assert kinds[-1] == "artefact.revoked", kinds
        successes = [r for r in results if isinstance(r, ConsentArtefact)]
        assert len(successes) == 1 + kinds.count("artefact.paused")
    assert ledger_verify()[2] is None


def test_concurrent_grants_of_one_request_issue_one_set_of_artefacts():
    citizen = make_citizen("ravi@suchi")
    consumer = make_institution(slug="bank", is_consumer=True, is_provider=False)
    provider = make_institution(slug="university")
    dataset = publish_consent_dataset(provider)
    request = _request(citizen, consumer, dataset)
    results = in_threads(
        4, lambda i: consent_grant(citizen=citizen, request_id=request.pk, actor=f"t{i}")
    )
    assert sum(isinstance(r, tuple) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 3, results
    assert ConsentArtefact.objects.filter(request=request).count() == 1
    assert ledger_verify()[2] is None


def test_receipts_racing_a_revocation_are_either_recorded_before_it_or_refused():
    citizen = make_citizen("meera@suchi")
    consumer = make_institution(slug="insurer2", is_consumer=True, is_provider=False)
    provider = make_institution(slug="hospital")
    artefact = _artefact(citizen, consumer, publish_consent_dataset(provider))
    receipt = ReceiptInput(
        data_from=artefact.valid_from.date().replace(year=2026, month=1, day=1),
        data_to=artefact.valid_from.date().replace(year=2026, month=1, day=31),
        record_count=1,
        sha256="d" * 64,
        served_at=timezone.now(),
    )

    def act(i):
        if i == 0:
            return artefact_revoke(citizen=citizen, artefact_id=artefact.pk, actor="citizen")
        return receipt_record(
            provider=provider, artefact_id=artefact.pk, receipt=receipt, token=None, actor="p"
        )

    in_threads(5, act)
    kinds = list(
        ConsentEvent.objects.filter(artefact=artefact)
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    revoked_at = kinds.index("artefact.revoked")
    assert all(k == "receipt.recorded" for k in kinds[1:revoked_at]), kinds
    assert all(k == "receipt.refused" for k in kinds[revoked_at + 1 :]), kinds
    assert len(kinds) == 1 + 1 + 4  # issued, revoked, four receipts one way or the other
    assert ledger_verify()[2] is None
