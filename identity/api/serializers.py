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
    birth_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Required to create an account: the date of birth it declares (YYYY-MM-DD)",
    )
    guardian = StrictCharField(
        max_length=254,
        required=False,
        allow_blank=True,
        default="",
        help_text="Under 18: the e-mail address or mobile number of a parent or lawful "
        "guardian, who confirms in Suchi and answers consent requests until you are 18",
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


# --- Linking ---------------------------------------------------------------------------------
class LinkingEndpointInput(StrictSerializer):
    url = StrictCharField(max_length=2000, help_text="Base URL: Suchi POSTs to <url>/discover …")
    public_jwk = serializers.DictField(help_text="The provider's Ed25519 public key, as a JWK")


class LinkingEndpointOutput(serializers.Serializer):
    url = serializers.CharField()
    public_jwk = serializers.DictField()
    is_active = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class LinkProviderOutput(serializers.Serializer):
    id = serializers.CharField(source="institution.slug")
    name = serializers.CharField(source="institution.name")


class DiscoverInput(StrictSerializer):
    provider = StrictCharField(max_length=100, help_text="The provider's id (slug)")
    identifiers = serializers.ListField(
        child=StrictCharField(max_length=8),
        required=False,
        allow_null=True,
        default=None,
        max_length=2,
        help_text="Kinds of your verified identifiers the provider may see (email, mobile); "
        "default all",
    )


class OfferedAccountOutput(serializers.Serializer):
    reference = serializers.CharField(help_text="The provider's reference; send it back to link")
    masked = serializers.CharField()
    type = serializers.CharField(source="account_type")
    label = serializers.CharField()


class LinkSessionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    provider = serializers.CharField(source="provider.slug")
    accounts = OfferedAccountOutput(many=True, source="offered")
    chosen = serializers.ListField(child=serializers.CharField())
    sent_to = serializers.CharField(help_text="Where the provider sent its code, masked")
    expires_at = serializers.DateTimeField()


class LinkChooseInput(StrictSerializer):
    accounts = serializers.ListField(
        child=StrictCharField(max_length=128), max_length=50, help_text="References offered"
    )


class LinkConfirmInput(StrictSerializer):
    code = StrictCharField(max_length=16, help_text="The code the provider sent you")


class LinkNoticeInput(StrictSerializer):
    """Documents the signed body; the view checks the exact bytes, signature first."""

    type = serializers.ChoiceField(choices=["delinked"])
    notice_id = StrictCharField(max_length=64, help_text="Unique per notice: accepted once")
    link_reference = StrictCharField(max_length=128)
    timestamp = serializers.DateTimeField()


class LinkNoticeOutput(serializers.Serializer):
    link_reference = serializers.CharField()
    status = serializers.CharField()
