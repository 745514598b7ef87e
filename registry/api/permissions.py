from rest_framework import permissions

from .auth import InstitutionPrincipal


def caller_institution(request):
    """The institution an API request acts for, or None for anonymous callers."""
    user = request.user
    return user.institution if isinstance(user, InstitutionPrincipal) else None


class HasScope(permissions.BasePermission):
    """Allows a request when its token holds `required_scope` (set on the view)."""

    message = "This token lacks the required scope."

    def has_permission(self, request, view) -> bool:
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return True
        if not isinstance(request.user, InstitutionPrincipal):
            return False
        if scope not in request.auth.scopes:
            self.message = f"This token lacks the `{scope}` scope."
            return False
        return True


class WriteNeedsScope(HasScope):
    """Reads are open; writes need the view's `required_scope`."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_permission(request, view)
