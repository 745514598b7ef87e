"""One-time code API: strict input, and the answers."""

from rest_framework import serializers

from core.api.serializers import StrictCharField, StrictSerializer


class OtpRequestInput(StrictSerializer):
    identifier = StrictCharField(
        max_length=254, help_text="An e-mail address, or an Indian mobile number (+91…)"
    )
    language = serializers.ChoiceField(
        choices=["en", "hi"], required=False, default="en", help_text="Of the message"
    )


class OtpVerifyInput(StrictSerializer):
    identifier = StrictCharField(max_length=254)
    code = StrictCharField(max_length=12, help_text="The 6 digits received")
    language = serializers.ChoiceField(
        choices=["en", "hi"], required=False, default="en", help_text="For a new account"
    )


class OtpSentOutput(serializers.Serializer):
    detail = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the code is valid")


class OtpTokenOutput(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()
    handle = serializers.CharField(help_text="The citizen's handle, bound to the identifier")
    created = serializers.BooleanField(help_text="Whether this code created the account")
