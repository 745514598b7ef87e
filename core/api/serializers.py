"""The API toolkit every app's serializers build on: strict input fields (a string is a string,
a boolean a boolean), a serializer that names unknown fields, paginated-list and error shapes
for the OpenAPI document."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from rest_framework import serializers

from .. import links

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


class WholeItems(serializers.ListField):
    """A list of objects, each validated in full by a fresh `child` serializer: a PATCH is
    partial about the keys of the resource, never about the items of a list it replaces
    (DRF's nested serializers inherit the root's `partial` and would skip required fields and
    defaults inside each item)."""

    def run_child_validation(self, data):
        result, errors = [], {}
        for index, item in enumerate(data):
            serializer = type(self.child)(data=item)
            if serializer.is_valid():
                result.append(serializer.validated_data)
            else:
                errors[index] = serializer.errors
        if errors:
            raise serializers.ValidationError(errors)
        return result


def uri_characters(value: str) -> None:
    """Refuse a URL holding a character no URI may hold unescaped (`"<>{}|\\^` and the
    backtick): it would be a link that breaks, and an IRI no RDF syntax can write."""
    # Not for a value that is no URL at all (`ftp://…`, `example.com/x`): the URL validator
    # says so, and this message would mislead.
    if value and _a_valid_url(value) and not links.http_url(value):
        raise serializers.ValidationError(
            "Use a URL whose special characters are percent-encoded (e.g. %22 for a quote)."
        )


def _a_valid_url(value: str) -> bool:
    try:
        http_url(value)
    except DjangoValidationError:
        return False
    return True


class HttpUrlField(StrictCharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)
        self.validators.extend([http_url, uri_characters])


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


_INSTANT = serializers.DateTimeField()


def status_answer(found: dict) -> dict:
    """`{id, status, valid_until, updated_at}` of a status check (a consent artefact or a
    data-use agreement), exactly as a serializer of those four fields writes it, without the
    serializer's per-request field set-up: these checks precede every release."""
    return {
        "id": str(found["id"]),
        "status": found["status"],
        "valid_until": _INSTANT.to_representation(found["valid_until"]),
        "updated_at": _INSTANT.to_representation(found["updated_at"]),
    }


def validated(serializer_class, request, **kwargs) -> dict:
    """The request body as `serializer_class` validates it; a 400 naming each bad field
    otherwise (DRF's ValidationError, answered by core.api.errors)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
