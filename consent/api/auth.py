"""How citizens authenticate to the API: a short-lived bearer token from /api/v1/auth/token
(mobile apps, scripts), or the portal's session (with CSRF, as DRF enforces for sessions)."""

from django.conf import settings
from rest_framework import authentication, exceptions, permissions
from rest_framework.throttling import SimpleRateThrottle

from registry.services.tokens import TOKEN_PREFIX

from ..services import citizen_token_authenticate
from ..services.citizens import CITIZEN_TOKEN_PREFIX


class CitizenTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        value = value.strip()
        if scheme.lower() == "bearer" and value.startswith(f"{TOKEN_PREFIX}_"):
            raise exceptions.AuthenticationFailed(
                "An institution token cannot act for a citizen; use a citizen token from "
                "/api/v1/auth/token."
            )
        if scheme.lower() != "bearer" or not value.startswith(CITIZEN_TOKEN_PREFIX):
            return None  # no bearer credentials: the session may authenticate
        user = citizen_token_authenticate(value)
        if user is None:
            raise exceptions.AuthenticationFailed(
                "Invalid or expired citizen token; get a new one from /api/v1/auth/token."
            )
        return user, None

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="suchi-citizen"'


class IsCitizen(permissions.BasePermission):
    message = "Sign in as a citizen (portal session or a token from /api/v1/auth/token)."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and hasattr(user, "citizen"))


class PasswordAttemptThrottle(SimpleRateThrottle):
    """Password attempts per client IP (SUCHI_AUTH_RATE), shared through the cache."""

    scope = "citizen-auth"

    def get_rate(self):
        return settings.SUCHI_AUTH_RATE or None

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
