"""Hash chains: one implementation for every ledger (the consent ledger, a chain per citizen;
the exchange's, a chain per provider).

Each event is hashed over the previous event's hash and the canonical JSON (RFC 8785) of the
event, built from the row's own columns, so changing, inserting or deleting any row breaks the
chain from that point. The first event follows GENESIS.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import rfc8785
from django.db import models

GENESIS = "0" * 64


def instant(value: datetime) -> str:
    """An instant as the chains hash it: UTC, microseconds, `Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_hash(prev_hash: str, body: dict) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + rfc8785.dumps(body)).hexdigest()


def chained_body(event, *, owner: tuple[str, str], about: tuple[str, ...]) -> dict:
    """What an event's hash covers: every column except the hashes and the row id. `owner` is
    the chain's owner as the ledger names it (`("citizen", handle)`), `about` the names of the
    event's links to what it concerns (`request`, `artefact`, …), each an id or null."""
    links = {name: getattr(event, f"{name}_id") for name in about}
    return {
        "event_id": str(event.event_id),
        owner[0]: owner[1],
        "seq": event.seq,
        "kind": event.kind,
        **{name: str(value) if value else None for name, value in links.items()},
        "actor": event.actor,
        "data": event.data,
        "created_at": instant(event.created_at),
    }


class ChainedEvent(models.Model):
    """The columns every chained event has; a ledger adds its owner, its kind and what the
    event is about."""

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seq = models.PositiveIntegerField()
    actor = models.CharField(max_length=200)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Walk:
    """How far one chain verified: `length` events in order ending at `head`; where it broke
    (`broken_at`, the seq) and why, if it did."""

    length: int
    head: str
    broken_at: int | None = None
    reason: str = ""


def chain_walk(events: Iterable, body_of: Callable[[object], dict]) -> Walk:
    """Walk one owner's events in seq order, recomputing each hash from `body_of(event)`."""
    prev_hash, seq = GENESIS, 0
    for event in events:
        if event.seq != seq + 1:
            return Walk(seq, prev_hash, seq + 1, f"missing event (found #{event.seq} next)")
        if event.prev_hash != prev_hash:
            return Walk(seq, prev_hash, event.seq, "prev_hash does not match the event before")
        if chain_hash(prev_hash, body_of(event)) != event.hash:
            return Walk(seq, prev_hash, event.seq, "hash does not match the event's content")
        prev_hash, seq = event.hash, event.seq
    return Walk(seq, prev_hash)
