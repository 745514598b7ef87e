"""What citizens are told of their grievances, in their language (identity.notifications
sends it: inbox always, e-mail and SMS as they chose)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import BreachReport, Grievance, GrievanceStepKind


def grievance_message(grievance: Grievance, kind: str) -> tuple[str, str, str]:
    """(subject, body, link) for one step of a grievance, in the active language."""
    link = settings.SUCHI_SITE_URL + reverse("portal-grievance", args=[grievance.pk])
    values = {
        "reference": grievance.reference,
        "about": grievance.institution.name if grievance.institution else "Suchi",
        "date": date_format(timezone.localtime(grievance.due_at), "j F Y"),
        "link": link,
    }
    if kind == GrievanceStepKind.FILED:
        subject = _("Grievance %(reference)s received")
        body = _(
            "We received your grievance %(reference)s about %(about)s. An answer is due by "
            "%(date)s."
        )
    elif kind == GrievanceStepKind.ANSWERED:
        subject = _("Your grievance %(reference)s was answered")
        body = _(
            "Your grievance %(reference)s about %(about)s has an answer. Read it, then accept "
            "it or take it to Suchi's grievance officer."
        )
    elif kind == GrievanceStepKind.ESCALATED:
        subject = _("Your grievance %(reference)s is with the grievance officer")
        body = _(
            "Your grievance %(reference)s about %(about)s is now with Suchi's grievance "
            "officer. If you are not satisfied with the answer you get, you may complain to "
            "the Data Protection Board of India (DPDP Act 2023, section 27)."
        )
    else:  # GrievanceStepKind.RESOLVED
        subject = _("Grievance %(reference)s is resolved")
        body = _("You accepted the answer to your grievance %(reference)s about %(about)s.")
    body = body % values + " " + _("See it in Suchi: %(link)s") % {"link": link}
    return subject % values, body, link


def breach_message(report: BreachReport) -> tuple[str, str, str]:
    """(subject, body, link) telling a citizen of a breach (DPDP Rules 2025, rule 7(1)), in
    the active language: the five things the rule lists, each labelled, in the institution's
    own words. Never a record: the citizen reads which of theirs in the institution's words."""
    link = settings.SUCHI_SITE_URL + reverse("portal-inbox")
    values = {"institution": report.institution.name, "reference": report.reference}
    discovered = date_format(timezone.localtime(report.discovered_at), "j F Y")
    if report.occurred_at is not None:
        occurred = date_format(timezone.localtime(report.occurred_at), "j F Y")
        when = _("When: it happened on %(occurred)s and was found on %(discovered)s.") % {
            "occurred": occurred,
            "discovered": discovered,
        }
    else:
        when = _("When: it was found on %(discovered)s.") % {"discovered": discovered}
    items = [
        (_("What happened: %(text)s"), report.description),
        (_("What it may mean for you: %(text)s"), report.consequences),
        (_("What %(institution)s has done and is doing: %(text)s"), report.mitigation),
        (_("What you can do to protect yourself: %(text)s"), report.safety_steps),
        (_("Who can answer your questions: %(text)s"), report.contact),
    ]
    subject = _("%(institution)s reports a breach of your personal data") % values
    paragraphs = [
        _(
            "%(institution)s reports a breach of personal data that concerns you (reference "
            "%(reference)s). The law requires it to tell you the following."
        )
        % values,
        when,
        *(label % {**values, "text": text} for label, text in items),
        _("See it in Suchi: %(link)s") % {"link": link},
    ]
    return subject, "\n\n".join(paragraphs), link
