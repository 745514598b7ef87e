"""Telling citizens what happened to their consents (issue #20, part 3).

Every ledger event a citizen must hear of (a new request, a pause, resume, revocation or expiry
of a consent, a release of records) and two reminders (a request about to expire unanswered,
a consent about to end) become Notification rows: one in the portal inbox, always, and one per
channel the citizen chose and holds a verified identifier for (e-mail, SMS). The rows are
written in the transaction that records the event (a post_save signal, connected in
identity.apps) and rendered then, in the citizen's language. They say what happened, which
institution, which datasets, and link to the portal: never the records, counts or hashes.

Delivery works like the consent webhooks' outbox (consent/services/webhooks.py): a row is
claimed with a lease, sent, then settled; a failure is retried with exponential backoff until
SUCHI_WEBHOOK_GIVE_UP_HOURS have passed, so a mail server or SMS gateway that is down delays
messages and loses none.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consent.models import (
    CitizenProfile,
    ConsentArtefact,
    ConsentEvent,
    ConsentRequest,
)
from core.jobs import enqueue_many_on_commit
from core.outbox import due_ids, next_attempt_at

from .delivery import DeliveryFailed, send_email, send_sms
from .models import IdentifierKind, Notification, NotificationPreference, VerifiedIdentifier

Kind = ConsentEvent.Kind
REQUEST_REMINDER = "request.reminder"
ARTEFACT_REMINDER = "artefact.reminder"
NOTIFIED_KINDS = {
    Kind.REQUEST_CREATED,
    Kind.ARTEFACT_PAUSED,
    Kind.ARTEFACT_RESUMED,
    Kind.ARTEFACT_REVOKED,
    Kind.ARTEFACT_EXPIRED,
    Kind.RECEIPT_RECORDED,
    Kind.ERASURE_CONFIRMED,
}
REMIND_BEFORE = timedelta(hours=24)
DELIVER_TASK = "identity.tasks.deliver_notification"


def preference_of(citizen: CitizenProfile) -> NotificationPreference:
    """The citizen's channel choices (both on until they say otherwise); not saved."""
    found = NotificationPreference.objects.filter(citizen=citizen).first()
    return found or NotificationPreference(citizen=citizen)


def preference_set(*, citizen: CitizenProfile, email: bool, sms: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        citizen=citizen, defaults={"email": email, "sms": sms}
    )
    return preference


def _link(name: str, *args) -> str:
    return settings.SUCHI_SITE_URL + reverse(name, args=args)


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "j F Y, H:i")


def _titles(obj) -> str:
    return ", ".join(obj.datasets.order_by("title").values_list("title", flat=True))


# Long: one message per kind, each a subject and body in the active language.
def _render(kind: str, *, request=None, artefact=None) -> tuple[str, str, str]:
    """(subject, body, link) for one kind, in the active language."""
    if artefact is not None:
        values = {
            "institution": artefact.consumer.name,
            "provider": artefact.provider.name,
            "datasets": _titles(artefact),
            "date": _when(artefact.valid_until),
        }
        link = _link("portal-consent", artefact.pk)
    else:
        values = {
            "institution": request.consumer.name,
            "datasets": _titles(request),
            "date": _when(request.respond_by),
        }
        link = _link("portal-request", request.pk)
    if kind == Kind.REQUEST_CREATED:
        subject = _("%(institution)s asks for your consent")
        body = _(
            "%(institution)s asks for your consent to receive records about you: %(datasets)s. "
            "Answer by %(date)s."
        )
    elif kind == REQUEST_REMINDER:
        subject = _("A consent request expires tomorrow")
        body = _(
            "%(institution)s's request for your consent (%(datasets)s) expires unanswered on "
            "%(date)s."
        )
    elif kind == ARTEFACT_REMINDER:
        subject = _("Your consent to %(institution)s ends tomorrow")
        body = _(
            "Your consent for %(institution)s to receive %(datasets)s from %(provider)s ends "
            "on %(date)s."
        )
    elif kind == Kind.RECEIPT_RECORDED:
        subject = _("%(provider)s released records about you")
        body = _(
            "%(provider)s reports that it released records about you (%(datasets)s) to "
            "%(institution)s under your consent."
        )
        link = _link("portal-access-log")
    elif kind == Kind.ERASURE_CONFIRMED:
        subject = _("%(institution)s erased your records")
        body = _(
            "%(institution)s confirmed that it erased the records about you (%(datasets)s) it "
            "received from %(provider)s under your consent."
        )
    elif kind == Kind.ARTEFACT_PAUSED:
        subject = _("Your consent to %(institution)s was paused")
        body = _(
            "Your consent for %(institution)s to receive %(datasets)s from %(provider)s was "
            "paused. No records may be released under it until it is resumed."
        )
    elif kind == Kind.ARTEFACT_RESUMED:
        subject = _("Your consent to %(institution)s was resumed")
        body = _(
            "Your consent for %(institution)s to receive %(datasets)s from %(provider)s was "
            "resumed."
        )
    elif kind == Kind.ARTEFACT_REVOKED:
        subject = _("Your consent to %(institution)s was revoked")
        body = _(
            "Your consent for %(institution)s to receive %(datasets)s from %(provider)s was "
            "revoked. No more records may be released under it."
        )
    else:  # Kind.ARTEFACT_EXPIRED
        subject = _("Your consent to %(institution)s has ended")
        body = _(
            "Your consent for %(institution)s to receive %(datasets)s from %(provider)s has "
            "ended. No more records may be released under it."
        )
    body = body % values + " " + _("See it in Suchi: %(link)s") % {"link": link}
    return subject % values, body, link


def _addresses(citizen: CitizenProfile) -> dict[str, str]:
    """Channel → address for the channels the citizen chose and can be reached on."""
    preference = preference_of(citizen)
    wanted = {IdentifierKind.EMAIL: preference.email, IdentifierKind.MOBILE: preference.sms}
    out = {}
    for kind, value in (
        VerifiedIdentifier.objects.filter(citizen=citizen)
        .order_by("-verified_at")
        .values_list("kind", "value")
    ):
        email = kind == IdentifierKind.EMAIL
        channel = Notification.Channel.EMAIL if email else Notification.Channel.SMS
        if not wanted.get(kind) or channel in out:
            continue
        if channel == Notification.Channel.SMS and not settings.SUCHI_SMS_GATEWAY_URL:
            continue
        out[channel] = value
    return out


def notifications_create(
    *, citizen: CitizenProfile, kind: str, key: str, at: datetime, request=None, artefact=None
) -> list[Notification]:
    """The notifications of a consent request or artefact (see notifications_write)."""
    return notifications_write(
        citizen=citizen,
        kind=kind,
        key=key,
        at=at,
        about=(artefact or request).pk,
        render=lambda: _render(kind, request=request, artefact=artefact),
    )


def notifications_write(
    *, citizen: CitizenProfile, kind: str, key: str, at: datetime, about, render
) -> list[Notification]:
    """Write the inbox row and one row per chosen channel, in the caller's transaction; the
    deliveries are queued once it commits. A key already notified is skipped. `render()`
    gives (subject, body, link) and is called in the citizen's language."""
    language = citizen.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body, link = render()
    common = {
        "citizen": citizen,
        "kind": kind,
        "key": key,
        "language": language,
        "subject": subject[:200],
        "body": body,
        "link": link[:300],
        "about": about,
        "next_attempt_at": at,
        "created_at": at,
    }
    rows = [Notification(channel=Notification.Channel.INBOX, status="sent", sent_at=at, **common)]
    rows += [
        Notification(channel=channel, address=address, **common)
        for channel, address in _addresses(citizen).items()
    ]
    try:
        with transaction.atomic():  # a savepoint: a repeated key must not spoil the caller's
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:
        return []
    outgoing = [(str(n.id),) for n in created if n.channel != Notification.Channel.INBOX]
    if outgoing:
        enqueue_many_on_commit(DELIVER_TASK, outgoing)
    return created


def notifications_from_event(event: ConsentEvent) -> list[Notification]:
    """The notifications for one ledger event (none for kinds citizens are not told of)."""
    if event.kind not in NOTIFIED_KINDS or event.citizen_id is None:
        return []
    return notifications_create(
        citizen=event.citizen,
        kind=event.kind,
        key=f"event:{event.event_id}",
        at=event.created_at,
        request=event.request,
        artefact=event.artefact,
    )


def on_consent_event(sender, instance: ConsentEvent, created: bool, raw=False, **kwargs) -> None:
    """post_save receiver for ConsentEvent (connected in identity.apps)."""
    if created and not raw:
        notifications_from_event(instance)


def reminders_create(*, now: datetime | None = None, limit: int = 500) -> int:
    """Remind citizens of requests that expire unanswered and consents that end within a day.
    Each is reminded once (the key); safe to run concurrently and repeatedly."""
    now = now or timezone.now()
    made = 0
    requests = ConsentRequest.objects.filter(
        status=ConsentRequest.Status.PENDING,
        citizen__isnull=False,
        respond_by__gt=now,
        respond_by__lte=now + REMIND_BEFORE,
    ).exclude(pk__in=_reminded(REQUEST_REMINDER))
    for request in requests.select_related("citizen", "consumer")[:limit]:
        with transaction.atomic():
            made += bool(
                notifications_create(
                    citizen=request.citizen,
                    kind=REQUEST_REMINDER,
                    key=f"remind:{request.pk}",
                    at=now,
                    request=request,
                )
            )
    artefacts = ConsentArtefact.objects.filter(
        status__in=ConsentArtefact.LIVE,
        valid_until__gt=now,
        valid_until__lte=now + REMIND_BEFORE,
    ).exclude(pk__in=_reminded(ARTEFACT_REMINDER))
    for artefact in artefacts.select_related("citizen", "consumer", "provider")[:limit]:
        with transaction.atomic():
            made += bool(
                notifications_create(
                    citizen=artefact.citizen,
                    kind=ARTEFACT_REMINDER,
                    key=f"remind:{artefact.pk}",
                    at=now,
                    artefact=artefact,
                )
            )
    return made


def _reminded(kind: str):
    """A subquery: the ids already reminded of."""
    sent = Notification.objects.filter(
        kind=kind, channel=Notification.Channel.INBOX, about__isnull=False
    )
    return sent.values("about")


def _claim(notification_id, now: datetime) -> Notification | None:
    lease = now + timedelta(seconds=settings.SUCHI_WEBHOOK_TIMEOUT * 2 + 5)
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=lease)
    if claimed != 1:
        return None
    return Notification.objects.get(pk=notification_id)


def notification_deliver(*, notification_id, now: datetime | None = None) -> str:
    """Send one notification if it is due. Returns delivered, retry, failed or skipped (not
    due, already settled, or claimed by another worker)."""
    now = now or timezone.now()
    notification = _claim(notification_id, now)
    if notification is None:
        return "skipped"
    error = ""
    try:
        if notification.channel == Notification.Channel.EMAIL:
            send_email(
                notification.address,
                notification.subject,
                notification.body,
                language=notification.language,
            )
        else:
            send_sms(notification.address, notification.body, notification.language)
    except DeliveryFailed as exc:
        error = exc.message
    finished = timezone.now()
    fields = {"attempts": notification.attempts + 1, "last_attempt_at": finished}
    if not error:
        fields.update(status=Notification.Status.SENT, sent_at=finished, last_error="")
        outcome = "delivered"
    else:
        fields["last_error"] = error[:300]
        again = next_attempt_at(
            attempts=fields["attempts"], created_at=notification.created_at, finished=finished
        )
        if again is None:
            fields["status"] = Notification.Status.FAILED
            outcome = "failed"
        else:
            fields["next_attempt_at"] = again
            outcome = "retry"
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.PENDING).update(
        **fields
    )
    return outcome


def notifications_due(*, now: datetime | None = None, limit: int = 500) -> list[str]:
    """Ids of e-mails and SMS waiting for an attempt (for the periodic sweep)."""
    return due_ids(Notification, now=now or timezone.now(), limit=limit)


def inbox_of(citizen: CitizenProfile):
    """The citizen's portal inbox, newest first."""
    return Notification.objects.filter(
        citizen=citizen, channel=Notification.Channel.INBOX
    ).order_by("-created_at", "-id")
