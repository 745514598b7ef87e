"""Registry models: institutions and their members and tokens, datasets, validation runs.

Models hold fields and invariants only; every write goes through registry/services.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.constraints import one_of


class InstitutionKind(models.TextChoices):
    GOVERNMENT = "government", "Government"
    ACADEMIC = "academic", "Academic"
    PRIVATE = "private", "Private"
    NGO = "ngo", "Non-governmental organisation"


class InstitutionVerification(models.TextChoices):
    PENDING = "pending", "Pending"
    VERIFIED = "verified", "Verified"
    SUSPENDED = "suspended", "Suspended"


class Institution(models.Model):
    """An organisation that publishes datasets (provider) and/or asks for consent (consumer)."""

    Kind = InstitutionKind
    Verification = InstitutionVerification

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    is_provider = models.BooleanField(default=True)
    is_consumer = models.BooleanField(default=False)
    state_code = models.CharField(max_length=2, blank=True, help_text="ISO 3166-2:IN code")
    website = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    verification_status = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_provider=True) | Q(is_consumer=True),
                name="institution_has_a_role",
            ),
            one_of("kind", InstitutionKind, "institution_kind_valid"),
            one_of(
                "verification_status", InstitutionVerification, "institution_verification_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    ADMIN = "admin", "Administrator"
    EDITOR = "editor", "Editor"


class Membership(models.Model):
    """A user's role at an institution."""

    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="membership_unique"),
            one_of("role", MembershipRole, "role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution} ({self.role})"


class ApiToken(models.Model):
    """An institution's API credential: a public prefix plus a salted hash of the secret.

    The clear secret exists only in the value handed out once at creation
    (`suchi_<prefix>_<secret>`); it is never stored.
    """

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    salt = models.CharField(max_length=32)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class DatasetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    VALIDATING = "validating", "Validating"
    PUBLISHED = "published", "Published"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DatasetAccess(models.TextChoices):
    OPEN = "open", "Open"
    RESTRICTED = "restricted", "Restricted"
    CONSENT = "consent", "Per citizen, under consent"


class DataSubjects(models.TextChoices):
    """Whom a dataset's records are about (its data card says)."""

    PERSONAL_SENSITIVE = "personal-sensitive", "Personal data, including sensitive categories"
    PERSONAL = "personal", "Personal data"
    NON_PERSONAL = "non-personal", "Not about individuals"
    SYNTHETIC = "synthetic", "Synthetic: generated, about no real person"


class SensitiveCategory(models.TextChoices):
    """Why a column is flagged sensitive in a data card."""

    IDENTIFIER = "identifier", "Identifies a person directly"
    QUASI_IDENTIFIER = "quasi-identifier", "Identifies a person when combined with others"
    HEALTH = "health", "Health"
    FINANCIAL = "financial", "Financial"
    BIOMETRIC = "biometric", "Biometric"
    LOCATION = "location", "Precise location"
    COMMUNITY = "community", "Caste, tribe, religion or belief"
    CHILDREN = "children", "About children"
    OTHER = "other", "Other"


class Dataset(models.Model):
    """A dataset's metadata (DCAT-AP 3). The data itself stays at the institution.

    The row holds the version the public sees. An update to a published dataset waits in
    `pending_revision` until its validation passes, then is applied to the row.
    """

    Status = DatasetStatus
    Access = DatasetAccess

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="datasets")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=300)
    description = models.TextField()
    keywords = models.JSONField(default=list, blank=True)
    themes = models.JSONField(default=list, blank=True)
    license = models.CharField(max_length=64, blank=True)
    # A licence the source stated that maps to no SPDX or documented LicenseRef- id: kept
    # verbatim (a URL or the source's words), never dropped (docs/harvest.md).
    license_text = models.CharField(max_length=500, blank=True)
    access_rights = models.CharField(max_length=12, choices=Access.choices, default=Access.OPEN)
    contains_personal_data = models.BooleanField(default=False)
    spatial = models.JSONField(default=dict, blank=True)
    temporal_start = models.DateField(null=True, blank=True)
    temporal_end = models.DateField(null=True, blank=True)
    update_frequency = models.CharField(max_length=20, blank=True)
    languages = models.JSONField(default=list, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    landing_page = models.URLField(max_length=2000, blank=True)
    conforms_to = models.JSONField(default=list, blank=True)
    version = models.CharField(max_length=50, blank=True)
    # Datasheet for the dataset (registry/datacard.py): uses, subjects, collection, biases…
    data_card = models.JSONField(default=dict, blank=True)

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    current_revision = models.ForeignKey(
        "DatasetRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pending_revision = models.ForeignKey(
        "DatasetRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    # Health of the public version, kept by validation runs and scheduled re-checks.
    quality_score = models.PositiveSmallIntegerField(null=True, blank=True)
    quality = models.JSONField(default=dict, blank=True)
    # Every check of quality["ml_ready"] met (registry/quality.py): a search filter and facet.
    ml_ready = models.BooleanField(default=False)
    # The FAIR assessment (registry/mqa.py): its points and one bit per check met.
    fair_score = models.PositiveSmallIntegerField(null=True, blank=True)
    fair_met = models.IntegerField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    check_status = models.CharField(
        max_length=12,
        choices=[("unknown", "Not checked yet"), ("ok", "Passing"), ("failing", "Failing")],
        default="unknown",
    )
    source_failures = models.PositiveIntegerField(
        default=0, help_text="Consecutive runs that could not reach the source"
    )
    # Where a harvested dataset came from: {"source": {"id", "name", "kind", "url"},
    # "remote_id", "remote_url", "publisher", "harvested_at", and "issued" and "modified" when
    # the source states them}; empty for datasets registered here.
    provenance = models.JSONField(default=dict, blank=True)
    # When the source says a harvested dataset was issued and last changed, as an ISO 8601
    # date or date-time at the source's precision (catalog.standards.common.source_date): the
    # exports state these rather than the harvest's times. Blank for datasets registered here.
    source_issued = models.CharField(max_length=32, blank=True, default="")
    source_modified = models.CharField(max_length=32, blank=True, default="")
    # The source's identifier for a harvested dataset and the publisher it names (provenance's
    # remote_id and publisher): the exports name that publisher, and DCAT the identifier.
    source_identifier = models.CharField(max_length=500, blank=True, default="")
    source_publisher = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-modified_at"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "slug"], name="dataset_slug_unique"),
            one_of("status", DatasetStatus, "dataset_status_valid"),
            one_of("access_rights", DatasetAccess, "dataset_access_valid"),
            models.CheckConstraint(
                condition=~Q(access_rights="consent", contains_personal_data=False),
                name="consent_access_means_personal_data",
            ),
            models.CheckConstraint(
                condition=Q(temporal_start__isnull=True)
                | Q(temporal_end__isnull=True)
                | Q(temporal_end__gte=F("temporal_start")),
                name="dataset_temporal_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-modified_at"], name="dataset_status_modified"),
            # The catalogue sorted by title pages through this index (`sort=title`), rather
            # than sorting every published dataset for each page.
            models.Index(
                fields=["title", "id"],
                condition=Q(status="published"),
                name="dataset_published_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Distribution(models.Model):
    """Where and how to get a dataset's data at its source."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="distributions")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    access_url = models.URLField(max_length=2000)
    download_url = models.URLField(max_length=2000, blank=True)
    media_type = models.CharField(max_length=100, blank=True)
    format = models.CharField(max_length=30, blank=True)
    byte_size = models.BigIntegerField(null=True, blank=True)
    checksum_sha256 = models.CharField(max_length=64, blank=True)
    schema = models.JSONField(null=True, blank=True, help_text="Frictionless Table Schema")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(byte_size__isnull=True) | Q(byte_size__gte=0),
                name="distribution_byte_size_nonnegative",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.access_url


class DatasetRevisionKind(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    WITHDRAW = "withdraw", "Withdrawn"


class DatasetRevisionStatus(models.TextChoices):
    PENDING = "pending", "Awaiting validation"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected by validation"
    SUPERSEDED = "superseded", "Superseded by a later change"


class DatasetRevision(models.Model):
    """One change to a dataset: who, when, and the full metadata snapshot after it."""

    Kind = DatasetRevisionKind
    Status = DatasetRevisionStatus

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    snapshot = models.JSONField()
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "number"], name="revision_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id} r{self.number} ({self.kind})"


class ValidationRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    ERROR = "error", "Error"


class ValidationRunTrigger(models.TextChoices):
    SUBMISSION = "submission", "A change was submitted"
    RECHECK = "recheck", "Scheduled re-check"
    MANUAL = "manual", "Requested by the institution"


class ValidationRun(models.Model):
    """One validation of one dataset revision, executed by a background job."""

    Status = ValidationRunStatus

    FINISHED = (Status.PASSED, Status.FAILED, Status.ERROR)

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="validation_runs")
    revision = models.ForeignKey(
        DatasetRevision, on_delete=models.CASCADE, related_name="validation_runs"
    )

    Trigger = ValidationRunTrigger

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=12, choices=Trigger.choices, default=Trigger.SUBMISSION)
    attempt = models.PositiveSmallIntegerField(default=0)
    quality = models.JSONField(null=True, blank=True)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            one_of("status", ValidationRunStatus, "run_status_valid"),
            # Runs are deduplicated: a dataset never waits in the queue twice.
            models.UniqueConstraint(
                fields=["dataset"],
                condition=Q(status="queued"),
                name="one_queued_run_per_dataset",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "queued_at"], name="run_status_queued"),
            # A revision's runs in order: a harvest report asks each item's first run, and
            # with only the revision index the planner may walk the primary key instead.
            models.Index(fields=["revision", "id"], name="run_revision_order"),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.dataset_id}: {self.status}"


class ValidationFindingSeverity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"
    INFO = "info", "Information"


class ValidationFinding(models.Model):
    """What one check found in one run."""

    Severity = ValidationFindingSeverity

    run = models.ForeignKey(ValidationRun, on_delete=models.CASCADE, related_name="findings")
    check_name = models.CharField(max_length=50)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.TextField()
    field = models.CharField(max_length=100, blank=True)
    distribution_id = models.UUIDField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            one_of("severity", ValidationFindingSeverity, "severity_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"
