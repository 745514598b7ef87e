"""The rights a data principal exercises through Suchi under the DPDP Act 2023 (docs/dpdp.md):
for now, grievance redressal (s.13, Rule 14).

Models hold fields and invariants only; every write goes through rights/services.py.
"""

import uuid

from django.db import models
from django.db.models import F, Q

from consent.models import CitizenProfile
from core.constraints import one_of
from registry.models import Institution

# Rule 14(3) of the DPDP Rules 2025: a grievance is answered within a period the consent
# manager publishes, of at most 90 days.
GRIEVANCE_MAX_DAYS = 90
GRIEVANCE_TEXT_MAX = 5000


class GrievanceKind(models.TextChoices):
    """A grievance (s.13), or a request to correct, complete, update or erase personal data
    (s.12): the same path, to the same institution, by the same due date."""

    GRIEVANCE = "grievance", "Grievance"
    CORRECTION = "correction", "Correction"
    COMPLETION = "completion", "Completion"
    UPDATE = "update", "Update"
    ERASURE = "erasure", "Erasure"


class GrievanceOutcome(models.TextChoices):
    """What the institution did about a request under s.12."""

    DONE = "done", "Done"
    PARTLY = "partly", "Done in part"
    REFUSED = "refused", "Refused, with reasons"


class GrievanceStatus(models.TextChoices):
    OPEN = "open", "Waiting for an answer"
    ANSWERED = "answered", "Answered"
    ESCALATED = "escalated", "With the grievance officer"
    RESOLVED = "resolved", "Resolved"


class GrievanceStepKind(models.TextChoices):
    FILED = "grievance.filed", "Filed"
    ANSWERED = "grievance.answered", "Answered"
    ESCALATED = "grievance.escalated", "Escalated"
    RESOLVED = "grievance.resolved", "Resolved"


# The grievance events an institution's webhooks may subscribe to.
EVENT_WEBHOOKS = [GrievanceStepKind.FILED.value, GrievanceStepKind.ESCALATED.value]


class Grievance(models.Model):
    """A citizen's grievance about a consent-manager action (no institution) or about a named
    institution, answered by it, or by Suchi's grievance officer once escalated."""

    Status = GrievanceStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=24, unique=True, help_text="Quoted by everyone")
    citizen = models.ForeignKey(CitizenProfile, on_delete=models.PROTECT, related_name="grievances")
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="grievances",
        null=True,
        blank=True,
        help_text="Empty: about Suchi itself, answered by the grievance officer",
    )
    kind = models.CharField(max_length=10, choices=GrievanceKind.choices, default="grievance")
    artefact = models.ForeignKey(
        "consent.ConsentArtefact",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The consent the data was shared under, when it concerns one",
    )
    subject = models.CharField(max_length=200)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=8, choices=GrievanceOutcome.choices, blank=True)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="When an answer is due (at most 90 days)")
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=200, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            one_of("status", GrievanceStatus, "grievance_status_valid"),
            models.CheckConstraint(
                condition=Q(due_at__gt=F("created_at")), name="grievance_due_after_filed"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="grievance_due"),
            models.Index(fields=["institution", "status"], name="grievance_institution"),
            models.Index(fields=["citizen", "created_at"], name="grievance_citizen"),
        ]
        permissions = [("act_as_grievance_officer", "Act as Suchi's grievance officer")]

    def __str__(self) -> str:
        return self.reference


class GrievanceStep(models.Model):
    """One step of a grievance, shown to the citizen and the institution alike."""

    Kind = GrievanceStepKind

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="steps")
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.grievance_id} {self.kind}"


# Breach intimation (DPDP Act 2023 s.8(6), DPDP Rules 2025 rule 7): what an institution must
# tell each affected citizen. Reports are kept for the Data Protection Board: never deleted.
BREACH_TEXT_MAX = 5000
BREACH_CONTACT_MAX = 500
BREACH_NOTIFICATION_KIND = "breach.reported"


class BreachReport(models.Model):
    """A personal-data breach an institution reported, with what rule 7(1) says each affected
    citizen is told; kept, with the count told and when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=24, unique=True, help_text="Quoted by everyone")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="breach_reports"
    )
    description = models.TextField(help_text="Nature, extent, timing and location of the breach")
    consequences = models.TextField(help_text="Its likely consequences for the citizens")
    mitigation = models.TextField(help_text="Measures taken or being taken")
    safety_steps = models.TextField(help_text="What citizens can do to protect themselves")
    contact = models.TextField(help_text="Who answers questions: a name, e-mail or phone")
    occurred_at = models.DateTimeField(null=True, blank=True, help_text="Empty: not known")
    discovered_at = models.DateTimeField()
    datasets = models.ManyToManyField("registry.Dataset", related_name="+", blank=True)
    artefacts = models.ManyToManyField("consent.ConsentArtefact", related_name="+", blank=True)
    affected = models.PositiveIntegerField(default=0, help_text="Citizens told")
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_at__isnull=True) | Q(occurred_at__lte=F("discovered_at")),
                name="breach_occurred_before_discovered",
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "created_at"], name="breach_institution"),
        ]

    def __str__(self) -> str:
        return self.reference


# Nomination (DPDP Act 2023 s.14): a citizen names someone to exercise their rights in the
# event of their death or incapacity (rights/nomination.py).
NOMINATION_TEXT_MAX = 2000


class NominationStatus(models.TextChoices):
    NAMED = "named", "Waiting for the nominee to accept"
    ACCEPTED = "accepted", "Accepted by the nominee"
    REPORTED = "reported", "Death or incapacity reported, under review"
    ACTIVE = "active", "The nominee acts for the citizen"
    DECLINED = "declined", "Declined by the nominee"
    WITHDRAWN = "withdrawn", "Withdrawn by the citizen"


class NominationEvent(models.TextChoices):
    DEATH = "death", "Death"
    INCAPACITY = "incapacity", "Incapacity"


NOMINATION_LIVE = ["named", "accepted", "reported", "active"]


class Nomination(models.Model):
    """A nominee named by a citizen, by an identifier the nominee proves they hold when they
    accept. On a report of death or incapacity (with a reference to the record held
    elsewhere: Suchi stores no documents), the grievance officer reviews; approved, the nominee
    may withdraw the citizen's consents and export their records. Every step is in the
    citizen's ledger."""

    Status = NominationStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(
        CitizenProfile, on_delete=models.PROTECT, related_name="nominations"
    )
    name = models.CharField(max_length=200, help_text="The nominee, as the citizen calls them")
    identifier_kind = models.CharField(max_length=6)
    identifier_value = models.CharField(max_length=254)
    nominee = models.ForeignKey(
        CitizenProfile, on_delete=models.PROTECT, related_name="nominated", null=True, blank=True
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.NAMED)
    event = models.CharField(max_length=10, choices=NominationEvent.choices, blank=True)
    evidence_reference = models.CharField(max_length=300, blank=True)
    report_text = models.TextField(blank=True)
    review_text = models.TextField(blank=True)
    reviewed_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen"],
                condition=Q(status__in=NOMINATION_LIVE),
                name="nomination_one_live",
            ),
            one_of("status", NominationStatus, "nomination_status_valid"),
        ]
        indexes = [
            models.Index(fields=["identifier_kind", "identifier_value"], name="nomination_named"),
            models.Index(fields=["status", "reported_at"], name="nomination_review"),
        ]

    def __str__(self) -> str:
        return f"nomination by {self.citizen_id}"
