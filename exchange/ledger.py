"""The exchange's ledger: one hash chain per provider, hashed as the consent ledger hashes
(consent/ledger.py: SHA-256 over the previous hash and the RFC 8785 JSON of the event), so that
changing, inserting or deleting any step of any request or agreement breaks the chain."""

from dataclasses import dataclass
from datetime import datetime

from consent.ledger import GENESIS, chain_hash, instant
from registry.models import Institution

from .models import ExchangeEvent


def event_body(event: ExchangeEvent, *, provider: str) -> dict:
    """What the hash covers: every column except the hashes and the row id."""
    return {
        "event_id": str(event.event_id),
        "provider": provider,
        "seq": event.seq,
        "kind": event.kind,
        "request": str(event.request_id) if event.request_id else None,
        "agreement": str(event.agreement_id) if event.agreement_id else None,
        "actor": event.actor,
        "data": event.data,
        "created_at": instant(event.created_at),
    }


def provider_lock(provider_id: int) -> Institution:
    """Lock the provider's row for the rest of the transaction: every exchange change takes
    this lock first, which serialises the provider's changes and orders its chain."""
    return Institution.objects.select_for_update().get(pk=provider_id)


def ledger_append(
    *, provider: Institution, kind: str, actor: str, at: datetime, request=None, agreement=None,
    data: dict | None = None,
) -> ExchangeEvent:  # fmt: skip
    """Append an event to the provider's chain. Call inside the transaction that locked the
    provider (provider_lock)."""
    last = (
        ExchangeEvent.objects.filter(provider=provider)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = last if last else (0, GENESIS)
    event = ExchangeEvent(
        provider=provider,
        seq=seq + 1,
        kind=kind,
        request=request,
        agreement=agreement,
        actor=actor[:200],
        data=data or {},
        created_at=at,
        prev_hash=prev_hash,
    )
    event.hash = chain_hash(prev_hash, event_body(event, provider=provider.slug))
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class Break:
    provider: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.provider} exchange event #{self.seq}: {self.reason}"


def chain_verify(provider: Institution) -> Break | None:
    """The first broken link of the provider's chain, or None."""
    prev_hash, expected = GENESIS, 1
    for event in ExchangeEvent.objects.filter(provider=provider).order_by("seq").iterator():
        if event.seq != expected:
            return Break(provider.slug, expected, f"missing event (found #{event.seq} next)")
        if event.prev_hash != prev_hash:
            return Break(provider.slug, event.seq, "prev_hash does not match the event before")
        if chain_hash(prev_hash, event_body(event, provider=provider.slug)) != event.hash:
            return Break(provider.slug, event.seq, "hash does not match the event's content")
        prev_hash, expected = event.hash, expected + 1
    return None
