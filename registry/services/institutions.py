"""Institutions and their members."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction

from core.errors import Conflict, ServiceError

from .. import vocabularies
from ..models import Institution, Membership


def institution_create(
    *,
    slug: str,
    name: str,
    kind: str = Institution.Kind.GOVERNMENT,
    is_provider: bool = True,
    is_consumer: bool = False,
    state_code: str = "",
    website: str = "",
    contact_email: str = "",
    description: str = "",
    verified: bool = False,
) -> Institution:
    """Register an institution. Operators verify it before its tokens are trusted widely."""
    try:
        validate_slug(slug)
    except ValidationError:
        raise ServiceError(
            "Slug may contain only letters, digits, hyphens and underscores.", field="slug"
        ) from None
    if not name.strip():
        raise ServiceError("Name must not be empty.", field="name")
    if kind not in Institution.Kind.values:
        raise ServiceError(
            f"Unknown kind {kind!r}; use one of {', '.join(Institution.Kind.values)}.",
            field="kind",
        )
    if not (is_provider or is_consumer):
        raise ServiceError("An institution must be a provider, a consumer or both.", field="role")
    if state_code and state_code not in vocabularies.states():
        raise ServiceError(f"Unknown state code {state_code!r}.", field="state_code")
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise ServiceError("Enter a valid e-mail address.", field="contact_email") from None
    try:
        with transaction.atomic():
            return Institution.objects.create(
                slug=slug,
                name=name.strip(),
                kind=kind,
                is_provider=is_provider,
                is_consumer=is_consumer,
                state_code=state_code,
                website=website,
                contact_email=contact_email,
                description=description,
                verification_status=(
                    Institution.Verification.VERIFIED
                    if verified
                    else Institution.Verification.PENDING
                ),
            )
    except IntegrityError:
        raise Conflict(f"An institution with slug {slug!r} already exists.", field="slug") from None


def membership_add(
    *, user, institution: Institution, role: str = Membership.Role.EDITOR
) -> Membership:
    """Make a user a member of an institution (or change their role)."""
    if role not in Membership.Role.values:
        raise ServiceError(f"Unknown role {role!r}.", field="role")
    membership, _ = Membership.objects.update_or_create(
        user=user, institution=institution, defaults={"role": role}
    )
    return membership
