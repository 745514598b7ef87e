"""Consent reads, scoped to who is asking."""

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from registry.models import Dataset, Institution
from registry.rawsql import column_loader

from .models import (
    AccessReceipt,
    AccountLink,
    CitizenProfile,
    ConsentArtefact,
    ConsentEvent,
    ConsentRequest,
    WebhookDelivery,
)

_DATASETS = Prefetch("datasets", queryset=Dataset.objects.select_related("institution"))
_ACCOUNTS = Prefetch("accounts", queryset=AccountLink.objects.select_related("provider"))


def _requests() -> QuerySet[ConsentRequest]:
    return ConsentRequest.objects.select_related("consumer", "citizen", "purpose").prefetch_related(
        _DATASETS, _ACCOUNTS
    )


def _artefacts() -> QuerySet[ConsentArtefact]:
    return ConsentArtefact.objects.select_related(
        "consumer", "provider", "citizen", "request", "erasure"
    )


def requests_of_consumer(*, institution: Institution, status: str | None = None):
    qs = _requests().filter(consumer=institution)
    return qs.filter(status=status) if status else qs


def requests_of_citizen(*, citizen: CitizenProfile, status: str | None = None):
    qs = _requests().filter(citizen=citizen)
    return qs.filter(status=status) if status else qs


def artefacts_of_party(*, institution: Institution, request_id=None, status: str | None = None):
    qs = _artefacts().filter(Q(consumer=institution) | Q(provider=institution))
    if request_id:
        qs = qs.filter(request_id=request_id)
    return qs.filter(status=status) if status else qs


def artefacts_of_citizen(*, citizen: CitizenProfile, status: str | None = None):
    qs = _artefacts().filter(citizen=citizen).prefetch_related(_DATASETS)
    return qs.filter(status=status) if status else qs


def links_of_citizen(*, citizen: CitizenProfile, status: str | None = None):
    qs = AccountLink.objects.select_related("provider").filter(citizen=citizen)
    return qs.filter(status=status) if status else qs


def receipts_of_citizen(*, citizen: CitizenProfile):
    return AccessReceipt.objects.select_related("artefact__provider", "artefact__consumer").filter(
        artefact__citizen=citizen
    )


def receipts_of_party(*, institution: Institution, artefact_id):
    return AccessReceipt.objects.select_related("artefact__provider", "artefact__consumer").filter(
        Q(artefact__consumer=institution) | Q(artefact__provider=institution),
        artefact_id=artefact_id,
    )


def events_of_citizen(*, citizen: CitizenProfile):
    return ConsentEvent.objects.select_related("citizen").filter(citizen=citizen).order_by("seq")


def deliveries_of(*, institution: Institution, status: str | None = None):
    qs = WebhookDelivery.objects.filter(endpoint__institution=institution)
    return qs.filter(status=status) if status else qs


def artefact_status_for_party(*, institution: Institution, artefact_id) -> dict | None:
    """`{id, status, valid_until, updated_at}` of an artefact the institution is provider or
    consumer of, or None. The hot path of providers' checks before every release, so it is
    one statement written out (compiling the ORM query cost more than running it)."""
    table = ConsentArtefact._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, valid_until, updated_at FROM {table} "  # noqa: S608  (model's table)
            "WHERE id = %s AND (provider_id = %s OR consumer_id = %s)",
            [_db_uuid(artefact_id), institution.pk, institution.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    status, valid_until, updated_at = row
    return {
        "id": artefact_id,
        "status": status,
        "valid_until": column_loader(ConsentArtefact, "valid_until")(valid_until),
        "updated_at": column_loader(ConsentArtefact, "updated_at")(updated_at),
    }


def _db_uuid(value):
    """UUIDs as the backend stores them (PostgreSQL: uuid; SQLite: 32 hex characters)."""
    return ConsentArtefact._meta.pk.get_db_prep_value(value, connection)
