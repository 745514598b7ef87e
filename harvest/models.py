"""Harvesting: other catalogues' datasets imported on a schedule, with reports and provenance.

Models hold fields and invariants only; every write goes through harvest/services.py.
"""

import uuid

from django.db import models
from django.db.models import Q

from core.constraints import one_of
from registry.models import Dataset, DatasetRevision, Institution


class HarvestSourceKind(models.TextChoices):
    DCAT = "dcat", "DCAT (Turtle, RDF/XML or JSON-LD; hydra paging)"
    CKAN = "ckan", "CKAN Action API"
    DATAJSON = "datajson", "DCAT-US 1.1 data.json"
    SUCHI = "suchi", "Another Suchi node"
    CROISSANT = "croissant", "Croissant JSON-LD (a dataset, a list of them, or a DataCatalog)"


class HarvestSourceFrequency(models.TextChoices):
    MANUAL = "manual", "Only when started"
    HOURLY = "hourly", "Hourly"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class HarvestSource(models.Model):
    """A catalogue an institution imports from."""

    Kind = HarvestSourceKind
    Frequency = HarvestSourceFrequency

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="harvest_sources"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.URLField(max_length=2000)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="manual")
    withdraw_grace_hours = models.PositiveIntegerField(
        default=0, help_text="Keep a record missing from the source this long before withdrawing"
    )
    is_active = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "url"], name="harvest_source_unique"),
            one_of("kind", HarvestSourceKind, "harvest_source_kind_valid"),
            one_of("frequency", HarvestSourceFrequency, "harvest_source_frequency_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class HarvestJobStatus(models.TextChoices):
    NEW = "new", "Waiting"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"
    ABORTED = "aborted", "Aborted"


class HarvestJob(models.Model):
    """One run of a source: gather (stage every remote record), then import, then withdraw
    what the source no longer has."""

    Status = HarvestJobStatus

    ACTIVE = (Status.NEW, Status.RUNNING)

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    trigger = models.CharField(max_length=10, default="manual")
    stage = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    abort_requested = models.BooleanField(default=False)
    pages = models.PositiveIntegerField(default=0)
    gathered = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="At most 200 lines")
    error = models.TextField(blank=True, help_text="Why the job failed")
    worker = models.CharField(
        max_length=300, blank=True, help_text="host:pid of the process running it"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            one_of("status", HarvestJobStatus, "harvest_job_status_valid"),
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status__in=[HarvestJobStatus.NEW, HarvestJobStatus.RUNNING]),
                name="one_active_job_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} of {self.source_id} ({self.status})"


class HarvestRecordStatus(models.TextChoices):
    ACTIVE = "active", "Present at the source"
    WITHDRAWN = "withdrawn", "Gone from the source"


class HarvestRecord(models.Model):
    """A remote record and the dataset it became: the key that makes re-harvests idempotent."""

    Status = HarvestRecordStatus

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="records")
    guid = models.CharField(max_length=500)
    content_hash = models.CharField(max_length=64)
    dataset = models.ForeignKey(Dataset, null=True, on_delete=models.SET_NULL, related_name="+")
    remote_url = models.CharField(max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    last_seen_job = models.ForeignKey(
        HarvestJob, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="harvest_record_unique"),
        ]
        indexes = [models.Index(fields=["source", "status"], name="harvest_record_source")]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.guid}"


class StagedRecord(models.Model):
    """A record gathered by a job, waiting for import. Staging first means a source that
    breaks half-way through leaves nothing half-imported; rows are deleted when the job ends."""

    job = models.ForeignKey(HarvestJob, on_delete=models.CASCADE, related_name="staged")
    position = models.PositiveIntegerField()
    guid = models.CharField(max_length=500)
    content_hash = models.CharField(max_length=64)
    payload = models.JSONField()
    remote_url = models.CharField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    source_fields = models.JSONField(
        default=dict, blank=True, help_text="The source's fields Suchi's model has no place for"
    )
    # The dates the source states (RemoteRecord.issued / .modified), for the provenance.
    issued = models.CharField(max_length=32, blank=True, default="")
    modified = models.CharField(max_length=32, blank=True, default="")
    origin = models.JSONField(
        default=dict, blank=True, help_text="Where the source had the record from (RemoteRecord)"
    )

    class Meta:
        ordering = ["job_id", "position"]
        indexes = [models.Index(fields=["job", "position"], name="harvest_staged_job")]

    def __str__(self) -> str:
        return f"{self.job_id}#{self.position} {self.guid}"


class HarvestJobItem(models.Model):
    """A dataset a job added or changed, with the revision it submitted for validation: what
    the job's report counts (outcomes, findings, validation progress)."""

    job = models.ForeignKey(HarvestJob, on_delete=models.CASCADE, related_name="items")
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(DatasetRevision, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["job", "revision"], name="harvest_item_job")]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.dataset_id}"
