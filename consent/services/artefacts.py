"""Consent artefacts after issue: the citizen pauses, resumes or revokes; time expires them;
providers ask their status and report each release of records as an access receipt."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import Conflict, NotFound, ServiceError
from registry.models import ApiToken, Institution

from .. import selectors
from ..models import AccessReceipt, CitizenProfile, ConsentArtefact, ConsentEvent, ConsentRequest
from .events import artefact_event, citizen_lock, citizen_lock_optional
from .requests import request_expire_if_due

Status = ConsentArtefact.Status
# action: (states it may start from, state it ends in, ledger event)
_TRANSITIONS = {
    "pause": ((Status.ACTIVE,), Status.PAUSED, ConsentEvent.Kind.ARTEFACT_PAUSED),
    "resume": ((Status.PAUSED,), Status.ACTIVE, ConsentEvent.Kind.ARTEFACT_RESUMED),
    "revoke": ((Status.ACTIVE, Status.PAUSED), Status.REVOKED, ConsentEvent.Kind.ARTEFACT_REVOKED),
}
SYSTEM_EXPIRY = "system: expiry"
CLOCK_SKEW = timedelta(minutes=5)


def _load(artefact_id, **scope) -> ConsentArtefact | None:
    return (
        ConsentArtefact.objects.select_related("consumer", "provider", "citizen")
        .filter(pk=artefact_id, **scope)
        .first()
    )


def _expire_if_due(artefact: ConsentArtefact, now: datetime) -> bool:
    """Expire a live artefact whose time is up. Call with its citizen locked."""
    if artefact.status not in ConsentArtefact.LIVE or artefact.valid_until > now:
        return False
    changed = ConsentArtefact.objects.filter(
        pk=artefact.pk, status__in=ConsentArtefact.LIVE
    ).update(status=Status.EXPIRED, updated_at=now)
    if changed != 1:
        return False
    artefact.status, artefact.updated_at = Status.EXPIRED, now
    artefact_event(artefact, ConsentEvent.Kind.ARTEFACT_EXPIRED, actor=SYSTEM_EXPIRY, at=now)
    return True


def artefact_transition(
    *, citizen: CitizenProfile, artefact_id, action: str, actor: str
) -> ConsentArtefact:
    """Pause, resume or revoke one of the citizen's artefacts (guarded: terminal states never
    change). Raises Conflict when the artefact is not in a state the action starts from."""
    allowed_from, target, kind = _TRANSITIONS[action]
    now = timezone.now()
    artefact = _load(artefact_id, citizen=citizen)
    if artefact is None:
        raise NotFound("No such consent.")
    with transaction.atomic():
        artefact.citizen = citizen_lock(citizen.pk)
        if action == "resume" and (
            artefact.citizen.answered_by_guardian or artefact.citizen.is_minor(now.date())
        ):
            # Resuming is saying yes again: for a child, or one a guardian answers for, the
            # guardian's to say (saying no, a pause or a withdrawal, stays the citizen's own).
            raise Conflict(
                "Your parent or guardian answers for you (DPDP Act 2023 s.9); you may pause "
                "or withdraw a consent yourself, not resume one.",
                field="status",
            )
        artefact.refresh_from_db(fields=["status", "updated_at"])
        expired = _expire_if_due(artefact, now)
        if not expired:
            changed = ConsentArtefact.objects.filter(
                pk=artefact.pk, status__in=allowed_from
            ).update(status=target, updated_at=now)
            if changed != 1:
                artefact.refresh_from_db(fields=["status"])
                raise Conflict(
                    f"This consent is {artefact.status}; it cannot be {_past(action)}.",
                    field="status",
                )
            artefact.status, artefact.updated_at = target, now
            artefact_event(artefact, kind, actor=actor, at=now)
    if expired:
        raise Conflict("This consent has expired.", field="status")
    return artefact


def _past(action: str) -> str:
    return {"pause": "paused", "resume": "resumed", "revoke": "revoked"}[action]


def artefact_pause(*, citizen: CitizenProfile, artefact_id, actor: str) -> ConsentArtefact:
    return artefact_transition(
        citizen=citizen, artefact_id=artefact_id, action="pause", actor=actor
    )


def artefact_resume(*, citizen: CitizenProfile, artefact_id, actor: str) -> ConsentArtefact:
    return artefact_transition(
        citizen=citizen, artefact_id=artefact_id, action="resume", actor=actor
    )


def artefact_revoke(*, citizen: CitizenProfile, artefact_id, actor: str) -> ConsentArtefact:
    return artefact_transition(
        citizen=citizen, artefact_id=artefact_id, action="revoke", actor=actor
    )


def artefact_for_party(*, institution: Institution, artefact_id) -> ConsentArtefact:
    """An artefact the institution is the provider or consumer of, expired first if its time
    is up so the answer is never stale. Anyone else gets NotFound."""
    artefact = (
        ConsentArtefact.objects.select_related("consumer", "provider", "citizen")
        .filter(Q(provider=institution) | Q(consumer=institution), pk=artefact_id)
        .first()
    )
    if artefact is None:
        raise NotFound("No such consent artefact.")
    return _fresh(artefact)


def artefact_for_citizen(*, citizen: CitizenProfile, artefact_id) -> ConsentArtefact:
    """One of the citizen's own artefacts, expired first if its time is up."""
    artefact = (
        ConsentArtefact.objects.select_related("consumer", "provider", "citizen")
        .filter(citizen=citizen, pk=artefact_id)
        .first()
    )
    if artefact is None:
        raise NotFound("No such consent artefact.")
    return _fresh(artefact)


def _fresh(artefact: ConsentArtefact) -> ConsentArtefact:
    now = timezone.now()
    if artefact.status in ConsentArtefact.LIVE and artefact.valid_until <= now:
        with transaction.atomic():
            artefact.citizen = citizen_lock(artefact.citizen_id)
            artefact.refresh_from_db(fields=["status", "updated_at"])
            _expire_if_due(artefact, now)
    return artefact


def artefact_status(*, institution: Institution, artefact_id) -> dict:
    """`{id, status, valid_until, updated_at}` for the artefact's provider or consumer, read
    with one statement (the hot path of every release); an artefact past its time is expired
    first, so the answer is never stale. Anyone else gets NotFound."""
    found = selectors.artefact_status_for_party(institution=institution, artefact_id=artefact_id)
    if found is None:
        raise NotFound("No such consent artefact.")
    if found["status"] in ConsentArtefact.LIVE and found["valid_until"] <= timezone.now():
        artefact = artefact_for_party(institution=institution, artefact_id=artefact_id)
        found = {
            "id": artefact.pk,
            "status": artefact.status,
            "valid_until": artefact.valid_until,
            "updated_at": artefact.updated_at,
        }
    return found


@dataclass(frozen=True)
class ReceiptInput:
    data_from: date
    data_to: date
    record_count: int
    sha256: str
    served_at: datetime


# Long: the checks before a release is recorded and the ledger entry, under one citizen lock.
def receipt_record(
    *,
    provider: Institution,
    artefact_id,
    receipt: ReceiptInput,
    token: ApiToken | None,
    actor: str,
) -> AccessReceipt:
    """Record that the provider released records under an artefact. Against an artefact that
    is not active the receipt is refused (Conflict) and the attempt is written to the ledger."""
    now = timezone.now()
    artefact = _load(artefact_id, provider=provider)
    if artefact is None:
        raise NotFound("No such consent artefact.")
    if receipt.data_from > receipt.data_to:
        raise ServiceError("`from` must not be after `to`.", field="data_range.from")
    granted = artefact.claims["data_range"]
    if (
        receipt.data_from.isoformat() < granted["from"]
        or receipt.data_to.isoformat() > granted["to"]
    ):
        raise ServiceError(
            f"Outside the consented range {granted['from']} to {granted['to']}.",
            field="data_range",
        )
    if receipt.served_at > now + CLOCK_SKEW:
        raise ServiceError("Must not be in the future.", field="served_at")
    if receipt.served_at < artefact.valid_from - CLOCK_SKEW:
        raise ServiceError("Before the consent was given.", field="served_at")
    refused_status = None
    with transaction.atomic():
        artefact.citizen = citizen_lock(artefact.citizen_id)
        artefact.refresh_from_db(fields=["status", "updated_at"])
        _expire_if_due(artefact, now)
        if artefact.status != Status.ACTIVE:
            refused_status = artefact.status
            artefact_event(
                artefact,
                ConsentEvent.Kind.RECEIPT_REFUSED,
                actor=actor,
                at=now,
                status=artefact.status,
                record_count=receipt.record_count,
            )
        else:
            record = AccessReceipt.objects.create(
                artefact=artefact,
                data_from=receipt.data_from,
                data_to=receipt.data_to,
                record_count=receipt.record_count,
                sha256=receipt.sha256,
                served_at=receipt.served_at,
                created_by_token=token,
            )
            artefact_event(
                artefact,
                ConsentEvent.Kind.RECEIPT_RECORDED,
                actor=actor,
                at=now,
                receipt=str(record.id),
                record_count=record.record_count,
                sha256=record.sha256,
            )
    if refused_status is not None:
        raise Conflict(
            f"This consent is {refused_status}; no records may be released under it.",
            field="status",
        )
    return record


def consents_expire(*, now: datetime | None = None, batch: int = 500) -> tuple[int, int]:
    """Expire pending requests past their answer-by time and live artefacts past their end.
    Returns (requests expired, artefacts expired). Safe to run concurrently and repeatedly."""
    now = now or timezone.now()
    requests_done = artefacts_done = 0
    request_ids = list(
        ConsentRequest.objects.filter(
            status=ConsentRequest.Status.PENDING, respond_by__lte=now
        ).values_list("pk", "citizen_id")[:batch]
    )
    for request_id, citizen_id in request_ids:
        with transaction.atomic():
            citizen = citizen_lock_optional(citizen_id)
            request = ConsentRequest.objects.select_related("consumer").get(pk=request_id)
            request.citizen = citizen
            if request.status == ConsentRequest.Status.PENDING:  # else answered meanwhile
                requests_done += request_expire_if_due(request, now, SYSTEM_EXPIRY)
    artefact_ids = list(
        ConsentArtefact.objects.filter(
            status__in=ConsentArtefact.LIVE, valid_until__lte=now
        ).values_list("pk", "citizen_id")[:batch]
    )
    for artefact_id, citizen_id in artefact_ids:
        with transaction.atomic():
            citizen = citizen_lock(citizen_id)
            artefact = _load(artefact_id)
            artefact.citizen = citizen
            artefacts_done += _expire_if_due(artefact, now)
    return requests_done, artefacts_done


def consent_withdraw(*, citizen: CitizenProfile, request_id, actor: str) -> list[ConsentArtefact]:
    """Revoke every live artefact a grant issued (one per provider), in one step, so that
    taking consent back is never more work than giving it. Returns the artefacts revoked
    (none if nothing was live); NotFound if the request is not the citizen's."""
    if not ConsentRequest.objects.filter(pk=request_id, citizen=citizen).exists():
        raise NotFound("No such consent request.")
    live = list(
        ConsentArtefact.objects.filter(
            request_id=request_id, citizen=citizen, status__in=ConsentArtefact.LIVE
        ).values_list("pk", flat=True)
    )
    with transaction.atomic():
        return [
            artefact_revoke(citizen=citizen, artefact_id=artefact_id, actor=actor)
            for artefact_id in live
        ]
