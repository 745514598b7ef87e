"""What a new account declares (DPDP Act 2023 s.9): its date of birth and, for a child, the
parent or lawful guardian who answers consent requests for them (identity.guardians)."""

from django.db import transaction
from django.utils import timezone

from consent.models import AGE_OF_MAJORITY, CitizenProfile
from consent.services import citizen_create
from core.errors import ServiceError

from .ages import birth_date_checked
from .guardians import guardianship_name
from .models import GuardianshipBasis


def citizen_sign_up(*, handle: str, password: str, language: str, name: str, **declared):
    """A new account with a password (the portal's sign-up form), with what it declares
    (sign_up_declare): both or neither."""
    with transaction.atomic():
        citizen = citizen_create(handle=handle, password=password, language=language, name=name)
        sign_up_declare(citizen, **declared)
    return citizen


def sign_up_declare(citizen: CitizenProfile, *, birth_date, guardian: str = "") -> None:
    """What a new account declares (call in the transaction that creates it): the date of
    birth, and for a child the parent or lawful guardian, named at once."""
    if not birth_date:
        raise ServiceError(
            "A new account declares its date of birth (YYYY-MM-DD): a child's consent is "
            "given by a parent or lawful guardian (DPDP Act 2023 s.9).",
            field="birth_date",
        )
    born = birth_date_checked(birth_date)
    CitizenProfile.objects.filter(pk=citizen.pk).update(birth_date=born)
    citizen.birth_date = born
    if not citizen.is_minor(timezone.localdate()):
        return
    if not (guardian or "").strip():
        raise ServiceError(
            f"You are under {AGE_OF_MAJORITY}: name a parent or lawful guardian by their "
            "e-mail address or mobile number. They confirm in Suchi and answer consent "
            f"requests for you until you are {AGE_OF_MAJORITY}.",
            field="guardian",
        )
    guardianship_name(
        ward=citizen,
        guardian=guardian,
        basis=GuardianshipBasis.MINOR,
        actor=f"citizen {citizen.handle}",
    )
