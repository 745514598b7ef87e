"""Grievance redressal (DPDP Act 2023 s.13, DPDP Rules 2025 rule 14): a citizen files a
grievance about Suchi or a named institution and gets a reference and a due date; the
institution (or, for Suchi itself, the grievance officer) answers; the citizen accepts the
answer or takes it to the grievance officer; a grievance unanswered by its due date goes to
the grievance officer by itself, and the citizen is told where to go next (the Data
Protection Board). Every step is a GrievanceStep, told to the citizen (inbox, e-mail, SMS as
they chose) and, when it concerns an institution, sent to its webhooks."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from consent.models import CitizenProfile, ConsentArtefact
from consent.services import outbox_write
from core.errors import Conflict, NotFound, ServiceError, TooManyAttempts
from identity.notifications import notifications_write
from registry.models import Institution

from .fields import reference_number, required_text
from .models import (
    GRIEVANCE_TEXT_MAX,
    Grievance,
    GrievanceKind,
    GrievanceOutcome,
    GrievanceStep,
)
from .notify import grievance_message
from .selectors import institutions_of_citizen

Kind = GrievanceStep.Kind
Status = Grievance.Status
GRIEVANCES_PER_DAY = 10


def _step(grievance: Grievance, kind: str, *, actor: str, at: datetime, text: str = "") -> None:
    """Record the step, tell the citizen, and send it to the institution's webhooks (in the
    caller's transaction)."""
    step = GrievanceStep.objects.create(
        grievance=grievance, kind=kind, actor=actor[:200], text=text, at=at
    )
    notifications_write(
        citizen=grievance.citizen,
        kind=kind,
        key=f"grievance-step:{step.pk}",
        at=at,
        about=grievance.pk,
        render=lambda: grievance_message(grievance, kind),
    )
    if grievance.institution is not None and kind in (Kind.FILED, Kind.ESCALATED):
        outbox_write(
            event_id=step.event_id,
            kind=kind,
            at=at,
            recipients=[grievance.institution],
            payload={"grievance": grievance_summary(grievance)},
        )


def grievance_summary(grievance: Grievance) -> dict:
    """What an institution's webhook hears: never the citizen's text (it reads that in its
    console or the API, authenticated)."""
    return {
        "id": str(grievance.pk),
        "reference": grievance.reference,
        "status": grievance.status,
        "kind": grievance.kind,
        "institution": grievance.institution.slug if grievance.institution else None,
        "due_at": grievance.due_at.isoformat().replace("+00:00", "Z"),
    }


# Long: every field checked in the order of the form, then the write, retried on a taken
# reference number.
def grievance_file(
    *,
    citizen: CitizenProfile,
    institution_slug: str | None,
    subject: str,
    text: str,
    actor: str,
    kind: str = "grievance",
    artefact_id=None,
) -> Grievance:
    """File a grievance, or a request to correct, complete, update or erase data (`kind`,
    s.12), optionally about the data shared under one of the citizen's consents; it is due
    SUCHI_GRIEVANCE_DAYS (at most 90) days from now."""
    if kind not in GrievanceKind.values:
        raise ServiceError(
            f"Unknown kind; use one of {', '.join(GrievanceKind.values)}.", field="kind"
        )
    subject = required_text(subject, "subject", 200)
    text = required_text(text, "text", GRIEVANCE_TEXT_MAX)
    if kind != GrievanceKind.GRIEVANCE and not institution_slug:
        raise ServiceError(
            "A request to correct, complete, update or erase data goes to the institution "
            "that holds it: name it.",
            field="institution",
        )
    institution = None
    if institution_slug:
        institution = institutions_of_citizen(citizen).filter(slug=institution_slug).first()
        if institution is None:
            raise ServiceError(
                "No institution you deal with through Suchi has this id; leave it out for a "
                "grievance about Suchi.",
                field="institution",
            )
    artefact = None
    if artefact_id is not None:
        artefact = ConsentArtefact.objects.filter(pk=artefact_id, citizen=citizen).first()
        if artefact is None:  # another citizen's is as unknown as one that never was
            raise NotFound("You have no consent with this id.", field="artefact")
        if institution is None or institution.pk not in (
            artefact.provider_id,
            artefact.consumer_id,
        ):
            raise ServiceError("Not one of your consents with this institution.", field="artefact")
    now = timezone.now()
    filed_today = Grievance.objects.filter(
        citizen=citizen, created_at__gt=now - timedelta(days=1)
    ).count()
    if filed_today >= GRIEVANCES_PER_DAY:
        raise TooManyAttempts(
            f"At most {GRIEVANCES_PER_DAY} grievances a day; add to one you filed instead.",
            field="text",
            retry_after=3600,
        )
    for _ in range(5):
        try:
            with transaction.atomic():
                grievance = Grievance.objects.create(
                    reference=reference_number("GRV", now),
                    citizen=citizen,
                    institution=institution,
                    kind=kind,
                    artefact=artefact,
                    subject=subject,
                    text=text,
                    created_at=now,
                    due_at=now + timedelta(days=settings.SUCHI_GRIEVANCE_DAYS),
                    updated_at=now,
                )
                _step(grievance, Kind.FILED, actor=actor, at=now)
                return grievance
        except IntegrityError:  # the reference was taken: draw another
            continue
    raise Conflict("No free reference number; try again.", field="reference")


def _locked(grievance_id, **scope) -> Grievance:
    grievance = (
        Grievance.objects.select_for_update(of=("self",))
        .select_related("citizen", "institution")
        .filter(pk=grievance_id, **scope)
        .first()
    )
    if grievance is None:
        raise NotFound("No such grievance.")
    return grievance


def institution_may_answer(grievance: Grievance) -> bool:
    """The named institution answers an open grievance, or one escalated for want of its
    answer (late is better than never); once the citizen took its answer to the grievance
    officer, the officer answers."""
    if grievance.institution is None:
        return False
    return grievance.status == Status.OPEN or (
        grievance.status == Status.ESCALATED and grievance.answered_at is None
    )


def officer_may_answer(grievance: Grievance) -> bool:
    """The grievance officer answers grievances about Suchi and escalated ones."""
    if grievance.institution is None:
        return grievance.status in (Status.OPEN, Status.ESCALATED)
    return grievance.status == Status.ESCALATED


def _answer(grievance: Grievance, text: str, actor: str, outcome: str = "") -> Grievance:
    now = timezone.now()
    if grievance.kind != GrievanceKind.GRIEVANCE and outcome not in GrievanceOutcome.values:
        raise ServiceError(
            f"Say what was done: one of {', '.join(GrievanceOutcome.values)}.", field="outcome"
        )
    grievance.status, grievance.answer = Status.ANSWERED, text
    grievance.outcome = outcome if grievance.kind != GrievanceKind.GRIEVANCE else ""
    grievance.answered_at, grievance.answered_by, grievance.updated_at = now, actor[:200], now
    grievance.save(
        update_fields=["status", "answer", "outcome", "answered_at", "answered_by", "updated_at"]
    )
    _step(grievance, Kind.ANSWERED, actor=actor, at=now, text=text)
    return grievance


def grievance_answer(
    *, institution: Institution, grievance_id, text: str, actor: str, outcome: str = ""
) -> Grievance:
    """The named institution answers a grievance about it (open, or escalated for want of
    an answer: a late answer is still an answer)."""
    text = required_text(text, "text", GRIEVANCE_TEXT_MAX)
    with transaction.atomic():
        grievance = _locked(grievance_id, institution=institution)
        if not institution_may_answer(grievance):
            raise Conflict(
                f"This grievance is {grievance.status}; the institution may not answer it now.",
                field="status",
            )
        return _answer(grievance, text, actor, outcome)


def grievance_officer_answer(
    *, grievance_id, text: str, actor: str, outcome: str = ""
) -> Grievance:
    """Suchi's grievance officer answers a grievance about Suchi, or one escalated to them."""
    text = required_text(text, "text", GRIEVANCE_TEXT_MAX)
    with transaction.atomic():
        grievance = _locked(grievance_id)
        if not officer_may_answer(grievance):
            raise Conflict(
                "The institution answers this grievance until it is escalated.", field="status"
            )
        return _answer(grievance, text, f"grievance officer ({actor})", outcome)


def grievance_resolve(*, citizen: CitizenProfile, grievance_id, actor: str) -> Grievance:
    """The citizen accepts the answer."""
    with transaction.atomic():
        grievance = _locked(grievance_id, citizen=citizen)
        if grievance.status != Status.ANSWERED:
            raise Conflict("Only an answered grievance can be resolved.", field="status")
        now = timezone.now()
        grievance.status, grievance.resolved_at, grievance.updated_at = Status.RESOLVED, now, now
        grievance.save(update_fields=["status", "resolved_at", "updated_at"])
        _step(grievance, Kind.RESOLVED, actor=actor, at=now)
    return grievance


def grievance_escalate(
    *, citizen: CitizenProfile, grievance_id, text: str, actor: str
) -> Grievance:
    """The citizen is not satisfied with the institution's answer: the grievance officer
    takes it up."""
    text = required_text(text, "text", GRIEVANCE_TEXT_MAX)
    with transaction.atomic():
        grievance = _locked(grievance_id, citizen=citizen)
        if grievance.status != Status.ANSWERED or grievance.institution is None:
            raise Conflict(
                "Only an institution's answer can be taken to the grievance officer.",
                field="status",
            )
        return _escalate(grievance, actor=actor, text=text)


def _escalate(grievance: Grievance, *, actor: str, text: str = "") -> Grievance:
    now = timezone.now()
    grievance.status, grievance.escalated_at, grievance.updated_at = Status.ESCALATED, now, now
    grievance.save(update_fields=["status", "escalated_at", "updated_at"])
    _step(grievance, Kind.ESCALATED, actor=actor, at=now, text=text)
    return grievance


def grievances_escalate_overdue(*, now: datetime | None = None, limit: int = 500) -> int:
    """Escalate open grievances past their due date; safe to run concurrently and again."""
    now = now or timezone.now()
    due = Grievance.objects.filter(status=Status.OPEN, due_at__lte=now).order_by("due_at")
    escalated = 0
    for grievance_id in due.values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            grievance = _locked(grievance_id)
            if grievance.status == Status.OPEN and grievance.due_at <= now:
                _escalate(grievance, actor="system: overdue")
                escalated += 1
    return escalated
