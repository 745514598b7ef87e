"""Renderers beyond DRF's own."""

from rest_framework import renderers


class CSVRenderer(renderers.BaseRenderer):
    """text/csv, for views that render the CSV bytes themselves (core.http.csv_response): it
    lets a client's `Accept: text/csv` through content negotiation."""

    media_type, format, charset = "text/csv", "csv", "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data
