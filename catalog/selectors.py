"""Catalogue reads that are not searches."""

from django.db.models import QuerySet

from registry.models import Institution


def institutions_listed() -> QuerySet[Institution]:
    """Institutions the public catalogue shows: all but suspended ones, by name."""
    return Institution.objects.exclude(verification_status="suspended").order_by("name")
