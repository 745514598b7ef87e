"""Cursor pagination for search results: stable under inserts, cheap at any depth.

Cursors are signed, so a forged or truncated one is a clean 400, never a query with odd values,
and carry the order they page through, so that one handed back with another sort is a 400 too.
Shallow pages can also be asked for by number (`page=N`, while N x page size stays within
SHALLOW_ROWS): a page number is the cursor "N-1 pages from the start", and the `next` and
`previous` links of every page are cursors, so a client can follow them to any depth.
"""

from django.core import signing
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

_SALT = "suchi.catalog.cursor"
# Page numbers reach this many rows; past it an OFFSET gets expensive, so cursors take over.
SHALLOW_ROWS = 10_000


class SearchCursorPagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_param = "page"

    def __init__(self, ordering: tuple[str, ...]):
        self.ordering = ordering
        self.page_number: int | None = None

    def decode_cursor(self, request):
        # An empty `cursor=` (a form's blank field) means no cursor: the first page.
        encoded = request.query_params.get(self.cursor_query_param) or None
        number = request.query_params.get(self.page_query_param)
        if number is not None:
            if encoded is not None:
                raise ValidationError({"page": ["Give either `page` or `cursor`, not both."]})
            self.page_number = self._page_number(number)
            offset = (self.page_number - 1) * self.page_size
            return Cursor(offset=offset, reverse=False, position=None)
        if encoded is None:
            return None
        try:
            offset, reverse, position, ordering = signing.loads(encoded, salt=_SALT)
            cursor = Cursor(offset=int(offset), reverse=bool(reverse), position=position)
        except (signing.BadSignature, ValueError, TypeError):
            raise ValidationError(
                {"cursor": ["Invalid cursor: use the `next` or `previous` link as given."]}
            ) from None
        if ordering != list(self.ordering):
            # Its position is a value of another column (a title is no relevance rank).
            raise ValidationError(
                {
                    "cursor": [
                        "This cursor pages through results in another order (`sort`, or `q` "
                        "with no sort): use the `next` or `previous` link as given."
                    ]
                }
            )
        return cursor

    def _page_number(self, raw: str) -> int:
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise ValidationError({"page": ["A whole number from 1."]})
        if number > self.max_page_number():
            raise ValidationError(
                {
                    "page": [
                        f"Page numbers reach only the first {SHALLOW_ROWS:,} results "
                        f"(page {self.max_page_number()} at this page size); follow the `next` "
                        "links (cursors) to go deeper."
                    ]
                }
            )
        return number

    def max_page_number(self) -> int:
        return max(1, SHALLOW_ROWS // self.page_size)

    def encode_cursor(self, cursor):
        token = signing.dumps(
            [cursor.offset, cursor.reverse, cursor.position, list(self.ordering)],
            salt=_SALT,
            compress=True,
        )
        base = remove_query_param(self.base_url, self.page_query_param)
        return replace_query_param(base, self.cursor_query_param, token)

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
