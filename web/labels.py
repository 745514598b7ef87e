"""Words for the states and terms the portal and console show, translated (the models' own
choice labels are English-only API text)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog import labels as catalog_labels

REQUEST_STATUS = {
    "pending": _("Waiting for your answer"),
    "granted": _("Granted"),
    "denied": _("Denied"),
    "expired": _("Expired"),
    "cancelled": _("Cancelled by the requester"),
}
CONSUMER_REQUEST_STATUS = {**REQUEST_STATUS, "pending": _("Waiting for the citizen")}
ARTEFACT_STATUS = {
    "active": _("Active"),
    "paused": _("Paused"),
    "revoked": _("Withdrawn"),
    "expired": _("Expired"),
}
ACCESS_MODE = {
    "view": _("view the records (not keep a copy)"),
    "store": _("store a copy of the records"),
    "query": _("ask questions of the records"),
    "stream": _("receive the records as they are created"),
}
FETCH_TYPE = {"onetime": _("once"), "periodic": _("repeatedly")}
UNIT = {
    "hour": (_("hour"), _("hours")),
    "day": (_("day"), _("days")),
    "week": (_("week"), _("weeks")),
    "month": (_("month"), _("months")),
    "year": (_("year"), _("years")),
}
EVENT_KIND = {
    "request.created": _("A request arrived"),
    "request.granted": _("You granted a request"),
    "request.denied": _("You denied a request"),
    "request.expired": _("A request expired unanswered"),
    "request.cancelled": _("The requester cancelled a request"),
    "artefact.issued": _("Consent issued"),
    "artefact.paused": _("Consent paused"),
    "artefact.resumed": _("Consent resumed"),
    "artefact.revoked": _("Consent withdrawn"),
    "artefact.expired": _("Consent expired"),
    "receipt.recorded": _("Records released"),
    "receipt.refused": _("A release was refused: consent not active"),
    "erasure.confirmed": _("The receiver confirmed it erased your records"),
    "nomination.named": _("You named a nominee"),
    "nomination.accepted": _("Your nominee accepted"),
    "nomination.declined": _("Your nominee declined"),
    "nomination.reported": _("Your nominee reported your death or incapacity"),
    "nomination.approved": _("Your nominee may act for you"),
    "nomination.rejected": _("Your nominee's report was not accepted"),
    "nomination.withdrawn": _("You withdrew a nomination"),
    "guardian.named": _("A guardian was named"),
    "guardian.confirmed": _("Your guardian confirmed"),
    "guardian.declined": _("The guardian you named declined"),
    "guardian.ended": _("The guardianship ended"),
}
DATASET_STATUS = {
    "draft": _("Draft"),
    "validating": _("Being checked"),
    "published": _("Published"),
    "rejected": _("Rejected"),
    "withdrawn": pgettext_lazy("dataset", "Withdrawn"),
}
RUN_STATUS = {
    "queued": _("Waiting to be checked"),
    "running": _("Being checked"),
    "passed": _("Passed"),
    "failed": _("Failed"),
    "error": _("Could not be checked"),
}
REVISION_STATUS = {
    "pending": _("Awaiting validation"),
    "applied": _("Applied"),
    "rejected": _("Rejected by validation"),
    "superseded": _("Superseded by a later change"),
}
REVISION_KIND = catalog_labels.REVISION_KIND
ACCESS_RIGHTS = {
    "open": _("Open: anyone may use it"),
    "restricted": _("Restricted: on request to the institution"),
    "consent": _("Per citizen, under consent"),
}
DELIVERY_STATUS = {
    "pending": _("Waiting to be delivered"),
    "delivered": _("Delivered"),
    "failed": _("Given up"),
}
# The purposes Suchi publishes (consent/data/purposes.json); a purpose an operator adds shows
# the name it was given.
PURPOSE = {
    "CAREMGT": _("Care management"),
    "BTG": _("Break the glass (emergency)"),
    "PUBHLTH": _("Public health"),
    "HPAYMT": _("Healthcare payment"),
    "DSRCH": _("Disease-specific research"),
    "PATRQT": _("Requested by you"),
    "CREDIT": _("Credit assessment"),
    "INSCLM": _("Insurance claim"),
    "WELFARE": _("Welfare-scheme eligibility"),
    "EDUVER": _("Education verification"),
    "EMPVER": _("Employment verification"),
}
HARVEST_FREQUENCY = {
    "manual": _("Only when started"),
    "hourly": _("Hourly"),
    "daily": _("Daily"),
    "weekly": _("Weekly"),
}
HARVEST_JOB_STATUS = {
    "new": _("Waiting"),
    "running": _("Running"),
    "finished": _("Finished"),
    "failed": _("Failed"),
    "aborted": _("Aborted"),
}
SCOPES = {
    "datasets:write": _("Register, update and withdraw datasets"),
    "consents:request": _("Ask citizens for consent and read the artefacts"),
    "consents:verify": _("Check consent status and report data access (as a provider)"),
    "webhooks:write": _("Manage webhook endpoints"),
    "breaches:report": _("Report personal-data breaches to the citizens affected"),
    "access:request": _("Request access to restricted datasets and follow the agreements"),
    "access:review": _("Review access requests and issue agreements (as a provider)"),
    "grievances:answer": _("Read and answer citizens' grievances"),
}


def period(unit: str, value: int | None) -> str:
    """`6 months`, `1 day`, in the active language."""
    if value is None:
        return ""
    one, many = UNIT.get(unit, (unit, unit))
    return f"{value} {one if value == 1 else many}"


HARVEST_KIND = {
    "dcat": _("DCAT (Turtle, RDF/XML or JSON-LD)"),
    "ckan": _("CKAN Action API"),
    "datajson": _("DCAT-US data.json"),
    "suchi": _("Another Suchi node"),
    "croissant": _("Croissant (ML datasets: Hugging Face, Kaggle, Zenodo…)"),
}
HARVEST_RECORD_STATUS = {
    "active": _("Present at the source"),
    "withdrawn": _("Gone from the source"),
}
VERIFICATION = {
    "pending": _("Verification pending"),
    "verified": _("Verified"),
    "suspended": _("Suspended"),
}
ROLE = {"admin": _("Administrator"), "editor": _("Editor")}
LINK_STATUS = {"active": _("Linked"), "delinked": _("Delinked")}
GRIEVANCE_STATUS = {
    "open": _("Waiting for an answer"),
    "answered": _("Answered"),
    "escalated": _("With the grievance officer"),
    "resolved": _("Resolved"),
}
GRIEVANCE_KIND = {
    "grievance": _("Grievance"),
    "correction": _("Correction of my data"),
    "completion": _("Completion of my data"),
    "update": _("Update of my data"),
    "erasure": _("Erasure of my data"),
}
GRIEVANCE_OUTCOME = {
    "done": _("Done"),
    "partly": _("Done in part"),
    "refused": _("Refused, with reasons"),
}
GRIEVANCE_STEP = {
    "grievance.filed": _("Filed"),
    "grievance.answered": _("Answered"),
    "grievance.escalated": _("Taken to the grievance officer"),
    "grievance.resolved": _("Resolved"),
}
RUN_TRIGGER = {
    "submission": _("A change was submitted"),
    "recheck": _("Scheduled re-check"),
    "manual": _("Requested by the institution"),
}
SEVERITY = {"error": _("Error"), "warning": _("Warning"), "info": _("Information")}


# Long: one line per enum of every app, read as the table of labels it is.
NOMINATION_STATUS = {
    "named": _("Waiting for the nominee to accept"),
    "accepted": _("Accepted by the nominee"),
    "reported": _("Death or incapacity reported, under review"),
    "active": _("The nominee acts for the citizen"),
    "declined": _("Declined by the nominee"),
    "withdrawn": _("Withdrawn"),
}
NOMINATION_EVENT = {"death": _("Death"), "incapacity": _("Incapacity")}
GUARDIANSHIP_BASIS = {
    "minor": _("A child under 18"),
    "disability": _("A person with disability, through a lawful guardian"),
}
GUARDIAN_RELATIONSHIP = {"parent": _("Parent"), "lawful-guardian": _("Lawful guardian")}
IDENTIFIER_KIND = {"email": _("E-mail address"), "mobile": _("Mobile number")}
NOTIFICATION_CHANNEL = {"inbox": _("Portal inbox"), "email": _("E-mail"), "sms": _("SMS")}
NOTIFICATION_STATUS = {
    "pending": _("Waiting to be sent"),
    "sent": _("Sent"),
    "failed": _("Given up"),
}
GUARDIANSHIP_STATUS = {
    "pending": _("Waiting for the guardian to confirm"),
    "active": _("The guardian answers consent requests"),
    "declined": _("Declined by the guardian"),
    "ended": _("Ended"),
}


# Long: one entry per enum of every app, in one place so a test can check them all.
def choice_tables() -> dict:
    """Every enum of the models and the table of words the pages show for it (English msgids,
    Hindi in locale/hi): one place, checked by tests/web/test_translations.py."""
    from consent.models import (
        AccountLinkStatus,
        ConsentArtefactStatus,
        ConsentEventKind,
        ConsentRequestAccessMode,
        ConsentRequestFetchType,
        ConsentRequestStatus,
        WebhookDeliveryStatus,
    )
    from exchange import labels as exchange_labels
    from exchange.models import (
        AccessRequestStatus,
        AgreementBasis,
        AgreementStatus,
        ExchangeEventKind,
        ReceiptOutcome,
    )
    from harvest.models import (
        HarvestJobStatus,
        HarvestRecordStatus,
        HarvestSourceFrequency,
        HarvestSourceKind,
    )
    from identity.models import (
        GuardianRelationship,
        GuardianshipBasis,
        GuardianshipStatus,
        IdentifierKind,
        NotificationChannel,
        NotificationStatus,
    )
    from registry.models import (
        DatasetAccess,
        DatasetRevisionKind,
        DatasetRevisionStatus,
        DatasetStatus,
        DataSubjects,
        InstitutionKind,
        InstitutionVerification,
        MembershipRole,
        SensitiveCategory,
        ValidationFindingSeverity,
        ValidationRunStatus,
        ValidationRunTrigger,
    )
    from rights.models import (
        GrievanceKind,
        GrievanceOutcome,
        GrievanceStatus,
        GrievanceStepKind,
        NominationEvent,
        NominationStatus,
    )

    return {
        AccessRequestStatus: exchange_labels.REQUEST_STATUS,
        AgreementStatus: exchange_labels.AGREEMENT_STATUS,
        AgreementBasis: exchange_labels.BASIS,
        ExchangeEventKind: exchange_labels.EVENT_KIND,
        ReceiptOutcome: exchange_labels.RECEIPT_OUTCOME,
        ConsentRequestStatus: REQUEST_STATUS,
        AccountLinkStatus: LINK_STATUS,
        GrievanceStatus: GRIEVANCE_STATUS,
        GrievanceKind: GRIEVANCE_KIND,
        GrievanceOutcome: GRIEVANCE_OUTCOME,
        GrievanceStepKind: GRIEVANCE_STEP,
        NominationStatus: NOMINATION_STATUS,
        NominationEvent: NOMINATION_EVENT,
        GuardianshipBasis: GUARDIANSHIP_BASIS,
        GuardianRelationship: GUARDIAN_RELATIONSHIP,
        GuardianshipStatus: GUARDIANSHIP_STATUS,
        IdentifierKind: IDENTIFIER_KIND,
        NotificationChannel: NOTIFICATION_CHANNEL,
        NotificationStatus: NOTIFICATION_STATUS,
        ConsentArtefactStatus: ARTEFACT_STATUS,
        ConsentRequestAccessMode: ACCESS_MODE,
        ConsentRequestFetchType: FETCH_TYPE,
        ConsentEventKind: EVENT_KIND,
        WebhookDeliveryStatus: DELIVERY_STATUS,
        HarvestSourceKind: HARVEST_KIND,
        HarvestSourceFrequency: HARVEST_FREQUENCY,
        HarvestJobStatus: HARVEST_JOB_STATUS,
        HarvestRecordStatus: HARVEST_RECORD_STATUS,
        DatasetStatus: DATASET_STATUS,
        DatasetAccess: ACCESS_RIGHTS,
        DataSubjects: catalog_labels.DATA_SUBJECTS,
        SensitiveCategory: catalog_labels.SENSITIVE_CATEGORY,
        DatasetRevisionKind: REVISION_KIND,
        DatasetRevisionStatus: REVISION_STATUS,
        InstitutionKind: catalog_labels.INSTITUTION_KIND,
        InstitutionVerification: VERIFICATION,
        MembershipRole: ROLE,
        ValidationRunStatus: RUN_STATUS,
        ValidationRunTrigger: RUN_TRIGGER,
        ValidationFindingSeverity: SEVERITY,
    }
