"""The rights a data principal exercises through Suchi under the DPDP Act 2023 (docs/dpdp.md):
for now, grievance redressal (s.13, Rule 14).

Models hold fields and invariants only; every write goes through rights/services.py.
"""

import uuid

from django.db import models
from django.db.models import F, Q

from consent.models import CitizenProfile
from registry.models import Institution

# Rule 14(3) of the DPDP Rules 2025: a grievance is answered within a period the consent
# manager publishes, of at most 90 days.
GRIEVANCE_MAX_DAYS = 90
GRIEVANCE_TEXT_MAX = 5000


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
    subject = models.CharField(max_length=200)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
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
            models.CheckConstraint(
                condition=Q(status__in=GrievanceStatus.values), name="grievance_status_valid"
            ),
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
