"""Nomination (DPDP Act 2023 s.14; DPDP Rules 2025): a citizen names someone who may, in the
event of the citizen's death or incapacity, exercise their rights through Suchi.

The citizen names the nominee by an e-mail address or mobile number; the nominee accepts by
signing in with it (a verified contact). A nominee who reports the citizen's death or
incapacity gives a reference to the supporting record held elsewhere (a death certificate
number, a medical board's order: Suchi stores no documents); the citizen is told at once (a
living, capable citizen withdraws the nomination and the report falls), and Suchi's
grievance officer reviews. Approved, the nominee may withdraw the citizen's consents and
export their records; rejected, the nomination stands as accepted. Every step is in the
citizen's ledger; the citizen may withdraw the nomination at any time.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.models import CitizenProfile, ConsentEvent
from consent.services import artefact_revoke
from consent.services.events import citizen_lock, event_record
from core.errors import Conflict, NotFound, ServiceError, TooManyAttempts
from identity.models import VerifiedIdentifier
from identity.notifications import notifications_write
from identity.services import identifier_of, naming_identifiers_of

from .fields import required_text
from .models import NOMINATION_LIVE, NOMINATION_TEXT_MAX, Nomination, NominationEvent

Status = Nomination.Status
Kind = ConsentEvent.Kind
# Each naming sends the person named a notice: at most this many a day, so that no one can be
# flooded with requests to be someone's nominee.
NAMINGS_PER_DAY = 5


def _event(nomination: Nomination, kind: str, *, actor: str, at: datetime, **data):
    return event_record(
        citizen=nomination.citizen,
        kind=kind,
        actor=actor,
        at=at,
        data={"nomination": str(nomination.pk), **data},
    )


def _tell(citizen: CitizenProfile, nomination: Nomination, kind: str, at: datetime, event) -> None:
    """Tell the citizen or the nominee of a step, once (the key is the ledger event's)."""
    to_nominee = citizen.pk != nomination.citizen_id
    notifications_write(
        citizen=citizen,
        kind=kind,
        key=f"step:{event.event_id.hex}:{citizen.pk}",
        at=at,
        about=nomination.pk,
        render=lambda: nomination_message(nomination, kind, to_nominee=to_nominee),
    )


def _holder(kind: str, value: str) -> CitizenProfile | None:
    found = VerifiedIdentifier.objects.filter(kind=kind, value=value).select_related("citizen")
    return found.first().citizen if found.exists() else None


def nomination_name(*, citizen: CitizenProfile, name: str, identifier: str, actor: str):
    """Name a nominee (replacing a nomination not yet acted on)."""
    name = required_text(name, "name", 200)
    try:
        kind, value = identifier_of(identifier)
    except ServiceError as exc:
        raise ServiceError(exc.message, field="identifier") from None
    holder = _holder(kind, value)
    if holder is not None and holder.pk == citizen.pk:
        raise ServiceError("You cannot name yourself as your nominee.", field="identifier")
    now = timezone.now()
    with transaction.atomic():
        citizen = citizen_lock(citizen.pk)
        if citizen.closed_at is not None:
            raise Conflict("This account is closed.", field="status")
        named_today = Nomination.objects.filter(
            citizen=citizen, created_at__gt=now - timedelta(days=1)
        ).count()
        if named_today >= NAMINGS_PER_DAY:
            raise TooManyAttempts(
                f"At most {NAMINGS_PER_DAY} nominees named a day; try again tomorrow.",
                field="identifier",
                retry_after=3600,
            )
        live = Nomination.objects.filter(citizen=citizen, status__in=NOMINATION_LIVE)
        if live.filter(status__in=[Status.REPORTED, Status.ACTIVE]).exists():
            raise Conflict(
                "Your nominee reported your death or incapacity; withdraw that nomination first.",
                field="status",
            )
        for old in live:
            old.citizen = citizen  # one instance: it carries the ledger's head
            _end(old, Status.WITHDRAWN, actor=actor, at=now, replaced=True)
        nomination = Nomination.objects.create(
            citizen=citizen,
            name=name,
            identifier_kind=kind,
            identifier_value=value,
            created_at=now,
            updated_at=now,
        )
        event = _event(nomination, Kind.NOMINATION_NAMED, actor=actor, at=now, identifier_kind=kind)
        if holder is not None:
            _tell(holder, nomination, Kind.NOMINATION_NAMED, now, event)
    return nomination


def _end(nomination: Nomination, status: str, *, actor: str, at: datetime, replaced=False):
    nomination.status, nomination.ended_at, nomination.updated_at = status, at, at
    nomination.save(update_fields=["status", "ended_at", "updated_at"])
    kind = Kind.NOMINATION_WITHDRAWN if status == Status.WITHDRAWN else Kind.NOMINATION_DECLINED
    event = _event(nomination, kind, actor=actor, at=at, **({"replaced": True} if replaced else {}))
    if status == Status.WITHDRAWN and nomination.nominee_id and not replaced:
        _tell(nomination.nominee, nomination, kind, at, event)
    if status == Status.DECLINED:
        _tell(nomination.citizen, nomination, kind, at, event)


def nomination_withdraw(*, citizen: CitizenProfile, actor: str) -> Nomination:
    """The citizen withdraws their nomination, whatever its state: a citizen who can do this
    is alive and capable, and a pending report falls with it."""
    now = timezone.now()
    with transaction.atomic():
        citizen_lock(citizen.pk)
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("citizen", "nominee")
            .filter(citizen=citizen, status__in=NOMINATION_LIVE)
            .first()
        )
        if nomination is None:
            raise NotFound("You have not named a nominee.")
        _end(nomination, Status.WITHDRAWN, actor=actor, at=now)
    return nomination


def nominations_naming(nominee: CitizenProfile):
    """The nominations the citizen accepted, or is named in and has not yet answered (by an
    identifier they verified: a freed address passes nothing of what its last holder did to
    its next one)."""
    asked = Q(nominee=nominee) | (
        Q(status=Status.NAMED, nominee=None) & naming_identifiers_of(nominee)
    )
    qs = Nomination.objects.select_related("citizen", "nominee").exclude(citizen=nominee)
    return qs.filter(asked)


def nomination_ties(citizen: CitizenProfile) -> set[int]:
    """The citizens whose nominations closing this citizen's account ends (to lock them)."""
    accepted = Q(nominee=citizen, status__in=NOMINATION_LIVE)
    named = Q(status=Status.NAMED, nominee=None) & naming_identifiers_of(citizen)
    return set(Nomination.objects.filter(accepted | named).values_list("citizen_id", flat=True))


def nominations_close_account(*, citizen: CitizenProfile, locked, actor: str, at) -> int:
    """As the citizen's account closes (before their identifiers are freed): withdraw their
    own nomination, and decline the ones naming them, accepted or not yet answered, so that
    the next holder of a freed address inherits none. `locked(pk)` is the transaction's
    locked instance of a citizen."""
    ties = (
        Nomination.objects.select_related("nominee")
        .filter(status__in=NOMINATION_LIVE)
        .filter(
            Q(citizen=citizen)
            | Q(nominee=citizen)
            | (Q(status=Status.NAMED, nominee=None) & naming_identifiers_of(citizen))
        )
        .order_by("created_at")
    )
    ended = 0
    for nomination in ties:
        nomination.citizen = locked(nomination.citizen_id)
        own = nomination.citizen_id == citizen.pk
        _end(nomination, Status.WITHDRAWN if own else Status.DECLINED, actor=actor, at=at)
        ended += 1
    return ended


def _for_nominee(nominee: CitizenProfile, nomination_id, *statuses) -> Nomination:
    """The citizen's lock, then the nomination (in one of `statuses`) naming the nominee."""
    found = (
        nominations_naming(nominee).filter(pk=nomination_id).values_list("citizen_id", flat=True)
    )
    if not found:
        raise NotFound("No such nomination.")
    citizen_lock(found[0])
    nomination = (
        nominations_naming(nominee).select_for_update(of=("self",)).filter(pk=nomination_id).first()
    )
    if nomination is None:
        raise NotFound("No such nomination.")
    if nomination.status not in statuses:
        raise Conflict(f"This nomination is {nomination.status}.", field="status")
    return nomination


def nomination_accept(*, nominee: CitizenProfile, nomination_id) -> Nomination:
    """The nominee accepts: signed in with the identifier they were named by."""
    now = timezone.now()
    with transaction.atomic():
        nomination = _for_nominee(nominee, nomination_id, Status.NAMED)
        nomination.nominee, nomination.status = nominee, Status.ACCEPTED
        nomination.accepted_at = nomination.updated_at = now
        nomination.save(update_fields=["nominee", "status", "accepted_at", "updated_at"])
        event = _event(
            nomination, Kind.NOMINATION_ACCEPTED, actor=f"nominee {nominee.handle}", at=now
        )
        _tell(nomination.citizen, nomination, Kind.NOMINATION_ACCEPTED, now, event)
    return nomination


def nomination_decline(*, nominee: CitizenProfile, nomination_id) -> Nomination:
    now = timezone.now()
    with transaction.atomic():
        nomination = _for_nominee(nominee, nomination_id, Status.NAMED, Status.ACCEPTED)
        _end(nomination, Status.DECLINED, actor=f"nominee {nominee.handle}", at=now)
    return nomination


def nomination_report(
    *, nominee: CitizenProfile, nomination_id, event: str, reference: str, text: str = ""
) -> Nomination:
    """The nominee reports the citizen's death or incapacity, with a reference to the
    supporting record held elsewhere; the grievance officer reviews it."""
    if event not in NominationEvent.values:
        raise ServiceError(
            f"Say what happened: one of {', '.join(NominationEvent.values)}.", field="event"
        )
    reference = required_text(reference, "reference", 300)
    text = (text or "").strip()
    if len(text) > NOMINATION_TEXT_MAX:
        raise ServiceError(f"At most {NOMINATION_TEXT_MAX} characters.", field="text")
    now = timezone.now()
    with transaction.atomic():
        nomination = _for_nominee(nominee, nomination_id, Status.ACCEPTED)
        if nomination.nominee_id != nominee.pk:
            raise NotFound("No such nomination.")
        nomination.status, nomination.event = Status.REPORTED, event
        nomination.evidence_reference, nomination.report_text = reference, text
        nomination.reported_at = nomination.updated_at = now
        nomination.save(
            update_fields=[
                "status",
                "event",
                "evidence_reference",
                "report_text",
                "reported_at",
                "updated_at",
            ]
        )
        event = _event(
            nomination,
            Kind.NOMINATION_REPORTED,
            actor=f"nominee {nominee.handle}",
            at=now,
            event=event,
        )
        _tell(nomination.citizen, nomination, Kind.NOMINATION_REPORTED, now, event)
    return nomination


def nominations_to_review():
    return Nomination.objects.select_related("citizen", "nominee").filter(status=Status.REPORTED)


def nomination_review(*, nomination_id, approve: bool, text: str, actor: str) -> Nomination:
    """The grievance officer approves the report (the nominee may act) or rejects it (the
    nomination stands, accepted)."""
    text = required_text(text, "text", NOMINATION_TEXT_MAX)
    now = timezone.now()
    with transaction.atomic():
        found = Nomination.objects.filter(pk=nomination_id).values_list("citizen_id", flat=True)
        if not found:
            raise NotFound("No such nomination.")
        citizen_lock(found[0])
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("citizen", "nominee")
            .get(pk=nomination_id)
        )
        if nomination.status != Status.REPORTED:
            raise Conflict(f"This nomination is {nomination.status}.", field="status")
        nomination.status = Status.ACTIVE if approve else Status.ACCEPTED
        nomination.review_text, nomination.reviewed_by = text, f"grievance officer ({actor})"[:200]
        nomination.reviewed_at = nomination.updated_at = now
        nomination.save(
            update_fields=["status", "review_text", "reviewed_by", "reviewed_at", "updated_at"]
        )
        kind = Kind.NOMINATION_APPROVED if approve else Kind.NOMINATION_REJECTED
        event = _event(nomination, kind, actor=nomination.reviewed_by, at=now)
        _tell(nomination.nominee, nomination, kind, now, event)
        _tell(nomination.citizen, nomination, kind, now, event)
    return nomination


def nomination_acting(nominee: CitizenProfile, nomination_id) -> Nomination:
    """An active nomination of the nominee's (NotFound otherwise): who they may act for."""
    nomination = (
        Nomination.objects.select_related("citizen")
        .filter(pk=nomination_id, nominee=nominee, status=Status.ACTIVE)
        .first()
    )
    if nomination is None:
        raise NotFound("No such nomination, or it does not let you act yet.")
    return nomination


def nominee_revoke(*, nominee: CitizenProfile, nomination_id, artefact_id):
    """The nominee withdraws one of the citizen's consents."""
    with transaction.atomic():
        nomination = nomination_acting(nominee, nomination_id)
        return artefact_revoke(
            citizen=nomination.citizen, artefact_id=artefact_id, actor=f"nominee {nominee.handle}"
        )


# Long: one message per step, for the citizen or the nominee, in the active language.
def nomination_message(nomination: Nomination, kind: str, *, to_nominee: bool):
    """(subject, body, link) for one step, in the active language."""
    link = settings.SUCHI_SITE_URL + reverse("portal-nomination")
    values = {"citizen": nomination.citizen.handle, "name": nomination.name, "link": link}
    if kind == Kind.NOMINATION_NAMED:
        subject = _("%(citizen)s names you as their nominee")
        body = _(
            "%(citizen)s named you to exercise their rights in Suchi if they die or become "
            "unable to. Accept or decline: %(link)s"
        )
    elif kind == Kind.NOMINATION_ACCEPTED:
        subject = _("%(name)s accepted to be your nominee")
        body = _("%(name)s accepted to be your nominee. %(link)s")
    elif kind == Kind.NOMINATION_DECLINED:
        subject = _("%(name)s declined to be your nominee")
        body = _("%(name)s declined to be your nominee. You may name someone else: %(link)s")
    elif kind == Kind.NOMINATION_REPORTED:
        subject = _("Your nominee reported your death or incapacity")
        body = _(
            "Your nominee %(name)s reported your death or incapacity to Suchi. If this is not "
            "true, withdraw the nomination now and the report falls: %(link)s"
        )
    elif kind == Kind.NOMINATION_APPROVED and to_nominee:
        subject = _("You may now act for %(citizen)s")
        body = _(
            "Suchi's grievance officer accepted your report. You may now withdraw the "
            "consents of %(citizen)s and export their records: %(link)s"
        )
    elif kind == Kind.NOMINATION_APPROVED:
        subject = _("Your nominee may now act for you")
        body = _(
            "Suchi's grievance officer accepted your nominee's report. If you can read this, "
            "withdraw the nomination: %(link)s"
        )
    elif kind == Kind.NOMINATION_REJECTED:
        subject = _("The report to Suchi was not accepted")
        body = _(
            "Suchi's grievance officer did not accept the report of death or incapacity. The "
            "nomination stands. %(link)s"
        )
    else:  # withdrawn
        subject = _("%(citizen)s withdrew your nomination")
        body = _("%(citizen)s withdrew the nomination that named you. %(link)s")
    return subject % values, body % values, link
