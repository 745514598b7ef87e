"""Consent models: citizens, purposes, requests, signed artefacts, receipts, the ledger, keys
and webhooks.

Models hold fields and invariants only; every write goes through consent/services.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.chain import ChainedEvent
from core.constraints import one_of
from registry.models import ApiToken, Dataset, Institution

UNITS = ["hour", "day", "week", "month", "year"]


AGE_OF_MAJORITY = 18  # DPDP Act 2023 s.2(f): a child is under 18


class CitizenProfile(models.Model):
    """A citizen (data principal), addressed by a handle such as `asha@suchi`.

    The profile holds the head of the citizen's ledger chain; locking this row serialises every
    consent change that concerns the citizen.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen"
    )
    handle = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8, default="en")
    ledger_seq = models.PositiveIntegerField(default=0)
    ledger_head = models.CharField(max_length=64, default="0" * 64)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Closed by the citizen")
    birth_date = models.DateField(
        null=True, blank=True, help_text="Declared at sign-up (empty: an account made before)"
    )
    # Set while a parent or lawful guardian answers consent requests for the citizen
    # (identity.guardians, DPDP Act s.9): the citizen may then not grant consent themself.
    answered_by_guardian = models.BooleanField(default=False)

    class Meta:
        ordering = ["handle"]

    def __str__(self) -> str:
        return self.handle

    def age_on(self, day) -> int | None:
        """Whole years of age on `day` by the declared date of birth (None: not declared)."""
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_minor(self, day) -> bool:
        age = self.age_on(day)
        return age is not None and age < AGE_OF_MAJORITY


class PurposeCode(models.Model):
    """A published purpose a consumer may ask consent for, aligned with W3C DPV."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField()
    dpv_iri = models.URLField()
    source = models.CharField(max_length=40, help_text="Where the code comes from (ABDM, Suchi)")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class AccountLinkStatus(models.TextChoices):
    ACTIVE = "active", "Linked"
    DELINKED = "delinked", "Delinked"


class AccountLink(models.Model):
    """An account or record a provider confirmed is the citizen's (AA's linked account, ABDM's
    care context): the provider's masked reference, shown to the citizen, and the link
    reference it issued, carried in artefacts. Written by identity.linking."""

    Status = AccountLinkStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(CitizenProfile, on_delete=models.PROTECT, related_name="links")
    provider = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    link_reference = models.CharField(max_length=128)
    masked_reference = models.CharField(max_length=64)
    account_type = models.CharField(max_length=40, blank=True, help_text="FI or HI type")
    label = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField()
    delinked_at = models.DateTimeField(null=True, blank=True)
    delinked_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["provider_id", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "link_reference"], name="account_link_reference_unique"
            ),
            one_of("status", AccountLinkStatus, "account_link_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.masked_reference} at {self.provider_id}"


class ConsentRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the citizen"
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Denied"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled by the requester"


class ConsentRequestAccessMode(models.TextChoices):
    VIEW = "view", "View"
    STORE = "store", "Store"
    QUERY = "query", "Query"
    STREAM = "stream", "Stream"


class ConsentRequestFetchType(models.TextChoices):
    ONETIME = "onetime", "Once"
    PERIODIC = "periodic", "Periodically"


class ConsentRequest(models.Model):
    """A consumer's request for a citizen's consent to receive records from providers."""

    Status = ConsentRequestStatus
    AccessMode = ConsentRequestAccessMode
    FetchType = ConsentRequestFetchType

    TERMINAL = (Status.GRANTED, Status.DENIED, Status.EXPIRED, Status.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consumer = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="consent_requests"
    )
    # Null when the handle the consumer named belongs to no one: the request is kept and answered
    # exactly like any other (so a consumer cannot learn which handles exist), shown to nobody,
    # and expires unanswered. Never attached to a citizen who takes that handle later.
    citizen = models.ForeignKey(
        CitizenProfile,
        on_delete=models.PROTECT,
        related_name="consent_requests",
        null=True,
        blank=True,
    )
    citizen_handle = models.CharField(max_length=64, help_text="The handle the consumer named")
    purpose = models.ForeignKey(PurposeCode, on_delete=models.PROTECT, related_name="+")
    purpose_text = models.TextField()
    datasets = models.ManyToManyField(Dataset, related_name="+")
    accounts = models.ManyToManyField(AccountLink, related_name="+", blank=True)
    access_mode = models.CharField(max_length=8, choices=AccessMode.choices)
    data_from = models.DateField()
    data_to = models.DateField()
    fetch_type = models.CharField(max_length=8, choices=FetchType.choices)
    frequency_unit = models.CharField(max_length=8, blank=True)
    frequency_value = models.PositiveIntegerField(null=True, blank=True)
    data_life_unit = models.CharField(max_length=8)
    data_life_value = models.PositiveIntegerField()
    # The AA/ABDM vocabulary the consumer may state (empty: derived, see consent.profiles).
    consent_types = models.JSONField(default=list, blank=True)
    fi_types = models.JSONField(default=list, blank=True)
    hi_types = models.JSONField(default=list, blank=True)
    data_filters = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField(help_text="When the consent, once granted, ends")
    respond_by = models.DateTimeField(help_text="When a pending request expires unanswered")
    notice_text = models.TextField()
    notice_version = models.CharField(max_length=40, blank=True)
    notice_language = models.CharField(max_length=8, default="en")
    notice_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    created_by_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            one_of("status", ConsentRequestStatus, "consent_request_status_valid"),
            models.CheckConstraint(
                condition=Q(data_to__gte=F("data_from")), name="consent_request_range_ordered"
            ),
            one_of("access_mode", ConsentRequestAccessMode, "consent_request_access_mode_valid"),
            models.CheckConstraint(
                condition=Q(fetch_type="onetime")
                | Q(fetch_type="periodic", frequency_value__isnull=False),
                name="consent_request_periodic_has_frequency",
            ),
        ]
        indexes = [
            models.Index(fields=["citizen", "status"], name="consent_request_citizen"),
            models.Index(fields=["status", "respond_by"], name="consent_request_due"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer.slug} → {self.citizen_handle} ({self.purpose.code})"


class ConsentArtefactStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class ConsentArtefact(models.Model):
    """The signed record of a grant, one per provider. Its terms never change once issued."""

    Status = ConsentArtefactStatus

    LIVE = (Status.ACTIVE, Status.PAUSED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(ConsentRequest, on_delete=models.PROTECT, related_name="artefacts")
    citizen = models.ForeignKey(CitizenProfile, on_delete=models.PROTECT, related_name="artefacts")
    consumer = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    datasets = models.ManyToManyField(Dataset, related_name="+")
    accounts = models.ManyToManyField(AccountLink, related_name="artefacts", blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    claims = models.JSONField(help_text="The signed body, as issued")
    jws = models.TextField(help_text="Compact JWS (EdDSA) over the canonical JSON of `claims`")
    kid = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            one_of("status", ConsentArtefactStatus, "consent_artefact_status_valid"),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="consent_artefact_window"
            ),
            models.UniqueConstraint(
                fields=["request", "provider"], name="one_artefact_per_provider_per_request"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="consent_artefact_due"),
            models.Index(fields=["citizen", "status"], name="consent_artefact_citizen"),
        ]

    def __str__(self) -> str:
        return f"artefact {self.id} ({self.status})"


class AccessReceipt(models.Model):
    """A provider's report that it released records under an artefact."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    artefact = models.ForeignKey(ConsentArtefact, on_delete=models.PROTECT, related_name="receipts")
    data_from = models.DateField()
    data_to = models.DateField()
    record_count = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    served_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-served_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_to__gte=F("data_from")), name="receipt_range_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"receipt {self.id} for {self.artefact_id}"


class ConsentEventKind(models.TextChoices):
    REQUEST_CREATED = "request.created", "Request created"
    REQUEST_GRANTED = "request.granted", "Request granted"
    REQUEST_DENIED = "request.denied", "Request denied"
    REQUEST_EXPIRED = "request.expired", "Request expired"
    REQUEST_CANCELLED = "request.cancelled", "Request cancelled"
    ARTEFACT_ISSUED = "artefact.issued", "Consent issued"
    ARTEFACT_PAUSED = "artefact.paused", "Consent paused"
    ARTEFACT_RESUMED = "artefact.resumed", "Consent resumed"
    ARTEFACT_REVOKED = "artefact.revoked", "Consent revoked"
    ARTEFACT_EXPIRED = "artefact.expired", "Consent expired"
    RECEIPT_RECORDED = "receipt.recorded", "Records released"
    RECEIPT_REFUSED = "receipt.refused", "Release refused: consent not active"
    ERASURE_CONFIRMED = "erasure.confirmed", "Erasure confirmed by the consumer"
    NOMINATION_NAMED = "nomination.named", "Nominee named"
    NOMINATION_ACCEPTED = "nomination.accepted", "Nomination accepted"
    NOMINATION_DECLINED = "nomination.declined", "Nomination declined"
    NOMINATION_REPORTED = "nomination.reported", "Death or incapacity reported"
    NOMINATION_APPROVED = "nomination.approved", "Nominee may act"
    NOMINATION_REJECTED = "nomination.rejected", "Report not accepted"
    NOMINATION_WITHDRAWN = "nomination.withdrawn", "Nomination withdrawn"
    GUARDIAN_NAMED = "guardian.named", "Guardian named"
    GUARDIAN_CONFIRMED = "guardian.confirmed", "Guardian confirmed"
    GUARDIAN_DECLINED = "guardian.declined", "Guardian declined"
    GUARDIAN_ENDED = "guardian.ended", "Guardianship ended"


class ConsentEvent(ChainedEvent):
    """One entry of a citizen's hash-chained ledger (core/chain.py).

    `hash = sha256(prev_hash ‖ canonical JSON of the event)`, where the event is built from the
    row's own columns (see consent.ledger.event_body), so altering any column breaks the chain.
    """

    Kind = ConsentEventKind

    citizen = models.ForeignKey(CitizenProfile, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    request = models.ForeignKey(
        ConsentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    artefact = models.ForeignKey(
        ConsentArtefact, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta:
        ordering = ["citizen_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["citizen", "seq"], name="ledger_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id}#{self.seq} {self.kind}"


class LedgerCheckpoint(models.Model):
    """A signed statement of ledger heads at a moment: whoever rewrites a chain consistently
    (with database write access) still cannot match a checkpoint signed before."""

    seq = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField()
    citizens = models.PositiveIntegerField(help_text="Heads the checkpoint states")
    jws = models.TextField(help_text="Compact JWS over the checkpoint (consent.ledger)")

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"


class SigningKey(models.Model):
    """A public key Suchi signs with (the private half lives in SUCHI_SIGNING_KEY_FILE)."""

    kid = models.CharField(max_length=64, primary_key=True, help_text="RFC 7638 thumbprint")
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.kid


class ErasureConfirmation(models.Model):
    """The consumer's signed statement that it erased what it received under an artefact
    (due when the consent is revoked or has expired: consent.services.erasure)."""

    artefact = models.OneToOneField(
        ConsentArtefact, on_delete=models.PROTECT, related_name="erasure"
    )
    confirmed_at = models.DateTimeField()
    statement = models.TextField(help_text="What was erased, and how, in the consumer's words")
    confirmed_by = models.CharField(max_length=200)
    jws = models.TextField(help_text="Suchi's signed receipt of the confirmation")

    def __str__(self) -> str:
        return f"erasure of {self.artefact_id}"


# The webhook models live in their own module; importing them here registers them.
from .webhook_models import (  # noqa: E402, F401
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
