"""Citizens' verified identifiers (an e-mail address or an Indian mobile number) and the
one-time codes that verify them. A code is stored only as a keyed hash; an identifier in a
code row only as a keyed hash too, so the table of codes says nothing about who asked."""

from django.db import models
from django.db.models import Q

from consent.models import CitizenProfile

# The limits of one-time codes (OWASP's advice; issue #20): valid 5 minutes, 5 wrong tries, a
# new one for the same identifier after a minute, at most 5 an hour for one identifier and 30
# an hour from one client address.
OTP_TTL = 300
OTP_MAX_TRIES = 5
OTP_RESEND_SECONDS = 60
OTP_PER_IDENTIFIER = 5
OTP_PER_CLIENT = 30


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
            models.CheckConstraint(
                condition=Q(kind__in=IdentifierKind.values), name="identifier_kind_valid"
            ),
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
