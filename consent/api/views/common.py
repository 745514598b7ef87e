"""What the consent API's views share: the citizens' base view, the query-parameter helpers
and the citizen actor."""

import uuid

from rest_framework import generics
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError

from core.api.pagination import Pagination

from ..auth import CitizenTokenAuthentication, IsCitizen


class CitizenView(generics.GenericAPIView):
    """A `/me/…` view: a citizen token or the portal session, the citizen as `self.citizen`."""

    authentication_classes = [CitizenTokenAuthentication, SessionAuthentication]
    permission_classes = [IsCitizen]
    pagination_class = Pagination

    @property
    def citizen(self):
        return self.request.user.citizen


def citizen_actor(request) -> str:
    return f"citizen {request.user.citizen.handle}"


def uuid_param(value: str, field: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({field: ["Must be a UUID."]}) from None
