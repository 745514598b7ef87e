"""Consent webhooks: where institutions want events, and the outbox of deliveries."""

import uuid

from django.db import models

from core.constraints import one_of
from registry.models import Institution


class WebhookEndpoint(models.Model):
    """Where an institution wants consent events delivered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list, blank=True, help_text="Event types; empty = all")
    description = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be delivered"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Given up"


class WebhookDelivery(models.Model):
    """The outbox: one event for one endpoint, written in the transaction of the change."""

    Status = WebhookDeliveryStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(help_text="The idempotency id: the same for every endpoint")
    event_type = models.CharField(max_length=24)
    body = models.TextField(help_text="The exact JSON bytes sent")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            one_of("status", WebhookDeliveryStatus, "webhook_delivery_status_valid"),
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="one_delivery_per_event_per_endpoint"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"
