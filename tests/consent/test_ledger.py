"""The ledger is a hash chain per citizen: any change to any row is detected."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from consent.ledger import ledger_verify
from consent.models import CitizenProfile, ConsentEvent

from ..factories import raw_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(granted, asha_api):
    """Asha's ledger: created, granted, issued, paused, resumed (5 events)."""
    asha_api.post(f"/api/v1/me/consent-artefacts/{granted['id']}/pause")
    asha_api.post(f"/api/v1/me/consent-artefacts/{granted['id']}/resume")
    assert ConsentEvent.objects.count() == 5
    return ConsentEvent.objects.order_by("seq")


def verify() -> str:
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    return out.getvalue()


def test_intact_ledger_verifies(history):
    assert "1 chain(s), 5 event(s) verified" in verify()


def third():
    return ConsentEvent.objects.get(seq=3)


TAMPERING = {
    "kind changed": lambda e: ConsentEvent.objects.filter(pk=e.pk).update(kind="request.denied"),
    "data changed": lambda e: ConsentEvent.objects.filter(pk=e.pk).update(data={"x": 1}),
    "time changed": lambda e: ConsentEvent.objects.filter(pk=e.pk).update(
        created_at=e.created_at + timedelta(microseconds=1)
    ),
    "actor changed": lambda e: ConsentEvent.objects.filter(pk=e.pk).update(actor="citizen eve"),
    "event id changed": lambda e: ConsentEvent.objects.filter(pk=e.pk).update(
        event_id=uuid.uuid4()
    ),
    "artefact unlinked": lambda e: ConsentEvent.objects.filter(pk=e.pk).update(artefact=None),
    "hash rewritten": lambda e: ConsentEvent.objects.filter(pk=e.pk).update(hash="f" * 64),
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_tampering_with_a_row_is_reported_at_that_row(history, how):
    TAMPERING[how](third())
    with pytest.raises(CommandError, match=r"asha@suchi event #3"):
        verify()


def test_deleting_a_row_is_reported(history):
    raw_delete(ConsentEvent.objects.filter(seq=3))  # the ORM refuses (retention)
    _, _, broken = ledger_verify()
    assert broken is not None
    assert broken.seq == 3
    assert "missing" in broken.reason


def test_dropping_the_last_rows_is_reported_by_the_head(history):
    raw_delete(ConsentEvent.objects.filter(seq__gte=4))
    _, _, broken = ledger_verify()
    assert broken is not None
    assert "recorded head" in broken.reason


def test_rewriting_the_whole_tail_consistently_still_breaks_at_the_head(history):
    from consent.ledger import event_body
    from core.chain import chain_hash

    citizen = CitizenProfile.objects.get(handle="asha@suchi")
    events = list(history)
    events[2].data = {"forged": True}
    prev = events[1].hash
    for event in events[2:]:
        event.prev_hash = prev
        event.hash = chain_hash(prev, event_body(event, handle=citizen.handle))
        event.save()
        prev = event.hash
    # Every link checks out, but the head recorded on the citizen does not match.
    _, _, broken = ledger_verify()
    assert broken is not None
    assert "head" in broken.reason


def test_demo_data_ledger_verifies(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert "verified" in verify()
    assert ConsentEvent.objects.filter(kind="receipt.recorded").exists()


def test_demo_artefacts_verify_with_an_independent_library_and_only_the_published_jwks(
    client_anon,
):
    import json

    from jwcrypto import jwk, jws

    from consent.models import ConsentArtefact

    call_command("seed_demo", stdout=io.StringIO())
    keys = jwk.JWKSet.from_json(client_anon.get("/.well-known/jwks.json").content)
    artefacts = list(ConsentArtefact.objects.all())
    assert len(artefacts) >= 2
    for artefact in artefacts:
        token = jws.JWS()
        token.deserialize(artefact.jws)
        token.verify(keys.get_key(token.jose_header["kid"]), alg="EdDSA")
        assert json.loads(token.payload)["id"] == str(artefact.pk)
