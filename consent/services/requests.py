"""Consent requests: a consumer asks, the citizen grants (issuing one signed artefact per
provider) or denies, the consumer may cancel while it is pending, and time expires it."""

import hashlib
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta

import rfc8785
from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound, ServiceError
from registry.models import ApiToken, Dataset, Institution

from ..keys import key_publish, sign_compact
from ..models import (
    AccountLink,
    CitizenProfile,
    ConsentArtefact,
    ConsentEvent,
    ConsentRequest,
    PurposeCode,
)
from ..verify import ARTEFACT_TYP
from ..vocabulary import StatedTerms
from .accounts import account_claims, grant_accounts, request_accounts
from .events import artefact_event, citizen_lock, citizen_lock_optional, instant_z, request_event
from .terms import Period, check_terms

ARTEFACT_SCHEMA = "suchi.consent-artefact/1"
MAX_DATASETS = 50


# Long: sixteen terms, one line each, in the signature and in the row written; their checks
# are in _check_terms.
def consent_request_create(
    *,
    consumer: Institution,
    citizen_handle: str,
    purpose_code: str,
    purpose_text: str,
    dataset_ids: list[uuid.UUID],
    access_mode: str,
    data_from: date,
    data_to: date,
    fetch_type: str,
    frequency: Period | None,
    data_life: Period,
    expires_at: datetime,
    notice_text: str,
    notice_version: str = "",
    notice_language: str = "en",
    accounts: list[dict] | None = None,
    stated: StatedTerms | None = None,
    token: ApiToken | None = None,
    actor: str,
) -> ConsentRequest:
    """Record a consumer's request; the citizen sees it as pending. `accounts` names linked
    accounts (`{provider, link_reference}`); `stated` the AA/ABDM words the consumer states."""
    now = timezone.now()
    if not consumer.is_consumer:
        raise ServiceError(
            f"{consumer.name} is not registered as a consumer of data.", field="consumer"
        )
    handle = citizen_handle.strip().lower()
    if not handle:
        raise ServiceError("Name the citizen by their handle.", field="citizen")
    purpose = PurposeCode.objects.filter(code=purpose_code, is_active=True).first()
    if purpose is None:
        raise ServiceError(
            f"Unknown purpose code {purpose_code!r}; see /api/v1/purposes.", field="purpose.code"
        )
    if not purpose_text.strip():
        raise ServiceError("Say in words what the data is for.", field="purpose.text")
    frequency, data_life = check_terms(
        access_mode=access_mode,
        data_from=data_from,
        data_to=data_to,
        fetch_type=fetch_type,
        frequency=frequency,
        data_life=data_life,
        expires_at=expires_at,
        now=now,
    )
    if not notice_text.strip():
        raise ServiceError("The notice shown to the citizen is required.", field="notice.text")
    datasets = _consent_datasets(dataset_ids)
    stated = (stated or StatedTerms()).checked()

    # Whether anyone holds the handle is never told: the consumer gets the same answer either
    # way, and a request to no one stays pending, unseen, until it expires (docs/consent.md).
    # A closed account is no one's now: the same answer, and nobody sees the request.
    found = (
        CitizenProfile.objects.filter(handle=handle, closed_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )
    links = request_accounts(found, accounts or [], datasets)
    with transaction.atomic():
        citizen = citizen_lock_optional(found)
        if citizen is not None and citizen.closed_at is not None:  # closed meanwhile
            citizen = None
        request = ConsentRequest.objects.create(
            consumer=consumer,
            citizen=citizen,
            citizen_handle=handle,
            purpose=purpose,
            purpose_text=purpose_text.strip(),
            access_mode=access_mode,
            data_from=data_from,
            data_to=data_to,
            fetch_type=fetch_type,
            frequency_unit=frequency.unit if frequency else "",
            frequency_value=frequency.value if frequency else None,
            data_life_unit=data_life.unit,
            data_life_value=data_life.value,
            consent_types=stated.consent_types,
            fi_types=stated.fi_types,
            hi_types=stated.hi_types,
            data_filters=stated.data_filters,
            expires_at=expires_at,
            respond_by=min(
                expires_at, now + timedelta(days=settings.SUCHI_CONSENT_REQUEST_TTL_DAYS)
            ),
            notice_text=notice_text,
            notice_version=notice_version,
            notice_language=notice_language,
            notice_sha256=hashlib.sha256(notice_text.encode()).hexdigest(),
            created_at=now,
            updated_at=now,
            created_by_token=token,
        )
        request.datasets.set(datasets)
        request.accounts.set(links)
        request_event(
            request,
            ConsentEvent.Kind.REQUEST_CREATED,
            actor=actor,
            at=now,
            consumer=consumer.slug,
            purpose=purpose.code,
            datasets=sorted(str(d.pk) for d in datasets),
        )
    return request


def _consent_datasets(dataset_ids: list[uuid.UUID]) -> list[Dataset]:
    if not dataset_ids:
        raise ServiceError("Name at least one dataset.", field="datasets")
    if len(dataset_ids) > MAX_DATASETS:
        raise ServiceError(f"At most {MAX_DATASETS} datasets per request.", field="datasets")
    if len(set(dataset_ids)) != len(dataset_ids):
        raise ServiceError("A dataset is listed twice.", field="datasets")
    found = Dataset.objects.select_related("institution").in_bulk(dataset_ids)
    for index, dataset_id in enumerate(dataset_ids):
        dataset = found.get(dataset_id)
        if dataset is None or dataset.status != Dataset.Status.PUBLISHED:
            raise ServiceError(f"No published dataset {dataset_id}.", field=f"datasets[{index}]")
        if dataset.access_rights != Dataset.Access.CONSENT:
            raise ServiceError(
                f"Dataset {dataset_id} is `{dataset.access_rights}`, not shared under consent.",
                field=f"datasets[{index}]",
            )
    return [found[dataset_id] for dataset_id in dataset_ids]


def _request_for(citizen: CitizenProfile | None, request_id) -> ConsentRequest:
    found = ConsentRequest.objects.select_related("consumer", "purpose", "citizen")
    if citizen is None:  # only the consumer's own cancel reaches a request addressed to no one
        found = found.filter(pk=request_id, citizen__isnull=True)
    else:
        found = found.filter(pk=request_id, citizen=citizen)
    request = found.first()
    if request is None:
        raise NotFound("No such consent request.")
    return request


def _set_request_status(request: ConsentRequest, new: str, now: datetime) -> None:
    """Guarded move out of `pending`. Raises Conflict if the request already left it."""
    changed = ConsentRequest.objects.filter(
        pk=request.pk, status=ConsentRequest.Status.PENDING
    ).update(status=new, updated_at=now)
    if changed != 1:
        request.refresh_from_db(fields=["status"])
        raise Conflict(f"This request is already {request.status}.", field="status")
    request.status, request.updated_at = new, now


def request_expire_if_due(request: ConsentRequest, now: datetime, actor: str) -> bool:
    """Expire a pending request past its answer-by time; True if it did. Call with its
    citizen locked (or none, for a request to no one)."""
    if request.status != ConsentRequest.Status.PENDING or request.respond_by > now:
        return False
    _set_request_status(request, ConsentRequest.Status.EXPIRED, now)
    request_event(request, ConsentEvent.Kind.REQUEST_EXPIRED, actor=actor, at=now)
    return True


# Long: one transaction under the citizen's lock: expiry, the choices checked, the status
# moved, and one artefact per provider issued.
def consent_grant(
    *,
    citizen: CitizenProfile,
    request_id,
    dataset_ids: list[uuid.UUID] | None = None,
    expires_at: datetime | None = None,
    account_ids: list[uuid.UUID] | None = None,
    actor: str,
    given_by: dict | None = None,
) -> tuple[ConsentRequest, list[ConsentArtefact]]:
    """Grant a pending request, optionally for fewer datasets or a shorter time, and for the
    linked accounts chosen (default: those the request named); issue one signed artefact per
    provider. `given_by` says who granted for the citizen (a guardian, identity.guardians):
    the artefacts carry it; a child, or a citizen a guardian answers for, may not grant."""
    now = timezone.now()
    expired = False
    with transaction.atomic():
        citizen = citizen_lock(citizen.pk)
        if citizen.closed_at is not None:
            raise Conflict("This account is closed.", field="status")
        if given_by is None and (citizen.answered_by_guardian or citizen.is_minor(now.date())):
            raise Conflict(
                "Your parent or guardian answers consent requests for you (DPDP Act 2023 "
                "s.9); you may deny a request or withdraw a consent yourself.",
                field="status",
            )
        request = _request_for(citizen, request_id)
        request.citizen = citizen
        expired = request_expire_if_due(request, now, "system: expiry")
        if not expired:
            if request.status != ConsentRequest.Status.PENDING:
                raise Conflict(f"This request is already {request.status}.", field="status")
            datasets = _granted_datasets(request, dataset_ids)
            accounts = grant_accounts(request, datasets, account_ids)
            valid_until = request.expires_at
            if expires_at is not None:
                if expires_at <= now:
                    raise ServiceError(_("Must be in the future."), field="expires_at")
                if expires_at > request.expires_at:
                    last = formats.date_format(
                        timezone.localtime(request.expires_at), "DATE_FORMAT"
                    )
                    raise ServiceError(
                        _("You may shorten the consent, not extend it beyond %(date)s.")
                        % {"date": last},
                        field="expires_at",
                    )
                valid_until = expires_at
            _set_request_status(request, ConsentRequest.Status.GRANTED, now)
            request_event(
                request,
                ConsentEvent.Kind.REQUEST_GRANTED,
                actor=actor,
                at=now,
                datasets=sorted(str(d.pk) for d in datasets),
                valid_until=instant_z(valid_until),
            )
            by_provider: dict[int, list[Dataset]] = defaultdict(list)
            for dataset in datasets:
                by_provider[dataset.institution_id].append(dataset)
            artefacts = [
                _artefact_issue(
                    request,
                    group,
                    accounts[provider_id],
                    valid_from=now,
                    valid_until=valid_until,
                    actor=actor,
                    given_by=given_by,
                )
                for provider_id, group in sorted(by_provider.items())
            ]
    if expired:
        raise Conflict("This request has expired.", field="status")
    return request, artefacts


def _granted_datasets(request: ConsentRequest, dataset_ids) -> list[Dataset]:
    asked = list(request.datasets.select_related("institution").order_by("pk"))
    if dataset_ids is not None:
        if not dataset_ids:
            raise ServiceError(
                "Choose at least one dataset, or deny the request.", field="datasets"
            )
        by_id = {d.pk: d for d in asked}
        chosen = []
        for index, dataset_id in enumerate(dataset_ids):
            if dataset_id not in by_id:
                raise ServiceError(
                    "This dataset is not part of the request.", field=f"datasets[{index}]"
                )
            chosen.append(by_id[dataset_id])
        asked = chosen
    for index, dataset in enumerate(asked):
        if dataset.status != Dataset.Status.PUBLISHED:
            raise ServiceError(
                f"{dataset.title} is no longer available; grant the others.",
                field=f"datasets[{index}]",
            )
    return asked


# Long: the artefact's signed body, one line per claim of the published artefact format.
def _artefact_issue(
    request: ConsentRequest,
    datasets: list[Dataset],
    accounts: list[AccountLink],
    *,
    valid_from: datetime,
    valid_until: datetime,
    actor: str,
    given_by: dict | None = None,
) -> ConsentArtefact:
    provider = datasets[0].institution
    artefact_id = uuid.uuid4()
    site = settings.SUCHI_SITE_URL
    claims = {
        "schema": ARTEFACT_SCHEMA,
        "id": str(artefact_id),
        "request_id": str(request.id),
        "consent_manager": settings.SUCHI_CONSENT_MANAGER_ID,
        "citizen": request.citizen.handle,
        "consumer": {"id": request.consumer.slug, "name": request.consumer.name},
        "provider": {"id": provider.slug, "name": provider.name},
        "datasets": [
            {"id": str(d.pk), "uri": f"{site}/datasets/{d.pk}", "title": d.title}
            for d in sorted(datasets, key=lambda d: str(d.pk))
        ],
        "purpose": {
            "code": request.purpose.code,
            "text": request.purpose_text,
            "dpv": request.purpose.dpv_iri,
        },
        "access_mode": request.access_mode,
        "data_range": {"from": request.data_from.isoformat(), "to": request.data_to.isoformat()},
        "fetch_type": request.fetch_type,
        "frequency": (
            {"unit": request.frequency_unit, "value": request.frequency_value}
            if request.fetch_type == ConsentRequest.FetchType.PERIODIC
            else None
        ),
        "data_life": {"unit": request.data_life_unit, "value": request.data_life_value},
        "accounts": account_claims(accounts),
        "consent_types": request.consent_types,
        "fi_types": request.fi_types,
        "hi_types": request.hi_types,
        "data_filters": request.data_filters,
        "valid_from": instant_z(valid_from),
        "valid_until": instant_z(valid_until),
        "notice_sha256": request.notice_sha256,
        "iat": int(valid_from.timestamp()),
    }
    if given_by:  # granted by a parent or lawful guardian (DPDP Act s.9, rule 10)
        claims["given_by"] = given_by
    jws, kid = sign_compact(rfc8785.dumps(claims), typ=ARTEFACT_TYP)
    key_publish(kid)
    artefact = ConsentArtefact.objects.create(
        id=artefact_id,
        request=request,
        citizen=request.citizen,
        consumer=request.consumer,
        provider=provider,
        valid_from=valid_from,
        valid_until=valid_until,
        claims=claims,
        jws=jws,
        kid=kid,
        created_at=valid_from,
        updated_at=valid_from,
    )
    artefact.datasets.set(datasets)
    artefact.accounts.set(accounts)
    artefact_event(
        artefact,
        ConsentEvent.Kind.ARTEFACT_ISSUED,
        actor=actor,
        at=valid_from,
        provider=provider.slug,
        kid=kid,
        valid_until=claims["valid_until"],
    )
    return artefact


def consent_deny(*, citizen: CitizenProfile, request_id, actor: str) -> ConsentRequest:
    """Deny a pending request."""
    now = timezone.now()
    with transaction.atomic():
        citizen = citizen_lock(citizen.pk)
        request = _request_for(citizen, request_id)
        request.citizen = citizen
        expired = request_expire_if_due(request, now, "system: expiry")
        if not expired:
            _set_request_status(request, ConsentRequest.Status.DENIED, now)
            request_event(request, ConsentEvent.Kind.REQUEST_DENIED, actor=actor, at=now)
    if expired:
        raise Conflict("This request has expired.", field="status")
    return request


def consent_request_cancel(*, consumer: Institution, request_id, actor: str) -> ConsentRequest:
    """The consumer withdraws a request the citizen has not answered yet."""
    now = timezone.now()
    request = (
        ConsentRequest.objects.select_related("citizen")
        .filter(pk=request_id, consumer=consumer)
        .first()
    )
    if request is None:
        raise NotFound("No such consent request.")
    with transaction.atomic():
        citizen = citizen_lock_optional(request.citizen_id)
        request = _request_for(citizen, request_id)
        request.citizen = citizen
        _set_request_status(request, ConsentRequest.Status.CANCELLED, now)
        request_event(request, ConsentEvent.Kind.REQUEST_CANCELLED, actor=actor, at=now)
    return request
