"""The one page-number pagination of the APIs' lists (the catalogue's search has cursors of its
own, catalog/api/pagination.py). Django's paginator checks the page number against the count
before any OFFSET reaches SQL, so a 20-digit page is a 404, never an overflow."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
