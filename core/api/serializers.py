"""The API toolkit every app's serializers build on: strict input fields (a string is a string,
a boolean a boolean), a serializer that names unknown fields, paginated-list and error shapes
for the OpenAPI document."""

from django.core.validators import URLValidator
from rest_framework import serializers

http_url = URLValidator(schemes=["http", "https"])


class StrictCharField(serializers.CharField):
    """A string, and only a string: numbers are not quietly turned into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false, not "yes", 1 or "on"."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer, not a numeric string or a boolean."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not know, naming them; silently drops `read_only_names`."""

    read_only_names: frozenset[str] = frozenset()

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [f"Expected a JSON object, got {type(data).__name__}."]}
            )
        unknown = sorted(set(data) - set(self.fields) - self.read_only_names)
        data = {k: v for k, v in data.items() if k in self.fields}
        errors = {name: ["Unknown field."] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = {**errors, **exc.detail} if isinstance(exc.detail, dict) else errors
            if not errors:
                raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


class HttpUrlField(StrictCharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)
        self.validators.append(http_url)


def page_of(item_serializer, name: str) -> type[serializers.Serializer]:
    """An OpenAPI description of a paginated list of `item_serializer`."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )


class ErrorOutput(serializers.Serializer):
    """Every API error: a readable sentence naming the field, and the errors by field path."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
