"""Database constraints built from the one place a rule is declared."""

from django.db import models
from django.db.models import Q


def one_of(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    """A CHECK that `field` holds one of `choices`' values, so that the enum is declared once,
    in its `TextChoices`, and the database refuses what the code would never write."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)
