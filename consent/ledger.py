"""The consent ledger: one hash chain per citizen (core/chain.py).

Every event is hashed over the previous hash and the canonical JSON (RFC 8785) of the event
built from the row's own columns, so changing, inserting or deleting any row breaks the chain
from that point. A citizen's export carries the chain, so the citizen (or anyone they share it
with) can verify it without Suchi.
"""

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from core.chain import GENESIS, chain_hash, chain_walk, chained_body

from .models import CitizenProfile, ConsentEvent, LedgerCheckpoint, SigningKey

CHECKPOINT_SCHEMA = "suchi.ledger-checkpoint/1"
EXPORT_CHECKPOINT_SCHEMA = "suchi.ledger-head/1"
CHECKPOINT_TYP = "suchi-ledger-checkpoint+jws"


def event_body(event: ConsentEvent, *, handle: str) -> dict:
    """What the hash covers: every column except the hashes and the row id."""
    return chained_body(event, owner=("citizen", handle), about=("request", "artefact"))


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
    walk = chain_walk(events, lambda event: event_body(event, handle=citizen.handle))
    if walk.broken_at is not None:
        return Break(citizen.handle, walk.broken_at, walk.reason)
    if citizen.ledger_seq != walk.length or citizen.ledger_head != walk.head:
        return Break(
            citizen.handle,
            walk.length + 1,
            f"chain ends at #{walk.length} but the recorded head is #{citizen.ledger_seq}",
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


def checkpoint_claims(token: str, keys: dict[str, dict]) -> dict:
    """The payload of a checkpoint JWS whose signature verifies with one of `keys` (public JWKs
    by kid); ValueError naming the problem otherwise. Verified by joserfc, not by the signer."""
    import warnings

    from joserfc import jws
    from joserfc.errors import JoseError
    from joserfc.jwk import OKPKey

    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        jwk = keys[header["kid"]]
        key = OKPKey.import_key({k: jwk[k] for k in ("kty", "crv", "x")})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joserfc calls the EdDSA name deprecated
            payload = jws.deserialize_compact(token, key, algorithms=["EdDSA"]).payload
        return json.loads(payload)
    except KeyError:
        raise ValueError("signed with a key Suchi never published") from None
    except (JoseError, ValueError, IndexError, TypeError):
        raise ValueError("the signature does not verify") from None


def checkpoints_verify(log_path: str | None = None) -> Break | None:
    """Every checkpoint: its signature, its place in the sequence, each head it states against
    the chain now, and (if `log_path` exists) the same JWS in the append-only log."""
    keys = {k.kid: k.public_jwk for k in SigningKey.objects.all()}
    logged = _read_log(log_path)
    handles = dict(CitizenProfile.objects.values_list("handle", "pk"))
    prev, expected = GENESIS, 1
    for checkpoint in LedgerCheckpoint.objects.order_by("seq").iterator():
        where = f"checkpoint #{checkpoint.seq}"
        try:
            claims = checkpoint_claims(checkpoint.jws, keys)
        except ValueError as exc:
            return Break(where, 0, str(exc))
        if claims.get("schema") != CHECKPOINT_SCHEMA or claims.get("seq") != checkpoint.seq:
            return Break(where, 0, "the signed checkpoint says something else")
        if checkpoint.seq != expected:
            return Break(where, 0, f"checkpoint #{expected} is missing")
        if claims.get("prev") != prev:
            return Break(where, 0, "does not follow the checkpoint before it")
        if logged is not None and logged.get(checkpoint.seq, checkpoint.jws) != checkpoint.jws:
            return Break(where, 0, "differs from the append-only log")
        for handle, seq, head in claims.get("heads", []):
            stated = ConsentEvent.objects.filter(citizen_id=handles.get(handle), seq=seq)
            if not stated.filter(hash=head).exists():
                return Break(handle, seq, f"does not match the head signed in {where}")
        prev, expected = hashlib.sha256(checkpoint.jws.encode()).hexdigest(), expected + 1
    if logged:
        missing = sorted(set(logged) - set(range(1, expected)))
        if missing:
            return Break(
                f"checkpoint #{missing[0]}", 0, "in the append-only log, not in the database"
            )
    return None


def _read_log(log_path: str | None) -> dict[int, str] | None:
    if not log_path:
        return None
    try:
        with open(log_path, encoding="utf-8") as log:
            entries = [json.loads(line) for line in log if line.strip()]
    except FileNotFoundError:
        return None
    return {entry["seq"]: entry["jws"] for entry in entries}
