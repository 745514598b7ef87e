"""Bearer-token authentication for institutions' API clients."""

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions

from ..models import ApiToken
from ..services.tokens import TokenInvalid, token_authenticate


class InstitutionPrincipal(AnonymousUser):
    """The caller behind an API token: an institution, not a person.

    Subclasses AnonymousUser so Django code that expects a user object keeps working, but is
    authenticated and carries the token and its institution.
    """

    def __init__(self, token: ApiToken):
        super().__init__()
        self.token = token
        self.institution = token.institution

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_authenticated(self) -> bool:
        return True

    def __str__(self) -> str:
        return f"token {self.token.prefix} of {self.institution.slug}"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(
                "Use the Authorization header as `Bearer <token>`."
            )
        value = value.strip()
        if not value or " " in value:
            raise exceptions.AuthenticationFailed(
                "Use the Authorization header as `Bearer <token>`."
            )
        try:
            token = token_authenticate(value)
        except TokenInvalid as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None
        return InstitutionPrincipal(token), token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="suchi"'
