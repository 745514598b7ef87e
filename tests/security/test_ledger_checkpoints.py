"""Probe finding 8 (ledger): the consent ledger's head was not signed, so someone with database
write access could rewrite a citizen's chain consistently, head included, and nothing would
show it unless the citizen had kept an export. Now heads are signed in checkpoints (database
and an append-only log) and in every export."""

import io
import json

import pytest
import rfc8785
from django.core.management import CommandError, call_command
from joserfc import jws
from joserfc.jwk import KeySet

from consent.ledger import checkpoints_verify, event_body, ledger_verify
from consent.models import CitizenProfile, ConsentEvent, LedgerCheckpoint
from consent.services import ledger_checkpoint_write
from core.chain import chain_hash

from ..factories import raw_delete


@pytest.fixture
def log(settings, tmp_path):
    settings.SUCHI_LEDGER_CHECKPOINT_LOG = str(tmp_path / "checkpoints.jsonl")
    return tmp_path / "checkpoints.jsonl"


@pytest.fixture
def history(granted, asha_api):
    asha_api.post(f"/api/v1/me/consent-artefacts/{granted['id']}/pause")
    asha_api.post(f"/api/v1/me/consent-artefacts/{granted['id']}/resume")
    return ConsentEvent.objects.order_by("seq")


def rewrite_consistently(events) -> None:
    """What an attacker with database write access does: forge an event, recompute every hash
    after it and the head, so the chain verifies."""
    citizen = CitizenProfile.objects.get(handle="asha@suchi")
    events = list(events)
    events[2].data = {"forged": True}
    prev = events[1].hash
    for event in events[2:]:
        event.prev_hash = prev
        event.hash = chain_hash(prev, event_body(event, handle=citizen.handle))
        event.save()
        prev = event.hash
    CitizenProfile.objects.filter(pk=citizen.pk).update(ledger_head=prev)


def verify_command() -> str:
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    return out.getvalue()


def test_a_consistent_rewrite_passes_the_chain_but_not_the_checkpoint(
    history, log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = ledger_checkpoint_write()
    assert checkpoint.citizens == 1
    assert "verified" in verify_command()
    rewrite_consistently(history)
    # The chain alone no longer shows anything: this was the finding.
    assert ledger_verify() == (1, 5, None)
    broken = checkpoints_verify(str(log))
    assert broken is not None and broken.citizen == "asha@suchi"
    assert "signed in checkpoint #1" in broken.reason
    with pytest.raises(CommandError, match="checkpoint"):
        verify_command()


def test_a_forged_or_deleted_checkpoint_is_detected(
    history, log, asha_api, granted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ledger_checkpoint_write()
    asha_api.post(f"/api/v1/me/consent-artefacts/{granted['id']}/pause")
    with django_capture_on_commit_callbacks(execute=True):
        second = ledger_checkpoint_write()
    assert checkpoints_verify(str(log)) is None
    assert [json.loads(line)["seq"] for line in log.read_text().splitlines()] == [1, 2]

    # Re-signing is impossible without the key file; editing the payload breaks the signature.
    header, payload, signature = second.jws.split(".")
    LedgerCheckpoint.objects.filter(pk=second.pk).update(jws=f"{header}.{payload}x.{signature}")
    assert "signature" in checkpoints_verify(str(log)).reason
    # Deleting the newest checkpoint (and rewriting after it) is caught by the append-only log.
    raw_delete(LedgerCheckpoint.objects.filter(pk=second.pk))
    assert "append-only log" in checkpoints_verify(str(log)).reason


def test_nothing_moved_means_no_new_checkpoint(history, log):
    assert ledger_checkpoint_write() is not None
    assert ledger_checkpoint_write() is not None  # the look-back states recent heads again
    LedgerCheckpoint.objects.update(created_at="2000-01-01T00:00:00Z")
    ConsentEvent.objects.update(created_at="1999-01-01T00:00:00Z")
    assert ledger_checkpoint_write() is None


def test_the_export_carries_a_signed_head_an_independent_library_verifies(
    history, asha_api, client_anon
):
    export = json.loads(asha_api.get("/api/v1/me/export").content)
    token = export["ledger"]["checkpoint"]
    keys = KeySet.import_key_set(client_anon.get("/.well-known/jwks.json").json())
    verified = jws.deserialize_compact(token, keys, algorithms=["EdDSA"])
    claims = json.loads(verified.payload)
    assert claims["schema"] == "suchi.ledger-head/1"
    assert (claims["citizen"], claims["seq"], claims["head"]) == (
        "asha@suchi",
        5,
        export["ledger"]["head"],
    )
    assert verified.payload == rfc8785.dumps(claims)
