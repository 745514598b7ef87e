"""Linked accounts in consent: the accounts a request names, the ones a grant covers, and
how an artefact states them (identity.linking makes and ends the links)."""

from collections import defaultdict

from core.errors import ServiceError
from registry.models import Dataset

from ..models import AccountLink, ConsentRequest

MAX_ACCOUNTS = 50


def request_accounts(citizen_pk, named: list[dict], datasets: list[Dataset]) -> list[AccountLink]:
    """The accounts a consumer names (`{provider, link_reference}`): each must be linked by the
    citizen, at a provider of one of the requested datasets."""
    if len(named) > MAX_ACCOUNTS:
        raise ServiceError(f"At most {MAX_ACCOUNTS} accounts.", field="accounts")
    providers = {d.institution.slug: d.institution for d in datasets}
    found: list[AccountLink] = []
    for index, item in enumerate(named):
        slug, reference = item.get("provider"), item.get("link_reference")
        if slug not in providers:
            raise ServiceError(
                "Not the provider of any of the requested datasets.",
                field=f"accounts[{index}].provider",
            )
        link = None
        if citizen_pk is not None and isinstance(reference, str):
            link = AccountLink.objects.filter(
                citizen_id=citizen_pk,
                provider=providers[slug],
                link_reference=reference,
                status=AccountLink.Status.ACTIVE,
            ).first()
        if link is None:
            raise ServiceError(
                f"The citizen has linked no account with this reference at {slug}.",
                field=f"accounts[{index}].link_reference",
            )
        if link in found:
            raise ServiceError("An account is named twice.", field=f"accounts[{index}]")
        found.append(link)
    return found


def grant_accounts(
    request: ConsentRequest, datasets: list[Dataset], account_ids: list | None
) -> dict[int, list[AccountLink]]:
    """The linked accounts a grant covers, by provider: those the citizen chose (their active
    links at the providers of the granted datasets), or else those the request named."""
    providers = {d.institution_id for d in datasets}
    by_provider: dict[int, list[AccountLink]] = defaultdict(list)
    if account_ids is None:
        for link in request.accounts.all().order_by("created_at", "pk"):
            if link.provider_id not in providers:
                continue
            if link.status != AccountLink.Status.ACTIVE:
                raise ServiceError(
                    f"{link.masked_reference} is no longer linked; choose the accounts again.",
                    field="accounts",
                )
            by_provider[link.provider_id].append(link)
        return by_provider
    if len(set(account_ids)) != len(account_ids):
        raise ServiceError("An account is chosen twice.", field="accounts")
    links = AccountLink.objects.in_bulk(account_ids)
    for index, account_id in enumerate(account_ids):
        link = links.get(account_id)
        if (
            link is None
            or link.citizen_id != request.citizen_id
            or link.status != AccountLink.Status.ACTIVE
        ):
            raise ServiceError("Not one of your linked accounts.", field=f"accounts[{index}]")
        if link.provider_id not in providers:
            raise ServiceError(
                "Held by none of the providers of the datasets you grant.",
                field=f"accounts[{index}]",
            )
        by_provider[link.provider_id].append(link)
    return by_provider


def account_claims(links: list[AccountLink]) -> list[dict]:
    """How an artefact states the accounts it covers (its provider is the artefact's)."""
    return [
        {
            "link_reference": link.link_reference,
            "masked_reference": link.masked_reference,
            "type": link.account_type,
        }
        for link in links
    ]
