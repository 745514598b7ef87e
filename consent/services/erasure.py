"""The consumer's duty to erase (DPDP Act 2023 s.8(7)): what it received under a consent must
be erased when the citizen withdraws it (within SUCHI_ERASURE_GRACE_DAYS) and, in any case,
once the data life after the consent's end has passed. The consumer confirms; Suchi signs a
receipt of the confirmation, records it in the citizen's ledger (and tells the citizen and
the provider); what is not confirmed by its date is overdue, in the console and the portal."""

import hashlib
from datetime import datetime, timedelta

import rfc8785
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import Conflict, NotFound, ServiceError
from registry.models import Institution

from ..keys import key_publish, sign_compact
from ..models import ConsentArtefact, ConsentEvent, ConsentRequest, ErasureConfirmation
from .events import artefact_event, citizen_lock, instant_z
from .terms import period_after

RECEIPT_SCHEMA = "suchi.erasure-receipt/1"
RECEIPT_TYP = "erasure-receipt+jws"
ENDED = (ConsentArtefact.Status.REVOKED, ConsentArtefact.Status.EXPIRED)


def erase_by(artefact: ConsentArtefact) -> datetime:
    """When the consumer must have erased what it received under the artefact: its data life
    after the consent ends, or, once the citizen revoked it, SUCHI_ERASURE_GRACE_DAYS after
    the revocation, whichever is first."""
    request: ConsentRequest = artefact.request
    at_the_latest = period_after(
        artefact.valid_until, request.data_life_unit, request.data_life_value
    )
    if artefact.status == ConsentArtefact.Status.REVOKED:
        revoked = artefact.updated_at + timedelta(days=settings.SUCHI_ERASURE_GRACE_DAYS)
        return min(at_the_latest, revoked)
    return at_the_latest


def erasure_state(artefact: ConsentArtefact, now: datetime | None = None) -> str:
    """`confirmed`, `overdue`, `due` (the consent ended; not yet confirmed) or `none` (the
    consent is live and the data life has not run out)."""
    now = now or timezone.now()
    if hasattr(artefact, "erasure"):
        return "confirmed"
    due = erase_by(artefact)
    if due <= now:
        return "overdue"
    return "due" if artefact.status in ENDED else "none"


def erasure_confirm(
    *, institution: Institution, artefact_id, statement: str, actor: str
) -> ErasureConfirmation:
    """The artefact's consumer confirms it erased what it received. Once per artefact."""
    if not isinstance(statement, str) or not statement.strip():
        raise ServiceError("Say what was erased, and how.", field="statement")
    if len(statement) > 2000:
        raise ServiceError("At most 2000 characters.", field="statement")
    artefact = (
        ConsentArtefact.objects.select_related("consumer", "provider", "request")
        .filter(pk=artefact_id, consumer=institution)
        .first()
    )
    if artefact is None:
        raise NotFound("No such consent artefact received by this institution.")
    now = timezone.now()
    receipt = {
        "schema": RECEIPT_SCHEMA,
        "artefact": str(artefact.pk),
        "consumer": institution.slug,
        "provider": artefact.provider.slug,
        "citizen": None,  # set below, under the citizen's lock
        "confirmed_at": instant_z(now),
        "statement_sha256": hashlib.sha256(statement.strip().encode()).hexdigest(),
    }
    try:
        with transaction.atomic():
            artefact.citizen = citizen_lock(artefact.citizen_id)
            receipt["citizen"] = artefact.citizen.handle
            jws, kid = sign_compact(rfc8785.dumps(receipt), typ=RECEIPT_TYP)
            key_publish(kid)
            confirmation = ErasureConfirmation.objects.create(
                artefact=artefact,
                confirmed_at=now,
                statement=statement.strip(),
                confirmed_by=actor[:200],
                jws=jws,
            )
            artefact_event(
                artefact,
                ConsentEvent.Kind.ERASURE_CONFIRMED,
                actor=actor,
                at=now,
                consumer=institution.slug,
                statement_sha256=receipt["statement_sha256"],
            )
    except IntegrityError:
        raise Conflict(
            "Erasure is already confirmed for this artefact.", field="artefact"
        ) from None
    return confirmation


def erasures_of_consumer(*, institution: Institution, state: str | None = None, now=None):
    """The consumer's artefacts whose data must be, or is, erased, each with `erase_by` and
    `erasure_state` set; `state` keeps one state (`due`, `overdue`, `confirmed`)."""
    now = now or timezone.now()
    artefacts = (
        ConsentArtefact.objects.filter(consumer=institution)
        .filter(Q(status__in=ENDED) | Q(erasure__isnull=False))
        .select_related("request", "provider", "citizen", "erasure")
        .order_by("-updated_at")
    )
    found = []
    for artefact in artefacts:
        artefact.erase_by = erase_by(artefact)
        artefact.erasure_state = erasure_state(artefact, now)
        if state is None or artefact.erasure_state == state:
            found.append(artefact)
    return found
