"""Access requests: filed by a consumer for restricted datasets of one provider, discussed in a
thread, then approved (an agreement is issued: services/agreements.py), rejected or withdrawn.
Each step is one transaction under the provider's lock, with its ledger event and webhooks."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import Conflict, Forbidden, Gone, NotFound, ServiceError
from registry.models import ApiToken, Dataset, Institution

from ..models import AccessRequest, AccessRequestMessage, ExchangeEvent, ExchangePolicy
from ..terms import purposes
from .events import record

DEFAULT_MAX_DURATION_DAYS = 365
MAX_DATASETS = 50


@dataclass(frozen=True)
class RequestInput:
    dataset_ids: list
    purpose: str
    description: str
    duration_days: int
    responsible_name: str
    responsible_email: str
    data_from: date | None = None
    data_to: date | None = None
    model_name: str = ""
    outputs_released: bool | None = None


def max_duration_days(provider: Institution) -> int:
    policy = ExchangePolicy.objects.filter(institution=provider).first()
    return policy.max_duration_days if policy else DEFAULT_MAX_DURATION_DAYS


def _datasets(ids: list) -> list[Dataset]:
    """The restricted, published datasets named; a 4xx naming the first that is not one."""
    if not ids:
        raise ServiceError("Name at least one dataset.", field="datasets")
    if len(ids) > MAX_DATASETS:
        raise ServiceError(f"At most {MAX_DATASETS} datasets a request.", field="datasets")
    found = {str(d.pk): d for d in Dataset.objects.select_related("institution").filter(pk__in=ids)}
    datasets = []
    for index, dataset_id in enumerate(dict.fromkeys(str(i) for i in ids)):
        field = f"datasets[{index}]"
        dataset = found.get(dataset_id)
        if dataset is None or dataset.status not in (
            Dataset.Status.PUBLISHED,
            Dataset.Status.WITHDRAWN,
        ):
            raise ServiceError("No such dataset in the catalogue.", field=field)
        if dataset.status == Dataset.Status.WITHDRAWN:
            raise Gone("This dataset has been withdrawn from the catalogue.", field=field)
        if dataset.access_rights == Dataset.Access.OPEN:
            raise ServiceError(
                "This dataset is open: anyone may use it under its licence, with no request.",
                field=field,
            )
        if dataset.access_rights == Dataset.Access.CONSENT:
            raise ServiceError(
                "This dataset is released per citizen under consent: ask the citizens through "
                "a consent request instead.",
                field=field,
            )
        datasets.append(dataset)
    if len({d.institution_id for d in datasets}) > 1:
        raise ServiceError(
            "All the datasets of one request must belong to one provider; make one request "
            "per provider.",
            field="datasets",
        )
    return datasets


def _checked(consumer: Institution, data: RequestInput) -> list[Dataset]:
    if not consumer.is_consumer:
        raise Forbidden("Only institutions with the consumer role may request access.")
    datasets = _datasets(data.dataset_ids)
    provider = datasets[0].institution
    if provider.pk == consumer.pk:
        raise ServiceError("These are your own datasets.", field="datasets")
    if data.purpose not in purposes():
        raise ServiceError(f"Use one of {', '.join(purposes())}.", field="purpose")
    longest = max_duration_days(provider)
    if not 1 <= data.duration_days <= longest:
        raise ServiceError(
            f"{provider.name} grants agreements of at most {longest} days.",
            field="duration_days",
        )
    if data.data_from and data.data_to and data.data_from > data.data_to:
        raise ServiceError("`from` must not be after `to`.", field="data_range.from")
    if data.purpose == "ai-training":
        if not data.model_name.strip():
            raise ServiceError("Name the model to be trained.", field="model_name")
        if data.outputs_released is None:
            raise ServiceError(
                "Say whether the model's outputs will be released.", field="outputs_released"
            )
    return datasets


def access_request_create(
    *, consumer: Institution, data: RequestInput, token: ApiToken | None, actor: str
) -> AccessRequest:
    datasets = _checked(consumer, data)
    provider = datasets[0].institution
    now = timezone.now()
    with transaction.atomic():
        provider = Institution.objects.select_for_update().get(pk=provider.pk)
        request = AccessRequest.objects.create(
            id=uuid.uuid4(),
            consumer=consumer,
            provider=provider,
            purpose=data.purpose,
            description=data.description.strip(),
            duration_days=data.duration_days,
            data_from=data.data_from,
            data_to=data.data_to,
            responsible_name=data.responsible_name.strip(),
            responsible_email=data.responsible_email.strip(),
            model_name=data.model_name.strip() if data.purpose == "ai-training" else "",
            outputs_released=data.outputs_released if data.purpose == "ai-training" else None,
            created_at=now,
            updated_at=now,
            created_by_token=token,
        )
        request.datasets.set(datasets)
        record(
            provider=provider,
            kind=ExchangeEvent.Kind.REQUEST_CREATED,
            actor=actor,
            at=now,
            request=request,
            datasets=[str(d.pk) for d in datasets],
            purpose=data.purpose,
        )
    return request


def access_request_for_party(*, institution: Institution, request_id) -> AccessRequest:
    """A request the institution made or received; NotFound for anyone else."""
    found = (
        AccessRequest.objects.select_related("consumer", "provider")
        .filter(Q(consumer=institution) | Q(provider=institution), pk=request_id)
        .first()
    )
    if found is None:
        raise NotFound("No such access request.")
    return found


def locked_request(*, request_id, **party) -> tuple[AccessRequest, Institution]:
    """The request (provider=… or consumer=…), with the provider's lock taken. Call inside a
    transaction. NotFound for anyone but that party."""
    found = AccessRequest.objects.filter(pk=request_id, **party).first()
    if found is None:
        raise NotFound("No such access request.")
    provider = Institution.objects.select_for_update().get(pk=found.provider_id)
    found.refresh_from_db()
    return found, provider


def _still_requested(request: AccessRequest) -> None:
    if request.status != AccessRequest.Status.REQUESTED:
        raise Conflict(f"This request is already {request.status}.", field="status")


def _decide(request: AccessRequest, status: str, at: datetime, **fields) -> None:
    request.status = status
    request.updated_at = at
    for name, value in fields.items():
        setattr(request, name, value)
    request.save(update_fields=["status", "updated_at", *fields])


def access_request_reject(
    *, provider: Institution, request_id, reason: str, actor: str
) -> AccessRequest:
    if not reason.strip():
        raise ServiceError("Say why, for the requester.", field="reason")
    now = timezone.now()
    with transaction.atomic():
        request, locked = locked_request(request_id=request_id, provider=provider)
        _still_requested(request)
        _decide(request, AccessRequest.Status.REJECTED, now, reason=reason.strip())
        record(
            provider=locked,
            kind=ExchangeEvent.Kind.REQUEST_REJECTED,
            actor=actor,
            at=now,
            request=request,
        )
    return request


def access_request_withdraw(*, consumer: Institution, request_id, actor: str) -> AccessRequest:
    now = timezone.now()
    with transaction.atomic():
        request, locked = locked_request(request_id=request_id, consumer=consumer)
        _still_requested(request)
        _decide(request, AccessRequest.Status.WITHDRAWN, now)
        record(
            provider=locked,
            kind=ExchangeEvent.Kind.REQUEST_WITHDRAWN,
            actor=actor,
            at=now,
            request=request,
        )
    return request


def access_request_message(
    *, institution: Institution, request_id, text: str, author: str
) -> AccessRequestMessage:
    """A message in the request's thread, by either party, while the request is open."""
    if not text.strip():
        raise ServiceError("Write something.", field="text")
    party = access_request_for_party(institution=institution, request_id=request_id)
    now = timezone.now()
    with transaction.atomic():
        request, locked = locked_request(request_id=party.pk)
        _still_requested(request)
        message = AccessRequestMessage.objects.create(
            request=request,
            institution=institution,
            author=author[:200],
            text=text.strip(),
            created_at=now,
        )
        record(
            provider=locked,
            kind=ExchangeEvent.Kind.REQUEST_MESSAGE,
            actor=author,
            at=now,
            request=request,
            by=institution.slug,
        )
    return message
