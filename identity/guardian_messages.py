"""What guardians and wards are told (identity.guardians), in their language."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from consent.models import ConsentEvent

from .models import Guardianship
from .notifications import notifications_write

Kind = ConsentEvent.Kind
Status = Guardianship.Status


def guardian_message(guardianship: Guardianship, kind: str, *, to_guardian: bool):
    """(subject, body, link) for one step, in the active language."""
    link = settings.SUCHI_SITE_URL + reverse("portal-guardian")
    values = {"ward": guardianship.ward.handle, "link": link}
    if kind == Kind.GUARDIAN_NAMED:
        subject = _("%(ward)s names you as their guardian")
        body = _(
            "%(ward)s named you as the parent or lawful guardian who answers consent requests "
            "for them. Confirm or decline in Suchi: %(link)s"
        )
    elif kind == Kind.GUARDIAN_CONFIRMED:
        subject = _("Your guardian confirmed")
        body = _(
            "Your parent or guardian confirmed. They answer consent requests for you from now "
            "on; you may still deny a request or withdraw a consent yourself. %(link)s"
        )
    elif kind == Kind.GUARDIAN_DECLINED:
        subject = _("The guardian you named declined")
        body = _("The person you named as your guardian declined. Name another: %(link)s")
    elif to_guardian:
        subject = _("You no longer answer for %(ward)s")
        body = _("You are no longer the guardian of %(ward)s in Suchi. %(link)s")
    elif guardianship.end_reason == "the ward turned 18":
        subject = _("Your Suchi account is yours now")
        body = _(
            "You are 18: you answer consent requests yourself from now on. The consents your "
            "guardian gave for you stay until they end or you withdraw them; review them in "
            "Suchi: %(link)s"
        )
    else:
        subject = _("Your guardian no longer answers for you")
        body = _(
            "Your guardian no longer answers consent requests for you. Name another guardian "
            "in Suchi: %(link)s"
        )
    return subject % values, body % values, link


def on_ward_event(sender, instance: ConsentEvent, created: bool, raw=False, **kwargs) -> None:
    """post_save receiver for ConsentEvent (connected in identity.apps): a consent request to
    a citizen a guardian answers for reaches the guardian too (DPDP Act s.9)."""
    if not created or raw or instance.kind != Kind.REQUEST_CREATED or instance.citizen_id is None:
        return
    if not instance.citizen.answered_by_guardian:
        return
    held = Guardianship.objects.filter(ward_id=instance.citizen_id, status=Status.ACTIVE)
    guardianship = held.select_related("guardian", "ward").first()
    if guardianship is None:
        return
    request = instance.request
    notifications_write(
        citizen=guardianship.guardian,
        kind=Kind.REQUEST_CREATED,
        key=f"ward-event:{instance.event_id}",
        at=instance.created_at,
        about=request.pk,
        render=lambda: _ward_request_message(guardianship, request),
    )


def _ward_request_message(guardianship: Guardianship, request) -> tuple[str, str, str]:
    link = settings.SUCHI_SITE_URL + reverse("portal-guardian")
    values = {
        "institution": request.consumer.name,
        "ward": guardianship.ward.handle,
        "datasets": ", ".join(request.datasets.order_by("title").values_list("title", flat=True)),
        "link": link,
    }
    subject = _("%(institution)s asks for consent about %(ward)s") % values
    body = (
        _(
            "%(institution)s asks for consent to receive records about %(ward)s, for whom you "
            "answer as guardian: %(datasets)s. Answer in Suchi: %(link)s"
        )
        % values
    )
    return subject, body, link
