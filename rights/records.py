"""A consent manager's records (DPDP Act 2023, First Schedule Part B): kept at least seven
years, given to the citizen whole, and left standing when the citizen closes their account.

- **Retention is enforced**: deleting a record of RETAINED younger than
  SUCHI_RECORD_RETENTION_YEARS is refused whoever asks (the ORM, the admin, a cascade from a
  user or an institution): a pre_delete guard, connected in rights.apps.
- **The citizen's records**: everything Suchi holds about them, as one JSON document signed
  with the consent keys (a detached JWS over its RFC 8785 form; rights/api/records_views.py),
  and as a readable page (web/portal_records.py).
- **Closing an account** revokes every live consent (the institutions hear it through the
  ledger's webhooks), denies pending requests, delinks accounts, ends the guardianships and
  nominations the citizen is in (either side), forgets the sign-in identifiers and password,
  and keeps what the law requires: the ledger, the artefacts,
  requests, receipts, notices and grievances.
"""

import contextlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from consent import models as consent_models
from consent.keys import key_publish, sign_compact
from consent.services import artefact_revoke, consent_deny
from consent.services.events import citizen_lock
from core.errors import Conflict, ServiceError
from identity.guardians import guardianship_ties, guardianships_close_account
from identity.linking import link_delink
from identity.models import Guardianship, Notification, VerifiedIdentifier

from .models import Grievance, GrievanceStep, Nomination
from .nomination import nomination_ties, nominations_close_account

RECORDS_FORMAT = "suchi.citizen-records/1"
RECORDS_TYP = "citizen-records+jws"
# Each retained model, and the field that dates it.
RETAINED: dict[type[Model], str] = {
    consent_models.ConsentRequest: "created_at",
    consent_models.ConsentArtefact: "created_at",
    consent_models.ConsentEvent: "created_at",
    consent_models.AccessReceipt: "created_at",
    consent_models.LedgerCheckpoint: "created_at",
    Notification: "created_at",
    Grievance: "created_at",
    GrievanceStep: "at",
    Nomination: "created_at",
    Guardianship: "created_at",
}


class RecordRetained(ProtectedError):
    """A record the law requires kept was about to be deleted."""


def retention_guard(sender, instance, **kwargs) -> None:
    """pre_delete receiver: refuse to delete a retained record younger than the period."""
    field = RETAINED.get(sender)
    if field is None:
        return
    dated = getattr(instance, field, None)
    keep_until = dated + timedelta(days=365.25 * settings.SUCHI_RECORD_RETENTION_YEARS)
    if dated is not None and keep_until > timezone.now():
        raise RecordRetained(
            f"{sender._meta.verbose_name} {instance.pk} is a consent manager's record, kept "
            f"until {keep_until:%Y-%m-%d} (DPDP Act 2023, First Schedule; "
            "SUCHI_RECORD_RETENTION_YEARS).",
            {instance},
        )


def records_sign(body: bytes) -> str:
    """A detached compact JWS over the exact bytes of a citizen's records document (made
    in rights/api/records_views.py), with the consent keys."""
    token, kid = sign_compact(body, typ=RECORDS_TYP)
    key_publish(kid)
    header, _, signature = token.split(".")
    return f"{header}..{signature}"


def account_close(*, citizen: consent_models.CitizenProfile, confirm: str, actor: str) -> dict:
    """Close the citizen's account: what was done, counted. `confirm` must be their handle.

    One transaction under the citizen's lock: closed first, so a grant or a request racing
    the closure waits for the lock and then finds the account closed. Consents and requests
    whose time ran out meanwhile are simply expired on the way. Delinking calls providers,
    so it happens after the commit."""
    if not isinstance(confirm, str) or confirm.strip().lower() != citizen.handle:
        raise ServiceError("Type your handle to confirm.", field="confirm")
    now = timezone.now()
    revoked = denied = 0
    with transaction.atomic():
        # The citizen and those whose guardianship or nomination ends with this account, in
        # id order (as a guardian's confirmation locks a family): one instance each, for
        # their ledgers.
        family = {
            pk: citizen_lock(pk)
            for pk in sorted({citizen.pk, *guardianship_ties(citizen), *nomination_ties(citizen)})
        }

        def locked(pk: int) -> consent_models.CitizenProfile:
            if pk not in family:  # a tie made between the look-up and the locks
                family[pk] = citizen_lock(pk)
            return family[pk]

        citizen = family[citizen.pk]
        if citizen.closed_at is not None:
            raise Conflict("This account is already closed.", field="confirm")
        consent_models.CitizenProfile.objects.filter(pk=citizen.pk).update(closed_at=now)
        for pk in consent_models.ConsentArtefact.objects.filter(
            citizen=citizen, status__in=consent_models.ConsentArtefact.LIVE
        ).values_list("pk", flat=True):
            with contextlib.suppress(Conflict):  # expired meanwhile: nothing left to revoke
                artefact_revoke(citizen=citizen, artefact_id=pk, actor=actor)
                revoked += 1
        for pk in consent_models.ConsentRequest.objects.filter(
            citizen=citizen, status=consent_models.ConsentRequest.Status.PENDING
        ).values_list("pk", flat=True):
            with contextlib.suppress(Conflict):
                consent_deny(citizen=citizen, request_id=pk, actor=actor)
                denied += 1
        # Before the identifiers are freed: the ties found through them go with the account.
        guardianships = guardianships_close_account(
            citizen=citizen, locked=locked, actor=actor, at=now
        )
        nominations = nominations_close_account(citizen=citizen, locked=locked, actor=actor, at=now)
        VerifiedIdentifier.objects.filter(citizen=citizen).delete()
        user = citizen.user
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
    delinked = 0
    for pk in consent_models.AccountLink.objects.filter(
        citizen=citizen, status=consent_models.AccountLink.Status.ACTIVE
    ).values_list("pk", flat=True):
        with contextlib.suppress(ServiceError):
            link_delink(citizen=citizen, link_id=pk, actor=actor)
            delinked += 1
    citizen.refresh_from_db()
    return {
        "closed_at": citizen.closed_at,
        "consents_revoked": revoked,
        "requests_denied": denied,
        "accounts_delinked": delinked,
        "guardianships_ended": guardianships,
        "nominations_ended": nominations,
    }
