"""Cursor pagination for search results: stable under inserts, cheap at any depth.

Cursors are signed, so a forged or truncated one is a clean 400, never a query with odd values.
"""

from django.core import signing
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.utils.urls import replace_query_param

_SALT = "suchi.catalog.cursor"


class SearchCursorPagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def __init__(self, ordering: tuple[str, ...]):
        self.ordering = ordering

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            offset, reverse, position = signing.loads(encoded, salt=_SALT)
            return Cursor(offset=int(offset), reverse=bool(reverse), position=position)
        except (signing.BadSignature, ValueError, TypeError):
            raise ValidationError(
                {"cursor": ["Invalid cursor: use the `next` or `previous` link as given."]}
            ) from None

    def encode_cursor(self, cursor):
        token = signing.dumps(
            [cursor.offset, cursor.reverse, cursor.position], salt=_SALT, compress=True
        )
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": ["A whole number from 1 to 100."]}) from None
        if size < 1:
            raise ValidationError({"page_size": ["A whole number from 1 to 100."]})
        return min(size, self.max_page_size)
