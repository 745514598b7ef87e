"""The consent ledger: one hash chain per citizen.

Every event is hashed over the previous hash and the canonical JSON (RFC 8785) of the event
built from the row's own columns, so changing, inserting or deleting any row breaks the chain
from that point. A citizen's export carries the chain, so the citizen (or anyone they share it
with) can verify it without Suchi.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import rfc8785

from .models import CitizenProfile, ConsentEvent

GENESIS = "0" * 64


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_body(event: ConsentEvent, *, handle: str) -> dict:
    """What the hash covers: every column except the hashes and the row id."""
    return {
        "event_id": str(event.event_id),
        "citizen": handle,
        "seq": event.seq,
        "kind": event.kind,
        "request": str(event.request_id) if event.request_id else None,
        "artefact": str(event.artefact_id) if event.artefact_id else None,
        "actor": event.actor,
        "data": event.data,
        "created_at": _instant(event.created_at),
    }


def chain_hash(prev_hash: str, body: dict) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + rfc8785.dumps(body)).hexdigest()


def ledger_append(
    *,
    citizen: CitizenProfile,
    kind: str,
    actor: str,
    request=None,
    artefact=None,
    data: dict | None = None,
    at: datetime,
) -> ConsentEvent:
    """Append an event to the citizen's chain.

    Call inside the transaction that locked `citizen` (select_for_update): the lock is what
    keeps two writers from extending the chain from the same head.
    """
    event = ConsentEvent(
        citizen=citizen,
        seq=citizen.ledger_seq + 1,
        kind=kind,
        request=request,
        artefact=artefact,
        actor=actor,
        data=data or {},
        created_at=at,
        prev_hash=citizen.ledger_head,
    )
    event.hash = chain_hash(event.prev_hash, event_body(event, handle=citizen.handle))
    event.save(force_insert=True)
    citizen.ledger_seq, citizen.ledger_head = event.seq, event.hash
    CitizenProfile.objects.filter(pk=citizen.pk).update(
        ledger_seq=event.seq, ledger_head=event.hash
    )
    return event


@dataclass(frozen=True)
class Break:
    citizen: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.citizen} event #{self.seq}: {self.reason}"


def chain_verify(citizen: CitizenProfile, events: Iterable[ConsentEvent]) -> Break | None:
    """The first broken link in one citizen's chain (events in seq order), or None."""
    prev_hash, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            return Break(citizen.handle, expected_seq, f"missing event (found #{event.seq} next)")
        if event.prev_hash != prev_hash:
            return Break(citizen.handle, event.seq, "prev_hash does not match the event before")
        if chain_hash(prev_hash, event_body(event, handle=citizen.handle)) != event.hash:
            return Break(citizen.handle, event.seq, "hash does not match the event's content")
        prev_hash, expected_seq = event.hash, expected_seq + 1
    if citizen.ledger_seq != expected_seq - 1 or citizen.ledger_head != prev_hash:
        return Break(
            citizen.handle,
            expected_seq,
            f"chain ends at #{expected_seq - 1} but the recorded head is #{citizen.ledger_seq}",
        )
    return None


def ledger_verify(citizens=None) -> tuple[int, int, Break | None]:
    """Verify every citizen's chain (or those given). Returns (chains, events, first break)."""
    chains = events_seen = 0
    citizens = CitizenProfile.objects.order_by("pk") if citizens is None else citizens
    for citizen in citizens.iterator():
        chains += 1
        events = list(ConsentEvent.objects.filter(citizen=citizen).order_by("seq"))
        events_seen += len(events)
        broken = chain_verify(citizen, events)
        if broken:
            return chains, events_seen, broken
    return chains, events_seen, None
