"""Reads of the exchange: what each party sees, and the public register."""

from django.db.models import Prefetch, Q, QuerySet

from registry.models import Dataset, Institution

from .models import AccessRequest, AccessRequestMessage, AgreementReceipt, DataUseAgreement

_DATASETS = Prefetch("datasets", queryset=Dataset.objects.only("id", "title").order_by("id"))


def requests_of_party(*, institution: Institution, status: str | None = None) -> QuerySet:
    """Requests the institution made or received, newest first."""
    qs = (
        AccessRequest.objects.filter(Q(consumer=institution) | Q(provider=institution))
        .select_related("consumer", "provider", "agreement")
        .prefetch_related(
            _DATASETS,
            Prefetch(
                "messages", queryset=AccessRequestMessage.objects.select_related("institution")
            ),
        )
    )
    return qs.filter(status=status) if status else qs


def agreements_of_party(*, institution: Institution, status: str | None = None) -> QuerySet:
    qs = (
        DataUseAgreement.objects.filter(Q(consumer=institution) | Q(provider=institution))
        .select_related("consumer", "provider")
        .prefetch_related(_DATASETS)
    )
    return qs.filter(status=status) if status else qs


def receipts_of_agreement(*, agreement: DataUseAgreement) -> QuerySet:
    return AgreementReceipt.objects.filter(agreement=agreement).select_related("dataset")


def agreements_register() -> QuerySet:
    """The public register: every agreement ever issued, newest first, with only what the
    public may know (who, which datasets, which purpose, from when until when, status)."""
    return (
        DataUseAgreement.objects.select_related("consumer", "provider")
        .prefetch_related(_DATASETS)
        .only(
            "id", "purpose", "status", "basis", "valid_from", "valid_until", "created_at",
            "consumer__slug", "consumer__name", "provider__slug", "provider__name",
        )
        .order_by("-created_at", "id")
    )  # fmt: skip
