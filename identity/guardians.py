"""Children and persons with disability (DPDP Act 2023 s.9; DPDP Rules 2025 rule 10).

A citizen under 18 names a parent or lawful guardian when they sign up; an adult with a
disability names their lawful guardian with the reference of the court or authority order
that appointed them (Suchi stores no documents). The guardian confirms with a fresh one-time
code sent to an identifier they verified, declaring themself an adult and how they are
related; from then the guardian answers the ward's consent requests (the ward may still deny
a request or withdraw a consent: saying no never needs a guardian), and every artefact the
guardian grants says so, and how the guardian was verified (`given_by`). A child's
guardianship ends by itself at 18 (beat `end-guardianships-at-majority`), with a notice to
both. Every step is in the ward's ledger.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from consent.models import AGE_OF_MAJORITY, CitizenProfile, ConsentEvent
from consent.services import artefact_revoke, consent_deny, consent_grant
from consent.services.events import citizen_lock, event_record
from core.errors import Conflict, NotFound, ServiceError, TooManyAttempts

from .ages import birth_date_checked
from .guardian_messages import guardian_message
from .models import GuardianRelationship, Guardianship, GuardianshipBasis, VerifiedIdentifier
from .notifications import notifications_write
from .services import identifier_of, naming_identifiers_of, otp_check

Status = Guardianship.Status
Kind = ConsentEvent.Kind
ORDER_REFERENCE_MAX = 300
# Each naming sends the person named a notice: a citizen names at most this many a day, so no
# one can be flooded with requests to be someone's guardian.
NAMINGS_PER_DAY = 5


def _named(text: str) -> tuple[str, str]:
    try:
        return identifier_of(text)
    except ServiceError as exc:
        raise ServiceError(exc.message, field="guardian") from None


def _event(guardianship: Guardianship, kind: str, *, actor: str, at: datetime, **data):
    return event_record(
        citizen=guardianship.ward,
        kind=kind,
        actor=actor,
        at=at,
        data={"guardianship": str(guardianship.pk), "basis": guardianship.basis, **data},
    )


def _tell(
    citizen: CitizenProfile, guardianship: Guardianship, kind: str, at: datetime, event
) -> None:
    """Tell the ward or the guardian of a step, once (the key is the ledger event's)."""
    to_guardian = citizen.pk != guardianship.ward_id
    notifications_write(
        citizen=citizen,
        kind=kind,
        key=f"step:{event.event_id.hex}:{citizen.pk}",
        at=at,
        about=guardianship.pk,
        render=lambda: guardian_message(guardianship, kind, to_guardian=to_guardian),
    )


# Long: the checks in the order of the form (who, on what basis, with which order), then the
# write under the ward's lock.
def guardianship_name(
    *,
    ward: CitizenProfile,
    guardian: str,
    basis: str,
    order_reference: str = "",
    actor: str,
) -> Guardianship:
    """The ward names a guardian by an e-mail address or mobile number the guardian verified
    in Suchi. A pending guardianship is replaced; an active one must end first."""
    if basis not in GuardianshipBasis.values:
        raise ServiceError(
            f"Unknown basis; use one of {', '.join(GuardianshipBasis.values)}.", field="basis"
        )
    kind, value = _named(guardian)
    now = timezone.now()
    order_reference = (order_reference or "").strip()
    if basis == GuardianshipBasis.MINOR and not ward.is_minor(now.date()):
        raise ServiceError(
            f"A parent answers for a child under {AGE_OF_MAJORITY}; this account is not a "
            "child's (for a person with disability, the basis is `disability`).",
            field="basis",
        )
    if basis == GuardianshipBasis.DISABILITY and (
        not order_reference or len(order_reference) > ORDER_REFERENCE_MAX
    ):
        raise ServiceError(
            "Give the reference of the court or authority order that appointed the lawful "
            f"guardian (at most {ORDER_REFERENCE_MAX} characters; Suchi keeps no document).",
            field="order_reference",
        )
    if VerifiedIdentifier.objects.filter(citizen=ward, kind=kind, value=value).exists():
        raise ServiceError("You cannot be your own guardian.", field="guardian")
    with transaction.atomic():
        ward = citizen_lock(ward.pk)
        if (
            Guardianship.objects.filter(ward=ward, created_at__gt=now - timedelta(days=1)).count()
            >= NAMINGS_PER_DAY
        ):
            raise TooManyAttempts(
                f"At most {NAMINGS_PER_DAY} guardians named a day; try again tomorrow.",
                field="guardian",
                retry_after=3600,
            )
        live = Guardianship.objects.filter(ward=ward, status__in=[Status.PENDING, Status.ACTIVE])
        if live.filter(status=Status.ACTIVE).exists():
            raise Conflict("A guardian answers for you already.", field="guardian")
        for pending in live:
            pending.status, pending.ended_at = Status.ENDED, now
            pending.end_reason = "another guardian was named"
            pending.save(update_fields=["status", "ended_at", "end_reason"])
        guardianship = Guardianship.objects.create(
            ward=ward,
            identifier_kind=kind,
            identifier_value=value,
            basis=basis,
            order_reference=order_reference[:ORDER_REFERENCE_MAX],
            created_at=now,
        )
        event = _event(guardianship, Kind.GUARDIAN_NAMED, actor=actor, at=now)
        holder = VerifiedIdentifier.objects.filter(kind=kind, value=value).first()
        if holder is not None:
            _tell(holder.citizen, guardianship, Kind.GUARDIAN_NAMED, now, event)
    return guardianship


def _for_guardian(guardian: CitizenProfile, guardianship_id, *, status: str) -> Guardianship:
    """The ward's lock, then the guardianship in `status` the guardian may act on: unanswered
    ones named by an identifier the guardian holds; those they answered (confirmed) themself.
    A declined or ended one naming a freed address is not the next holder's to see."""
    found = Guardianship.objects.filter(pk=guardianship_id).values_list("ward_id", flat=True)
    if not found:
        raise NotFound("No such guardianship.")
    citizen_lock(found[0])
    guardianship = (
        Guardianship.objects.select_for_update(of=("self",))
        .select_related("ward")
        .filter(pk=guardianship_id)
        .first()
    )
    if guardianship.guardian_id is not None or guardianship.status != Status.PENDING:
        mine = guardianship.guardian_id == guardian.pk
    else:  # unanswered: whoever holds the identifier named
        mine = VerifiedIdentifier.objects.filter(
            citizen=guardian,
            kind=guardianship.identifier_kind,
            value=guardianship.identifier_value,
        ).exists()
    if not mine:
        raise NotFound("No such guardianship.")
    if guardianship.status != status:
        raise Conflict(f"This guardianship is {guardianship.status}.", field="status")
    return guardianship


# Long: the guardian's declarations checked, their code checked, then the confirmation under
# the ward's lock.
def guardianship_confirm(
    *,
    guardian: CitizenProfile,
    guardianship_id,
    code: str,
    relationship: str,
    birth_date=None,
    token_reference: str = "",
) -> Guardianship:
    """The guardian confirms with a fresh one-time code sent to the identifier the ward named
    (rule 10: a verifiable adult), says how they are related, and declares their own date of
    birth if they had not."""
    if relationship not in GuardianRelationship.values:
        raise ServiceError(
            f"Say how you are related: one of {', '.join(GuardianRelationship.values)}.",
            field="relationship",
        )
    token_reference = (token_reference or "").strip()
    if len(token_reference) > ORDER_REFERENCE_MAX:
        raise ServiceError("At most 300 characters.", field="token_reference")
    pending = (
        Guardianship.objects.filter(pk=guardianship_id, status=Status.PENDING)
        .exclude(ward=guardian)
        .first()
    )
    if (
        pending is None
        or not VerifiedIdentifier.objects.filter(
            citizen=guardian, kind=pending.identifier_kind, value=pending.identifier_value
        ).exists()
    ):
        raise NotFound("No such guardianship.")
    on_record = CitizenProfile.objects.filter(pk=guardian.pk).values_list(
        "birth_date", "answered_by_guardian"
    )[0]
    declared = birth_date_checked(birth_date) if birth_date else on_record[0]
    if on_record[0] is not None and declared != on_record[0]:
        raise ServiceError(
            "Your date of birth is on record already and cannot be changed here.",
            field="birth_date",
        )
    if on_record[1]:
        raise ServiceError(
            "A guardian answers for you: you cannot be someone else's guardian.",
            field="relationship",
        )
    now = timezone.now()
    if declared is None:
        raise ServiceError(
            "Declare your date of birth: a guardian is an adult.", field="birth_date"
        )
    guardian.birth_date = declared
    if guardian.is_minor(now.date()):
        raise ServiceError(
            f"A guardian must be an adult ({AGE_OF_MAJORITY} or over).", field="birth_date"
        )
    holder, _created = otp_check(
        identifier=pending.identifier_value, code=code, language=guardian.language
    )
    if holder.pk != guardian.pk:
        raise NotFound("No such guardianship.")
    with transaction.atomic():
        # Both rows change: locked in id order, as account_close locks a family.
        for pk in sorted({guardian.pk, pending.ward_id}):
            citizen_lock(pk)
        guardianship = _for_guardian(guardian, guardianship_id, status=Status.PENDING)
        CitizenProfile.objects.filter(pk=guardian.pk).update(birth_date=declared)
        guardianship.guardian = guardian
        guardianship.relationship = relationship
        guardianship.status, guardianship.confirmed_at = Status.ACTIVE, now
        guardianship.verification = {
            "method": "one-time code",
            "identifier_kind": guardianship.identifier_kind,
            "verified_at": now.isoformat().replace("+00:00", "Z"),
            "declared_adult": True,
            **({"token_reference": token_reference} if token_reference else {}),
        }
        guardianship.save(
            update_fields=["guardian", "relationship", "status", "confirmed_at", "verification"]
        )
        CitizenProfile.objects.filter(pk=guardianship.ward_id).update(answered_by_guardian=True)
        event = _event(
            guardianship,
            Kind.GUARDIAN_CONFIRMED,
            actor=f"guardian {guardian.handle}",
            at=now,
            relationship=relationship,
            verification=guardianship.verification["method"],
        )
        _tell(guardianship.ward, guardianship, Kind.GUARDIAN_CONFIRMED, now, event)
    return guardianship


def guardianship_decline(*, guardian: CitizenProfile, guardianship_id) -> Guardianship:
    """The person named declines to be the guardian."""
    now = timezone.now()
    with transaction.atomic():
        guardianship = _for_guardian(guardian, guardianship_id, status=Status.PENDING)
        guardianship.status, guardianship.ended_at = Status.DECLINED, now
        guardianship.save(update_fields=["status", "ended_at"])
        event = _event(
            guardianship, Kind.GUARDIAN_DECLINED, actor=f"citizen {guardian.handle}", at=now
        )
        _tell(guardianship.ward, guardianship, Kind.GUARDIAN_DECLINED, now, event)
    return guardianship


def _end(guardianship: Guardianship, *, reason: str, actor: str, at: datetime) -> None:
    guardianship.status, guardianship.ended_at, guardianship.end_reason = Status.ENDED, at, reason
    guardianship.save(update_fields=["status", "ended_at", "end_reason"])
    CitizenProfile.objects.filter(pk=guardianship.ward_id).update(answered_by_guardian=False)
    event = _event(guardianship, Kind.GUARDIAN_ENDED, actor=actor, at=at, reason=reason)
    _tell(guardianship.ward, guardianship, Kind.GUARDIAN_ENDED, at, event)
    if guardianship.guardian is not None:
        _tell(guardianship.guardian, guardianship, Kind.GUARDIAN_ENDED, at, event)


def guardianship_end(*, guardian: CitizenProfile, guardianship_id) -> Guardianship:
    """The guardian steps down (a child is then without one until another is confirmed)."""
    now = timezone.now()
    with transaction.atomic():
        guardianship = _for_guardian(guardian, guardianship_id, status=Status.ACTIVE)
        _end(
            guardianship,
            reason="the guardian stepped down",
            actor=f"guardian {guardian.handle}",
            at=now,
        )
    return guardianship


def guardianship_ties(citizen: CitizenProfile) -> set[int]:
    """The wards whose rows closing this citizen's account changes (to lock them first)."""
    held = Q(guardian=citizen, status=Status.ACTIVE)
    named = Q(status=Status.PENDING) & naming_identifiers_of(citizen)
    return set(Guardianship.objects.filter(held | named).values_list("ward_id", flat=True))


def guardianships_close_account(*, citizen: CitizenProfile, locked, actor: str, at) -> int:
    """As the citizen's account closes (before their identifiers are freed): end their own
    guardianship, the ones they hold, and the requests naming them still unanswered, so a
    ward is never left answered for by no one, nor confirmable by the next holder of a freed
    address. `locked(pk)` is the transaction's locked instance of a citizen."""
    named = naming_identifiers_of(citizen)
    live = Q(status__in=[Status.PENDING, Status.ACTIVE])
    ties = (
        Guardianship.objects.select_related("guardian")
        .filter(live & (Q(ward=citizen) | Q(guardian=citizen) | (Q(status=Status.PENDING) & named)))
        .order_by("created_at")
    )
    ended = 0
    for guardianship in ties:
        guardianship.ward = locked(guardianship.ward_id)
        reason = (
            "the ward closed their account"
            if guardianship.ward_id == citizen.pk
            else "the guardian closed their account"
        )
        _end(guardianship, reason=reason, actor=actor, at=at)
        ended += 1
    return ended


def guardianships_end_at_majority(*, today: date | None = None, limit: int = 500) -> int:
    """End the guardianships of children who turned 18: their account is theirs. Safe to run
    concurrently and again."""
    today = today or timezone.localdate()
    try:
        came_of_age = today.replace(year=today.year - AGE_OF_MAJORITY)
    except ValueError:  # 29 February
        came_of_age = today.replace(year=today.year - AGE_OF_MAJORITY, day=28)
    due = Guardianship.objects.filter(
        basis=GuardianshipBasis.MINOR,
        status__in=[Status.ACTIVE, Status.PENDING],
        ward__birth_date__lte=came_of_age,
    ).values_list("pk", "ward_id")[:limit]
    ended = 0
    for guardianship_id, ward_id in due:
        with transaction.atomic():
            citizen_lock(ward_id)
            guardianship = (
                Guardianship.objects.select_for_update(of=("self",))
                .select_related("ward", "guardian")
                .get(pk=guardianship_id)
            )
            if guardianship.status in (Status.ACTIVE, Status.PENDING):
                _end(
                    guardianship,
                    reason="the ward turned 18",
                    actor="system: majority",
                    at=timezone.now(),
                )
                ended += 1
    return ended


def given_by(guardianship: Guardianship) -> dict:
    """What an artefact the guardian grants says of who granted it (the `given_by` claim)."""
    return {
        "role": "guardian",
        "guardian": guardianship.guardian.handle,
        "basis": guardianship.basis,
        "relationship": guardianship.relationship,
        "verification": guardianship.verification,
        **(
            {"order_reference": guardianship.order_reference}
            if guardianship.order_reference
            else {}
        ),
    }


def _active(guardian: CitizenProfile, guardianship_id) -> Guardianship:
    guardianship = _for_guardian(guardian, guardianship_id, status=Status.ACTIVE)
    guardianship.guardian = guardian
    return guardianship


def ward_grant(*, guardian: CitizenProfile, guardianship_id, request_id, **choices):
    """The guardian grants a consent request made to their ward (choices as consent_grant)."""
    with transaction.atomic():
        guardianship = _active(guardian, guardianship_id)
        return consent_grant(
            citizen=guardianship.ward,
            request_id=request_id,
            actor=f"guardian {guardian.handle}",
            given_by=given_by(guardianship),
            **choices,
        )


def ward_deny(*, guardian: CitizenProfile, guardianship_id, request_id):
    with transaction.atomic():
        guardianship = _active(guardian, guardianship_id)
        return consent_deny(
            citizen=guardianship.ward, request_id=request_id, actor=f"guardian {guardian.handle}"
        )


def ward_revoke(*, guardian: CitizenProfile, guardianship_id, artefact_id):
    with transaction.atomic():
        guardianship = _active(guardian, guardianship_id)
        return artefact_revoke(
            citizen=guardianship.ward, artefact_id=artefact_id, actor=f"guardian {guardian.handle}"
        )


def guardianships_of_guardian(guardian: CitizenProfile):
    """Guardianships the citizen holds or held, or is named for and has not yet answered (by
    an identifier they verified: a freed address passes nothing of what its last holder did
    to its next one)."""
    asked = Q(guardian=guardian) | (Q(status=Status.PENDING) & naming_identifiers_of(guardian))
    qs = Guardianship.objects.select_related("ward", "guardian")
    return qs.filter(asked).exclude(ward=guardian)


def guardianships_of_ward(ward: CitizenProfile):
    return Guardianship.objects.select_related("guardian").filter(ward=ward)
