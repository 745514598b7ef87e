"""Breach intimation (DPDP Act 2023 s.8(6), DPDP Rules 2025 rule 7): an institution reports a
personal-data breach, naming the datasets and consent artefacts it touched; Suchi tells each
affected citizen once, in their language (inbox, e-mail and SMS as they chose), what rule 7(1)
lists, and keeps the report for the Data Protection Board. Reports are never deleted.

The affected citizens are those of the artefacts named, and those of every artefact (in any
status) the institution is provider or consumer of that covers a named dataset. Telling them
is a job queued once the report commits (rights.tasks.notify_breach); it writes in batches and
can run again at no harm: each citizen's notification has a key of its own.

The reads of reports live here too, beside the one write."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from consent.models import CitizenProfile, ConsentArtefact
from core.errors import Conflict, ServiceError
from core.jobs import enqueue_many, enqueue_on_commit
from identity.notifications import notifications_write
from registry.models import Dataset, Institution

from .fields import reference_number, required_text
from .models import BREACH_CONTACT_MAX, BREACH_NOTIFICATION_KIND, BREACH_TEXT_MAX, BreachReport
from .notify import breach_message

NOTIFY_TASK = "rights.tasks.notify_breach"
BATCH = 200  # citizens told per transaction
MAX_DATASETS = 100
MAX_ARTEFACTS = 1000
# A caller's clock a little ahead of ours is not a discovery in the future.
CLOCK_SKEW = timedelta(minutes=5)
TEXTS = {
    "description": BREACH_TEXT_MAX,
    "consequences": BREACH_TEXT_MAX,
    "mitigation": BREACH_TEXT_MAX,
    "safety_steps": BREACH_TEXT_MAX,
    "contact": BREACH_CONTACT_MAX,
}


def _involved(institution: Institution) -> Q:
    return Q(provider=institution) | Q(consumer=institution)


def _datasets(institution: Institution, ids: list) -> list[Dataset]:
    """The datasets named: the institution's own, or ones it received under consent."""
    if len(ids) > MAX_DATASETS:
        raise ServiceError(f"At most {MAX_DATASETS} datasets a report.", field="datasets")
    wanted = list(dict.fromkeys(str(i) for i in ids))
    received = ConsentArtefact.objects.filter(consumer=institution).values("datasets")
    found = {
        str(d.pk): d
        for d in Dataset.objects.filter(pk__in=wanted).filter(
            Q(institution=institution) | Q(pk__in=received)
        )
    }
    for index, dataset_id in enumerate(wanted):
        if dataset_id not in found:
            raise ServiceError(
                "No dataset of yours, or received under consent, has this id.",
                field=f"datasets[{index}]",
            )
    return list(found.values())


def _artefacts(institution: Institution, ids: list) -> list:
    """The ids of the artefacts named, each one the institution is provider or consumer of
    (another's is refused as one that does not exist)."""
    if len(ids) > MAX_ARTEFACTS:
        raise ServiceError(f"At most {MAX_ARTEFACTS} artefacts a report.", field="artefacts")
    wanted = list(dict.fromkeys(str(i) for i in ids))
    found = {
        str(pk)
        for pk in ConsentArtefact.objects.filter(_involved(institution), pk__in=wanted).values_list(
            "pk", flat=True
        )
    }
    for index, artefact_id in enumerate(wanted):
        if artefact_id not in found:
            raise ServiceError(
                "No consent artefact of yours has this id.", field=f"artefacts[{index}]"
            )
    return wanted


def _dates(occurred_at: datetime | None, discovered_at: datetime, now: datetime) -> None:
    if discovered_at is None:
        raise ServiceError("Say when the breach was found.", field="discovered_at")
    if discovered_at > now + CLOCK_SKEW:
        raise ServiceError("A breach cannot be found in the future.", field="discovered_at")
    if occurred_at is not None and occurred_at > discovered_at:
        raise ServiceError(
            "A breach cannot happen after it was found; leave it out if not known.",
            field="occurred_at",
        )


def breach_report(
    *,
    institution: Institution,
    description: str,
    consequences: str,
    mitigation: str,
    safety_steps: str,
    contact: str,
    occurred_at: datetime | None,
    discovered_at: datetime,
    dataset_ids: Iterable,
    artefact_ids: Iterable,
    actor: str,
) -> BreachReport:
    """Record a breach the institution reports and queue telling every affected citizen (once
    this transaction commits). A 400 naming the field for blank texts, impossible dates, no
    records named, or a dataset or artefact that is not the institution's to report."""
    given = {
        "description": description,
        "consequences": consequences,
        "mitigation": mitigation,
        "safety_steps": safety_steps,
        "contact": contact,
    }
    texts = {name: required_text(given[name], name, limit) for name, limit in TEXTS.items()}
    now = timezone.now()
    _dates(occurred_at, discovered_at, now)
    dataset_ids, artefact_ids = list(dataset_ids or []), list(artefact_ids or [])
    if not dataset_ids and not artefact_ids:
        raise ServiceError(
            "Name the datasets or the consent artefacts the breach affected.", field="datasets"
        )
    datasets = _datasets(institution, dataset_ids)
    artefacts = _artefacts(institution, artefact_ids)
    for _ in range(5):
        try:
            with transaction.atomic():
                report = BreachReport.objects.create(
                    reference=reference_number("BRC", now),
                    institution=institution,
                    occurred_at=occurred_at,
                    discovered_at=discovered_at,
                    created_at=now,
                    created_by=actor[:200],
                    **texts,
                )
                report.datasets.set(datasets)
                report.artefacts.set(artefacts)
                enqueue_on_commit(NOTIFY_TASK, str(report.pk))
                return report
        except IntegrityError:  # the reference was taken: draw another
            continue
    raise Conflict("No free reference number; try again.", field="reference")


def breach_report_stated(stated: Mapping, *, institution: Institution, actor: str) -> BreachReport:
    """`breach_report` from the fields a form or the API states, by the API's names (the texts,
    `occurred_at`, `discovered_at`, `datasets` and `artefacts`)."""
    return breach_report(
        institution=institution,
        **{name: stated[name] for name in TEXTS},
        occurred_at=stated["occurred_at"],
        discovered_at=stated["discovered_at"],
        dataset_ids=stated["datasets"],
        artefact_ids=stated["artefacts"],
        actor=actor,
    )


def breach_citizens(report: BreachReport) -> QuerySet[CitizenProfile]:
    """The citizens a report concerns, by id."""
    covering = ConsentArtefact.objects.filter(
        _involved(report.institution), datasets__in=report.datasets.values("pk")
    )
    named = report.artefacts.values("citizen_id")
    return CitizenProfile.objects.filter(
        Q(pk__in=covering.values("citizen_id")) | Q(pk__in=named)
    ).order_by("pk")


def breach_notify(*, report_id) -> int:
    """Tell every affected citizen of the report, BATCH a transaction; then record how many it
    concerns and when they were told. Returns how many were told now: a citizen told before
    (this is a second run) is not told again."""
    report = BreachReport.objects.select_related("institution").filter(pk=report_id).first()
    if report is None:
        return 0
    citizens = breach_citizens(report)
    told, affected, after = 0, 0, 0
    while batch := list(citizens.filter(pk__gt=after)[:BATCH]):
        now = timezone.now()
        with transaction.atomic():
            for citizen in batch:
                told += bool(
                    notifications_write(
                        citizen=citizen,
                        kind=BREACH_NOTIFICATION_KIND,
                        key=f"breach:{report.pk}:{citizen.pk}",
                        at=now,
                        about=report.pk,
                        render=lambda: breach_message(report),
                    )
                )
        affected += len(batch)
        after = batch[-1].pk
    BreachReport.objects.filter(pk=report.pk).update(
        affected=affected,
        notified_at=Coalesce("notified_at", Value(timezone.now(), output_field=DateTimeField())),
    )
    return told


# A notice job not finished after this long was lost (its worker died, or the broker dropped
# it): beat's sweep queues it again. A second run tells no one twice.
NOTICE_LOST_AFTER = timedelta(minutes=10)


def breach_notices_sweep(*, now: datetime | None = None) -> list[str]:
    """Queue again the notice jobs of reports whose citizens were never all told (no
    `notified_at` NOTICE_LOST_AFTER after the report). Returns their ids."""
    now = now or timezone.now()
    lost = [
        str(pk)
        for pk in BreachReport.objects.filter(
            notified_at=None, created_at__lt=now - NOTICE_LOST_AFTER
        ).values_list("pk", flat=True)[:500]
    ]
    enqueue_many(NOTIFY_TASK, [(pk,) for pk in lost])
    return lost
