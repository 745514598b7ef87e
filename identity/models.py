"""Citizens' verified identifiers (an e-mail address or an Indian mobile number) and the
one-time codes that verify them. A code is stored only as a keyed hash; an identifier in a
code row only as a keyed hash too, so the table of codes says nothing about who asked."""

import uuid

from django.db import models
from django.db.models import Q

from consent.models import CitizenProfile
from core.constraints import one_of
from registry.models import Institution

# The limits of one-time codes (OWASP's advice; issue #20): valid 5 minutes, 5 wrong tries, a
# new one for the same identifier after a minute, at most 5 an hour for one identifier and 30
# an hour from one client address.
OTP_TTL = 300
OTP_MAX_TRIES = 5
OTP_RESEND_SECONDS = 60
OTP_PER_IDENTIFIER = 5
OTP_PER_CLIENT = 30
# A discovery lives 10 minutes: time to choose accounts and enter the provider's code.
LINK_SESSION_TTL = 600
LINK_CODES_SENT = 3  # the provider's code, sent again at most twice for one discovery
LINK_CODE_TRIES = 5  # wrong codes relayed to the provider before the discovery ends


class IdentifierKind(models.TextChoices):
    EMAIL = "email", "E-mail address"
    MOBILE = "mobile", "Mobile number"


class VerifiedIdentifier(models.Model):
    """An identifier a citizen proved they hold; it signs them in and binds their handle."""

    Kind = IdentifierKind

    citizen = models.ForeignKey(
        CitizenProfile, on_delete=models.CASCADE, related_name="identifiers"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices)
    value = models.CharField(max_length=254, help_text="Normalised: lower-case e-mail, +91…")
    verified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identifier_unique"),
            one_of("kind", IdentifierKind, "identifier_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.citizen_id}"


class OneTimeCode(models.Model):
    """One code sent to one identifier: valid for OTP_TTL seconds, OTP_MAX_TRIES wrong tries,
    used once. A newer code for the same identifier supersedes it."""

    identifier_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    client_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"code {self.pk}"


class NotificationChannel(models.TextChoices):
    INBOX = "inbox", "Portal inbox"
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Given up"


class Notification(models.Model):
    """One message to a citizen on one channel (an outbox row, like a webhook delivery). The
    subject and body are rendered in the citizen's language when the row is written; they say
    what happened, who and which datasets, and link to the portal: never the records."""

    Channel = NotificationChannel
    Status = NotificationStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: a notice given to the citizen is a record kept seven years (rights/records.py).
    citizen = models.ForeignKey(
        CitizenProfile, on_delete=models.PROTECT, related_name="notifications"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    kind = models.CharField(max_length=32, help_text="The ledger event kind, or a reminder")
    key = models.CharField(max_length=64, help_text="What it is about, once per channel")
    about = models.UUIDField(null=True, blank=True, help_text="The request or consent")
    address = models.CharField(max_length=254, blank=True, help_text="E-mail or mobile number")
    language = models.CharField(max_length=8, default="en")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["key", "channel"], name="notification_once"),
            one_of("channel", NotificationChannel, "notification_channel_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["citizen", "channel", "created_at"], name="notification_inbox"),
            models.Index(fields=["about", "kind"], name="notification_about"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} to {self.citizen_id}"


class NotificationPreference(models.Model):
    """The channels a citizen wants besides the inbox, which always gets everything."""

    citizen = models.OneToOneField(
        CitizenProfile, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"preferences of {self.citizen_id}"


class LinkingEndpoint(models.Model):
    """Where a provider answers account discovery and linking (docs/identity.md, "Linking"),
    and the public key its own calls to Suchi are signed with."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="linking_endpoint"
    )
    url = models.URLField(max_length=2000, help_text="Base URL; Suchi POSTs to /discover …")
    public_jwk = models.JSONField(help_text="Ed25519 public key (JWK) of the provider")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.url


class LinkSession(models.Model):
    """One discovery at one provider: the accounts it offered, then the provider's linking
    session once the citizen chose. Lives LINK_SESSION_TTL seconds."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(
        CitizenProfile, on_delete=models.CASCADE, related_name="link_sessions"
    )
    provider = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    offered = models.JSONField(default=list, help_text="Accounts the provider offered")
    chosen = models.JSONField(default=list, help_text="References the citizen chose")
    provider_session = models.CharField(max_length=128, blank=True)
    sent_to = models.CharField(
        max_length=64, blank=True, help_text="Where the provider's code went"
    )
    codes_sent = models.PositiveSmallIntegerField(default=0)
    code_tries = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True, help_text="Why the discovery failed")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["citizen", "created_at"], name="link_session_recent")]

    def __str__(self) -> str:
        return f"linking {self.pk}"


class LinkNotice(models.Model):
    """A provider's signed notice, kept: its id is accepted once (no replay)."""

    provider = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    notice_id = models.CharField(max_length=64)
    link_reference = models.CharField(max_length=128)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "notice_id"], name="link_notice_once")
        ]

    def __str__(self) -> str:
        return f"notice {self.notice_id} of {self.provider_id}"


# Children and persons with disability (DPDP Act 2023 s.9, DPDP Rules 2025 rule 10): a
# parent or lawful guardian answers consent requests for them (identity.guardians).


class GuardianshipBasis(models.TextChoices):
    MINOR = "minor", "A child under 18"
    DISABILITY = "disability", "A person with disability, through a lawful guardian"


class GuardianRelationship(models.TextChoices):
    PARENT = "parent", "Parent"
    LAWFUL_GUARDIAN = "lawful-guardian", "Lawful guardian"


class GuardianshipStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the guardian to confirm"
    ACTIVE = "active", "The guardian answers for the citizen"
    DECLINED = "declined", "Declined by the guardian"
    ENDED = "ended", "Ended"


class Guardianship(models.Model):
    """A citizen (the ward) and the adult who answers consent requests for them. Named by the
    ward (at sign-up for a child), confirmed by the guardian with a fresh one-time code to an
    identifier they verified; `verification` says how, and every artefact the guardian grants
    carries it. A child's guardianship ends at 18."""

    Basis = GuardianshipBasis
    Status = GuardianshipStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ward = models.ForeignKey(CitizenProfile, on_delete=models.PROTECT, related_name="guardianships")
    guardian = models.ForeignKey(
        CitizenProfile, on_delete=models.PROTECT, related_name="wardships", null=True, blank=True
    )
    identifier_kind = models.CharField(max_length=6, choices=IdentifierKind.choices)
    identifier_value = models.CharField(max_length=254, help_text="The guardian's, as named")
    basis = models.CharField(max_length=10, choices=Basis.choices)
    relationship = models.CharField(max_length=16, choices=GuardianRelationship.choices, blank=True)
    order_reference = models.CharField(
        max_length=300, blank=True, help_text="The court or authority order (disability)"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    verification = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward"],
                condition=Q(status__in=["pending", "active"]),
                name="guardianship_one_live",
            ),
            one_of("basis", GuardianshipBasis, "guardianship_basis_valid"),
            one_of("status", GuardianshipStatus, "guardianship_status_valid"),
        ]
        indexes = [
            models.Index(fields=["identifier_kind", "identifier_value"], name="guardianship_named"),
            models.Index(fields=["guardian", "status"], name="guardianship_guardian"),
        ]

    def __str__(self) -> str:
        return f"guardianship of {self.ward_id}"
