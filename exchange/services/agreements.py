"""Data-use agreements: issued when a provider approves a request, signed with the consent
manager's key (verifiable offline against /.well-known/jwks.json), then suspended, resumed,
revoked by the provider or expired by time. The provider checks the live status before every
release and records each release, or each release it refused, as a receipt."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import rfc8785
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from catalog import iris
from consent.keys import key_publish, sign_compact
from consent.verify import AGREEMENT_TYP
from core.errors import Conflict, NotFound, ServiceError
from registry.models import ApiToken, Dataset, Institution
from registry.rawsql import column_loader

from ..models import AccessRequest, AgreementReceipt, DataUseAgreement, ExchangeEvent
from ..terms import delete_by, odrl_policy, purposes, readable, terms_checked
from .events import instant_z, record
from .requests import locked_request

AGREEMENT_SCHEMA = "suchi.data-use-agreement/1"
CLOCK_SKEW = timedelta(seconds=30)  # a release reported from a clock a little ahead
Status = DataUseAgreement.Status
TRANSITIONS = {  # action → (from, to, event)
    "suspend": ((Status.ACTIVE,), Status.SUSPENDED, ExchangeEvent.Kind.AGREEMENT_SUSPENDED),
    "resume": ((Status.SUSPENDED,), Status.ACTIVE, ExchangeEvent.Kind.AGREEMENT_RESUMED),
    "revoke": (DataUseAgreement.LIVE, Status.REVOKED, ExchangeEvent.Kind.AGREEMENT_REVOKED),
}


def _basis(datasets: list[Dataset], basis: dict | None) -> tuple[str, dict]:
    """The recorded basis for personal data: `consent` (records go out only under each person's
    consent artefact) or `deidentified` (the provider attests it, saying how)."""
    if not any(d.contains_personal_data for d in datasets):
        return "", {}
    if not isinstance(basis, dict) or basis.get("kind") not in (
        DataUseAgreement.Basis.CONSENT,
        DataUseAgreement.Basis.DEIDENTIFIED,
    ):
        raise ServiceError(
            "These datasets hold personal data: state the basis, `consent` (released per "
            "person under consent) or `deidentified` (with your attestation).",
            field="basis.kind",
        )
    statement = basis.get("statement", "")
    if not isinstance(statement, str) or len(statement) > 2000:
        raise ServiceError("A text of at most 2,000 characters.", field="basis.statement")
    if basis["kind"] == DataUseAgreement.Basis.DEIDENTIFIED and len(statement.strip()) < 20:
        raise ServiceError(
            "Attest how the data was de-identified (at least 20 characters).",
            field="basis.statement",
        )
    return basis["kind"], {"kind": basis["kind"], "statement": statement.strip()}


def _claims(
    request: AccessRequest, agreement_id, datasets, *, terms: dict, basis: dict,
    valid_from: datetime, valid_until: datetime,
) -> dict:  # fmt: skip
    site = settings.SUCHI_SITE_URL
    purpose = purposes()[request.purpose]
    until, deletion = instant_z(valid_until), instant_z(delete_by(valid_until, terms))
    listed = sorted(datasets, key=lambda d: str(d.pk))
    return {
        "schema": AGREEMENT_SCHEMA,
        "id": str(agreement_id),
        "request_id": str(request.pk),
        "issuer": settings.SUCHI_CONSENT_MANAGER_ID,
        "provider": {"id": request.provider.slug, "name": request.provider.name},
        "consumer": {"id": request.consumer.slug, "name": request.consumer.name},
        "responsible": {"name": request.responsible_name, "email": request.responsible_email},
        "datasets": [
            {
                "id": str(d.pk),
                "uri": iris.dataset(site, d.pk),
                "title": d.title,
                "source_urls": sorted(
                    {
                        u
                        for dist in d.distributions.all()
                        for u in (dist.access_url, dist.download_url)
                        if u
                    }
                ),
            }
            for d in listed
        ],
        "purpose": {"code": request.purpose, "dpv": purpose["dpv"], "text": request.description},
        "ai_training": (
            {"model": request.model_name, "outputs_released": request.outputs_released}
            if request.purpose == "ai-training"
            else None
        ),
        "data_range": {
            "from": request.data_from.isoformat() if request.data_from else None,
            "to": request.data_to.isoformat() if request.data_to else None,
        },
        "valid_from": instant_z(valid_from),
        "valid_until": until,
        "delete_by": deletion,
        "basis": basis or None,
        "terms": {
            **terms,
            "text": readable(terms, purpose=request.purpose, valid_until=until, delete_by=deletion),
        },
        "policy": odrl_policy(
            uid=f"{site}/agreements/{agreement_id}",
            assigner=iris.institution(site, request.provider.slug),
            assignee=iris.institution(site, request.consumer.slug),
            targets=[iris.dataset(site, d.pk) for d in listed],
            purpose=request.purpose,
            valid_until=until,
            delete_by=deletion,
            terms=terms,
        ),
        "iat": int(valid_from.timestamp()),
    }


def _live_datasets(request: AccessRequest) -> list[Dataset]:
    datasets = list(request.datasets.prefetch_related("distributions"))
    for dataset in datasets:
        if dataset.status != Dataset.Status.PUBLISHED:
            raise Conflict(
                f"Dataset {dataset.pk} is no longer in the catalogue ({dataset.status}).",
                field="datasets",
            )
    return datasets


# Long: the checks, the signed claims, the rows and the two ledger steps of one approval.
def access_request_approve(
    *, provider: Institution, request_id, terms: dict, basis: dict | None, actor: str,
    template: dict | None = None,
) -> DataUseAgreement:  # fmt: skip
    """Approve a request: an agreement with the terms (the provider's template, then `terms`)
    is signed and issued. 404 for anyone but the provider; 409 if already decided."""
    now = timezone.now()
    with transaction.atomic():
        request, locked = locked_request(request_id=request_id, provider=provider)
        if request.status != AccessRequest.Status.REQUESTED:
            raise Conflict(f"This request is already {request.status}.", field="status")
        datasets = _live_datasets(request)
        checked = terms_checked(terms or {}, template=template or {}, purpose=request.purpose)
        basis_kind, basis_claim = _basis(datasets, basis)
        agreement_id = uuid.uuid4()
        valid_until = now + timedelta(days=request.duration_days)
        claims = _claims(
            request, agreement_id, datasets, terms=checked, basis=basis_claim,
            valid_from=now, valid_until=valid_until,
        )  # fmt: skip
        jws, kid = sign_compact(rfc8785.dumps(claims), typ=AGREEMENT_TYP)
        key_publish(kid)
        agreement = DataUseAgreement.objects.create(
            id=agreement_id,
            request=request,
            consumer=request.consumer,
            provider=locked,
            purpose=request.purpose,
            basis=basis_kind,
            terms=checked,
            valid_from=now,
            valid_until=valid_until,
            claims=claims,
            jws=jws,
            kid=kid,
            created_at=now,
            updated_at=now,
        )
        agreement.datasets.set(datasets)
        request.status, request.updated_at = AccessRequest.Status.APPROVED, now
        request.save(update_fields=["status", "updated_at"])
        record(
            provider=locked,
            kind=ExchangeEvent.Kind.REQUEST_APPROVED,
            actor=actor,
            at=now,
            request=request,
        )
        record(
            provider=locked,
            kind=ExchangeEvent.Kind.AGREEMENT_ISSUED,
            actor=actor,
            at=now,
            request=request,
            agreement=agreement,
            kid=kid,
            valid_until=claims["valid_until"],
        )
    return agreement


def _expire_if_due(agreement: DataUseAgreement, provider: Institution, now: datetime) -> bool:
    """Expire a live agreement whose time is up (caller holds the provider's lock)."""
    if agreement.status not in DataUseAgreement.LIVE or agreement.valid_until > now:
        return False
    agreement.status, agreement.updated_at = Status.EXPIRED, now
    agreement.save(update_fields=["status", "updated_at"])
    record(
        provider=provider,
        kind=ExchangeEvent.Kind.AGREEMENT_EXPIRED,
        actor="system: expiry",
        at=now,
        request=agreement.request,
        agreement=agreement,
    )
    return True


def _locked(agreement_id, **party) -> tuple[DataUseAgreement, Institution]:
    found = DataUseAgreement.objects.filter(pk=agreement_id, **party).first()
    if found is None:
        raise NotFound("No such agreement.")
    provider = Institution.objects.select_for_update().get(pk=found.provider_id)
    found.refresh_from_db()
    return found, provider


def agreement_for_party(*, institution: Institution, agreement_id) -> DataUseAgreement:
    """An agreement the institution is provider or consumer of, expired first if its time is
    up; NotFound for anyone else."""
    found = (
        DataUseAgreement.objects.select_related("consumer", "provider", "request")
        .filter(Q(provider=institution) | Q(consumer=institution), pk=agreement_id)
        .first()
    )
    if found is None:
        raise NotFound("No such agreement.")
    if found.status in DataUseAgreement.LIVE and found.valid_until <= timezone.now():
        with transaction.atomic():
            agreement, provider = _locked(found.pk)
            _expire_if_due(agreement, provider, timezone.now())
        found.refresh_from_db()
    return found


def agreement_status(*, institution: Institution, agreement_id) -> dict:
    """`{id, status, valid_until, updated_at}` for a party, in one statement (the check before
    every release); a live agreement past its time is expired first, so the answer is never
    stale."""
    table = DataUseAgreement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, valid_until, updated_at FROM {table} "  # noqa: S608  (model's table)
            "WHERE id = %s AND (provider_id = %s OR consumer_id = %s)",
            [
                DataUseAgreement._meta.pk.get_db_prep_value(agreement_id, connection),
                institution.pk,
                institution.pk,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound("No such agreement.")
    found = {
        "id": agreement_id,
        "status": row[0],
        "valid_until": column_loader(DataUseAgreement, "valid_until")(row[1]),
        "updated_at": column_loader(DataUseAgreement, "updated_at")(row[2]),
    }
    if found["status"] in DataUseAgreement.LIVE and found["valid_until"] <= timezone.now():
        agreement = agreement_for_party(institution=institution, agreement_id=agreement_id)
        found.update(
            status=agreement.status,
            valid_until=agreement.valid_until,
            updated_at=agreement.updated_at,
        )
    return found


def agreement_transition(
    *, provider: Institution, agreement_id, action: str, reason: str, actor: str
) -> DataUseAgreement:
    """Suspend, resume or revoke (the provider only; 404 for anyone else, 409 from a state
    the action does not apply to)."""
    sources, target, kind = TRANSITIONS[action]
    now = timezone.now()
    with transaction.atomic():
        agreement, locked = _locked(agreement_id, provider=provider)
        _expire_if_due(agreement, locked, now)
        if agreement.status not in sources:
            raise Conflict(f"This agreement is {agreement.status}; it cannot be {action}d.")
        agreement.status, agreement.updated_at = target, now
        agreement.save(update_fields=["status", "updated_at"])
        record(
            provider=locked,
            kind=kind,
            actor=actor,
            at=now,
            request=agreement.request,
            agreement=agreement,
            reason=reason.strip()[:2000],
        )
    return agreement


def agreements_expire(*, now: datetime | None = None, batch: int = 500) -> int:
    """Expire the live agreements whose time is up (the periodic sweep)."""
    now = now or timezone.now()
    due = list(
        DataUseAgreement.objects.filter(status__in=DataUseAgreement.LIVE, valid_until__lte=now)
        .order_by("valid_until")
        .values_list("pk", flat=True)[:batch]
    )
    expired = 0
    for agreement_id in due:
        with transaction.atomic():
            agreement, provider = _locked(agreement_id)
            expired += _expire_if_due(agreement, provider, now)
    return expired


@dataclass(frozen=True)
class ReleaseInput:
    served_at: datetime
    record_count: int | None = None
    sha256: str = ""
    dataset_id: object = None
    note: str = ""


# Long: the checks before a release is recorded, and the refused case, under the provider lock.
def release_record(
    *, provider: Institution, agreement_id, release: ReleaseInput, token: ApiToken | None,
    actor: str,
) -> AgreementReceipt:  # fmt: skip
    """Record a release under an agreement. Against an agreement that is not active the
    release is refused: the refusal is kept (a receipt with outcome `refused`, a ledger step)
    and Conflict is raised once it is committed."""
    now = timezone.now()
    if release.served_at > now + CLOCK_SKEW:
        raise ServiceError("Must not be in the future.", field="served_at")
    with transaction.atomic():
        agreement, locked = _locked(agreement_id, provider=provider)
        dataset = None
        if release.dataset_id is not None:
            dataset = agreement.datasets.filter(pk=release.dataset_id).first()
            if dataset is None:
                raise ServiceError("Not a dataset of this agreement.", field="dataset")
        if release.served_at < agreement.valid_from - CLOCK_SKEW:
            raise ServiceError("Before the agreement was issued.", field="served_at")
        _expire_if_due(agreement, locked, now)
        active = agreement.status == Status.ACTIVE
        receipt = AgreementReceipt.objects.create(
            agreement=agreement,
            outcome=AgreementReceipt.Outcome.RELEASED
            if active
            else AgreementReceipt.Outcome.REFUSED,
            agreement_status=agreement.status,
            dataset=dataset,
            record_count=release.record_count,
            sha256=release.sha256,
            note=release.note.strip()[:500],
            served_at=release.served_at,
            created_at=now,
            created_by_token=token,
        )
        record(
            provider=locked,
            kind=ExchangeEvent.Kind.RELEASE_RECORDED
            if active
            else ExchangeEvent.Kind.RELEASE_REFUSED,
            actor=actor,
            at=now,
            request=agreement.request,
            agreement=agreement,
            receipt=str(receipt.pk),
            status=agreement.status,
        )
    if not active:
        raise Conflict(
            f"This agreement is {agreement.status}; no data may be released under it. "
            "The refusal was recorded.",
            field="status",
        )
    return receipt
