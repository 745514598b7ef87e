"""Serializers of the citizen's records and of closing an account."""

from rest_framework import serializers

from core.api.serializers import StrictCharField, StrictSerializer


class NoticeOutput(serializers.Serializer):
    """A notice Suchi gave the citizen (their inbox: every notification, whatever channel)."""

    kind = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    language = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class AccountCloseInput(StrictSerializer):
    confirm = StrictCharField(max_length=64, help_text="Your handle, to confirm")


class AccountClosedOutput(serializers.Serializer):
    closed_at = serializers.DateTimeField()
    consents_revoked = serializers.IntegerField()
    requests_denied = serializers.IntegerField()
    accounts_delinked = serializers.IntegerField()
    guardianships_ended = serializers.IntegerField(
        help_text="Guardianships ended: the citizen's own, those they held, those naming them."
    )
    nominations_ended = serializers.IntegerField(
        help_text="Nominations ended: the citizen's own (withdrawn), those naming them (declined)."
    )
