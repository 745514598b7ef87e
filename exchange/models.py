"""The data exchange (DEPA style): an organisation asks a provider for restricted datasets; the
provider approves with terms and Suchi issues a signed data-use agreement that the provider's
own system verifies (signature offline, status online) before it releases anything. The data
never passes through Suchi.

Every step is an event in the provider's hash chain (exchange/ledger.py, the consent ledger's
hashing) and, for the parties' webhooks, a delivery in the consent outbox.
"""

import uuid

from django.db import models
from django.db.models import Q

from core.chain import ChainedEvent
from core.constraints import one_of
from registry.models import ApiToken, Dataset, Institution


class AccessRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn by the requester"


class AccessRequest(models.Model):
    """A request by a consumer for one or more restricted datasets of one provider."""

    Status = AccessRequestStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consumer = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    datasets = models.ManyToManyField(Dataset, related_name="+")
    purpose = models.CharField(max_length=20, help_text="exchange/data/purposes.json")
    description = models.TextField()
    duration_days = models.PositiveIntegerField()
    data_from = models.DateField(null=True, blank=True)
    data_to = models.DateField(null=True, blank=True)
    responsible_name = models.CharField(max_length=200)
    responsible_email = models.EmailField(max_length=254)
    model_name = models.CharField(max_length=200, blank=True, help_text="For ai-training")
    outputs_released = models.BooleanField(null=True, blank=True, help_text="For ai-training")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reason = models.TextField(blank=True, help_text="Why it was rejected")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    created_by_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            one_of("status", AccessRequestStatus, "access_request_status_valid"),
            models.CheckConstraint(
                condition=Q(duration_days__gte=1), name="access_request_duration_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status"], name="access_request_provider"),
            models.Index(fields=["consumer", "status"], name="access_request_consumer"),
        ]

    def __str__(self) -> str:
        return f"access request {self.pk} ({self.status})"


class AccessRequestMessage(models.Model):
    """One message in the thread of a request: the provider's questions, the answers."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="messages")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    author = models.CharField(max_length=200)
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message on {self.request_id} by {self.author}"


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class AgreementBasis(models.TextChoices):
    """The recorded basis for an agreement on personal data (none for other data)."""

    NONE = "", "Not personal data"
    CONSENT = "consent", "Each person's consent, through the consent manager"
    DEIDENTIFIED = "deidentified", "De-identified by the provider (attested)"


class DataUseAgreement(models.Model):
    """The agreement issued on approval: its signed claims (`jws`) and live status."""

    Status = AgreementStatus
    Basis = AgreementBasis
    LIVE = (Status.ACTIVE, Status.SUSPENDED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.OneToOneField(
        AccessRequest, on_delete=models.PROTECT, related_name="agreement"
    )
    consumer = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    datasets = models.ManyToManyField(Dataset, related_name="+")
    purpose = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    basis = models.CharField(max_length=12, choices=Basis.choices, blank=True, default="")
    terms = models.JSONField(help_text="The terms as approved (exchange/terms.py)")
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    claims = models.JSONField(help_text="The signed body, as issued")
    jws = models.TextField(help_text="Compact JWS (EdDSA) over the canonical JSON of `claims`")
    kid = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            one_of("status", AgreementStatus, "agreement_status_valid"),
            one_of("basis", AgreementBasis, "agreement_basis_valid"),
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="agreement_status_until")]

    def __str__(self) -> str:
        return f"agreement {self.pk} ({self.status})"


class ReceiptOutcome(models.TextChoices):
    RELEASED = "released", "Released"
    REFUSED = "refused", "Refused: the agreement was not active"


class AgreementReceipt(models.Model):
    """What the provider released under an agreement, or tried to and was refused."""

    Outcome = ReceiptOutcome

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agreement = models.ForeignKey(
        DataUseAgreement, on_delete=models.PROTECT, related_name="receipts"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    agreement_status = models.CharField(max_length=10, help_text="The status when it was asked")
    dataset = models.ForeignKey(
        Dataset, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    record_count = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=500, blank=True)
    served_at = models.DateTimeField()
    created_at = models.DateTimeField()
    created_by_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.outcome} under {self.agreement_id}"


class ExchangePolicy(models.Model):
    """A provider's standing rules: the longest agreement it grants and its terms template."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="exchange_policy"
    )
    max_duration_days = models.PositiveIntegerField(default=365)
    terms_template = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"exchange policy of {self.institution_id}"


class ExchangeEventKind(models.TextChoices):
    REQUEST_CREATED = "access_request.created", "Access requested"
    REQUEST_MESSAGE = "access_request.message", "A message on a request"
    REQUEST_APPROVED = "access_request.approved", "Request approved"
    REQUEST_REJECTED = "access_request.rejected", "Request rejected"
    REQUEST_WITHDRAWN = "access_request.withdrawn", "Request withdrawn"
    AGREEMENT_ISSUED = "agreement.issued", "Agreement issued"
    AGREEMENT_SUSPENDED = "agreement.suspended", "Agreement suspended"
    AGREEMENT_RESUMED = "agreement.resumed", "Agreement resumed"
    AGREEMENT_REVOKED = "agreement.revoked", "Agreement revoked"
    AGREEMENT_EXPIRED = "agreement.expired", "Agreement expired"
    RELEASE_RECORDED = "agreement.release", "Release recorded"
    RELEASE_REFUSED = "agreement.refused", "Release refused"


# The events both parties' webhooks may subscribe to (all but the receipts' own).
EVENT_WEBHOOKS = [k.value for k in ExchangeEventKind]


class ExchangeEvent(ChainedEvent):
    """One step of the exchange, in the provider's hash chain (exchange/ledger.py)."""

    Kind = ExchangeEventKind

    provider = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    request = models.ForeignKey(
        AccessRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    agreement = models.ForeignKey(
        DataUseAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta:
        ordering = ["provider_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "seq"], name="exchange_event_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} #{self.seq} {self.kind}"
