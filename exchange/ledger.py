"""The exchange's ledger: one hash chain per provider (core/chain.py, as the consent ledger),
so that changing, inserting or deleting any step of any request or agreement breaks the chain."""

from dataclasses import dataclass
from datetime import datetime

from core.chain import GENESIS, chain_hash, chain_walk, chained_body
from registry.models import Institution

from .models import ExchangeEvent


def event_body(event: ExchangeEvent, *, provider: str) -> dict:
    """What the hash covers: every column except the hashes and the row id."""
    return chained_body(event, owner=("provider", provider), about=("request", "agreement"))


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
    events = ExchangeEvent.objects.filter(provider=provider).order_by("seq").iterator()
    walk = chain_walk(events, lambda event: event_body(event, provider=provider.slug))
    if walk.broken_at is not None:
        return Break(provider.slug, walk.broken_at, walk.reason)
    return None
