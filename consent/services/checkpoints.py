"""Signed checkpoints of the consent ledger.

The hash chain shows that a citizen's events were not altered one by one, but someone with
write access to the database could rewrite a whole chain consistently (every hash recomputed).
A checkpoint closes that: Suchi signs, with the artefact key (whose private half is a file, not
a row), the head of every chain that moved since the last checkpoint, and

- keeps the signed checkpoint in the database, each naming the digest of the one before;
- appends it, as one JSON line, to SUCHI_LEDGER_CHECKPOINT_LOG, a file opened for appending
  only (point it at storage the database's writers cannot rewrite: a WORM bucket's mount, a
  log shipper);
- hands the citizen a checkpoint of their own head in every export.

`manage.py verify_ledger` then checks each chain against every signed head, every checkpoint's
signature, their sequence, and the database's checkpoints against the append-only log.
"""

import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path

import rfc8785
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.chain import GENESIS, instant

from ..keys import key_publish, sign_compact
from ..ledger import CHECKPOINT_SCHEMA, CHECKPOINT_TYP, EXPORT_CHECKPOINT_SCHEMA
from ..models import CitizenProfile, ConsentEvent, LedgerCheckpoint

# Events are stamped before their transaction commits; a checkpoint looks back this far past the
# previous one so an event that committed late is still covered (stating a head twice is fine).
LOOKBACK = timedelta(minutes=10)


def _sign(payload: dict) -> str:
    token, kid = sign_compact(rfc8785.dumps(payload), typ=CHECKPOINT_TYP)
    key_publish(kid)
    return token


def ledger_checkpoint_write(*, now=None) -> LedgerCheckpoint | None:
    """Sign the heads of every chain that moved since the last checkpoint; None if none did.

    Safe to run concurrently: the sequence number is unique, the loser's insert fails."""
    now = now or timezone.now()
    last = LedgerCheckpoint.objects.order_by("-seq").first()
    moved = CitizenProfile.objects.filter(ledger_seq__gt=0)
    if last is not None:
        since = last.created_at - LOOKBACK
        moved = moved.filter(
            pk__in=ConsentEvent.objects.filter(created_at__gte=since).values("citizen_id")
        )
    heads = sorted(moved.values_list("handle", "ledger_seq", "ledger_head"))
    if not heads:
        return None
    seq = (last.seq if last else 0) + 1
    payload = {
        "schema": CHECKPOINT_SCHEMA,
        "seq": seq,
        "at": instant(now),
        "prev": hashlib.sha256(last.jws.encode()).hexdigest() if last else GENESIS,
        "heads": [list(head) for head in heads],
    }
    token = _sign(payload)
    with transaction.atomic():
        checkpoint = LedgerCheckpoint.objects.create(
            seq=seq, created_at=now, citizens=len(heads), jws=token
        )
        transaction.on_commit(lambda: _append_to_log(seq, token))
    return checkpoint


def _append_to_log(seq: int, token: str) -> None:
    path = Path(settings.SUCHI_LEDGER_CHECKPOINT_LOG)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"seq": seq, "jws": token}, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def export_checkpoint(*, citizen: CitizenProfile, now=None) -> str:
    """A checkpoint of one citizen's head, signed now, for their export: kept by the citizen,
    it proves later what their chain was."""
    payload = {
        "schema": EXPORT_CHECKPOINT_SCHEMA,
        "citizen": citizen.handle,
        "seq": citizen.ledger_seq,
        "head": citizen.ledger_head,
        "at": instant(now or timezone.now()),
        "checkpoint": LedgerCheckpoint.objects.aggregate(n=Max("seq"))["n"] or 0,
    }
    return _sign(payload)
