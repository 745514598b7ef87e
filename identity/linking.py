"""Account discovery and linking at providers (AA's discover/link, ABDM's care contexts).

A provider registers a linking endpoint. On the citizen's request Suchi sends it the
citizen's verified identifiers (only the kinds the citizen allows); the provider answers
with masked references of the accounts or records it holds for them; the citizen chooses,
the provider sends its own one-time code, the citizen enters it here, the provider confirms,
and each link is stored (consent.AccountLink) with the link reference the provider issued.
A consent request may then name linked accounts, and the artefact carries their link
references. Delinking is one step, and the provider is told.
"""

import contextlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consent.models import AccountLink, CitizenProfile
from core.errors import Conflict, NotFound, ServiceError, TooManyAttempts, Unauthenticated
from registry.models import Institution
from registry.sources import url_refused

from . import providers
from .models import (
    LINK_CODE_TRIES,
    LINK_CODES_SENT,
    LINK_SESSION_TTL,
    LinkingEndpoint,
    LinkNotice,
    LinkSession,
    VerifiedIdentifier,
)
from .notifications import notifications_write

DISCOVERIES_PER_HOUR = 20
LINK_ENDED = "link.ended"


def linking_endpoint_set(*, institution: Institution, url: str, public_jwk) -> LinkingEndpoint:
    """Register (or replace) where the provider answers discovery and linking."""
    if not institution.is_provider:
        raise ServiceError(f"{institution.name} is not registered as a provider.", field="url")
    url_refused(url, what="URL")
    jwk = providers.check_public_jwk(public_jwk)
    endpoint, _ = LinkingEndpoint.objects.update_or_create(
        institution=institution,
        defaults={"url": url, "public_jwk": jwk, "is_active": True, "updated_at": timezone.now()},
    )
    return endpoint


def linking_endpoint_disable(*, institution: Institution) -> LinkingEndpoint:
    """Stop offering discovery at this provider. Links already made stay, and its key still
    signs notices that end them."""
    if not LinkingEndpoint.objects.filter(institution=institution, is_active=True).update(
        is_active=False, updated_at=timezone.now()
    ):
        raise NotFound("No linking endpoint is registered.")
    return LinkingEndpoint.objects.get(institution=institution)


def _endpoint(provider_slug: str) -> LinkingEndpoint:
    endpoint = (
        LinkingEndpoint.objects.select_related("institution")
        .filter(institution__slug=provider_slug, is_active=True)
        .first()
    )
    if endpoint is None:
        raise ServiceError(
            "This institution does not offer account discovery; see /api/v1/me/links/providers.",
            field="provider",
        )
    return endpoint


def _identifiers(citizen: CitizenProfile, kinds: list[str] | None) -> list[dict]:
    rows = VerifiedIdentifier.objects.filter(citizen=citizen).order_by("kind", "value")
    if kinds is not None:
        if not kinds:
            raise ServiceError("Allow at least one kind of identifier.", field="identifiers")
        unknown = sorted(set(kinds) - set(VerifiedIdentifier.Kind.values))
        if unknown:
            raise ServiceError(
                f"Unknown kind(s) {', '.join(unknown)}; use email or mobile.", field="identifiers"
            )
        rows = rows.filter(kind__in=kinds)
    sent = [{"type": row.kind, "value": row.value} for row in rows]
    if not sent:
        raise ServiceError(
            "Verify an e-mail address or a mobile number first (sign in with a code): "
            "providers find your accounts by them.",
            field="identifiers",
        )
    return sent


def link_discover(
    *, citizen: CitizenProfile, provider_slug: str, kinds: list[str] | None = None
) -> LinkSession:
    """Ask the provider which of its accounts or records are the citizen's, sending only the
    verified identifiers of the `kinds` the citizen allows (all of them by default)."""
    endpoint = _endpoint(provider_slug)
    sent = _identifiers(citizen, kinds)
    now = timezone.now()
    recent = LinkSession.objects.filter(
        citizen=citizen, created_at__gt=now - timedelta(hours=1)
    ).count()
    if recent >= DISCOVERIES_PER_HOUR:
        raise TooManyAttempts(
            "Too many discoveries this hour; try again later.", field="provider", retry_after=600
        )
    # Written first, so that failed discoveries count against the limit too.
    session = LinkSession.objects.create(
        citizen=citizen,
        provider=endpoint.institution,
        created_at=now,
        expires_at=now + timedelta(seconds=LINK_SESSION_TTL),
    )
    name = endpoint.institution.name
    try:
        answer = providers.call(
            endpoint.url,
            "discover",
            {"customer": {"id": citizen.handle, "identifiers": sent}},
            provider_name=name,
        )
        offered = providers.offered_accounts(answer, sent, provider_name=name)
    except ServiceError as exc:
        LinkSession.objects.filter(pk=session.pk).update(error=exc.message[:300], done_at=now)
        raise
    LinkSession.objects.filter(pk=session.pk).update(offered=[o.__dict__ for o in offered])
    session.refresh_from_db()
    return session


def _session(citizen: CitizenProfile, session_id) -> LinkSession:
    if citizen.closed_at is not None:
        raise Conflict("This account is closed.", field="session")
    session = (
        LinkSession.objects.select_related("provider")
        .filter(pk=session_id, citizen=citizen)
        .first()
    )
    if session is None:
        raise NotFound("No such discovery.")
    if session.done_at is not None:
        raise Conflict("These accounts are already linked.", field="session")
    if session.expires_at <= timezone.now():
        raise Conflict("This discovery has expired; discover again.", field="session")
    return session


def link_start(*, citizen: CitizenProfile, session_id, references: list[str]) -> LinkSession:
    """The citizen chose accounts: the provider sends them its own one-time code."""
    session = _session(citizen, session_id)
    offered = {o["reference"] for o in session.offered}
    if not references:
        raise ServiceError("Choose at least one account.", field="accounts")
    for index, reference in enumerate(references):
        if reference not in offered:
            raise ServiceError("Not one of the accounts offered.", field=f"accounts[{index}]")
    if len(set(references)) != len(references):
        raise ServiceError("An account is chosen twice.", field="accounts")
    if not LinkSession.objects.filter(pk=session.pk, codes_sent__lt=LINK_CODES_SENT).update(
        codes_sent=F("codes_sent") + 1
    ):
        raise TooManyAttempts(
            "The provider has sent you enough codes for this discovery; discover again later.",
            field="accounts",
            retry_after=LINK_SESSION_TTL,
        )
    endpoint = _endpoint(session.provider.slug)
    answer = providers.call(
        endpoint.url,
        "link",
        {"customer": {"id": citizen.handle}, "accounts": [{"reference": r} for r in references]},
        provider_name=session.provider.name,
    )
    provider_session, sent_to = answer.get("session"), answer.get("sent_to", "")
    if not providers.short_text(provider_session) or not isinstance(sent_to, str):
        raise providers.ProviderError(
            f"{session.provider.name} answered something unreadable.", field="provider"
        )
    LinkSession.objects.filter(pk=session.pk).update(
        chosen=references, provider_session=provider_session, sent_to=providers.plain(sent_to)[:64]
    )
    session.refresh_from_db()
    return session


def link_confirm(*, citizen: CitizenProfile, session_id, code: str) -> list[AccountLink]:
    """Send the provider's code back to it; on its confirmation, store the links."""
    session = _session(citizen, session_id)
    if not session.provider_session:
        raise Conflict("Choose accounts first.", field="session")
    if not isinstance(code, str) or not code.strip() or len(code) > 16:
        raise ServiceError("The code the provider sent you.", field="code")
    if not LinkSession.objects.filter(pk=session.pk, code_tries__lt=LINK_CODE_TRIES).update(
        code_tries=F("code_tries") + 1
    ):
        LinkSession.objects.filter(pk=session.pk).update(done_at=timezone.now())
        raise Conflict("Too many wrong codes: discover your accounts again.", field="code")
    endpoint = _endpoint(session.provider.slug)
    answer = providers.call(
        endpoint.url,
        "link/confirm",
        {"session": session.provider_session, "code": code.strip()},
        provider_name=session.provider.name,
    )
    found = providers.confirmed_links(answer, session.chosen, provider_name=session.provider.name)
    offered = {o["reference"]: o for o in session.offered}
    now = timezone.now()
    try:
        with transaction.atomic():
            if not LinkSession.objects.filter(pk=session.pk, done_at=None).update(done_at=now):
                raise Conflict("These accounts are already linked.", field="session")
            links = [
                _link_store(citizen, session.provider, offered[ref], found[ref], now)
                for ref in session.chosen
            ]
    except IntegrityError:
        raise Conflict(
            f"{session.provider.name} gave a link reference that is already in use; nothing "
            "was linked. Tell the provider.",
            field="provider",
        ) from None
    return links


def _link_store(citizen, provider, offered: dict, link_reference: str, now) -> AccountLink:
    existing = AccountLink.objects.filter(provider=provider, link_reference=link_reference).first()
    if existing is not None:
        if existing.citizen_id != citizen.pk:
            raise IntegrityError("link reference of another citizen")
        AccountLink.objects.filter(pk=existing.pk).update(
            status=AccountLink.Status.ACTIVE, delinked_at=None, delinked_by=""
        )
        existing.refresh_from_db()
        return existing
    return AccountLink.objects.create(
        citizen=citizen,
        provider=provider,
        link_reference=link_reference,
        masked_reference=offered["masked"],
        account_type=offered["account_type"],
        label=offered["label"],
        created_at=now,
    )


def link_delink(*, citizen: CitizenProfile, link_id, actor: str) -> AccountLink:
    """Remove a link at once; then tell the provider (best effort: the link is gone here
    whatever it answers)."""
    link = (
        AccountLink.objects.select_related("provider").filter(pk=link_id, citizen=citizen).first()
    )
    if link is None:
        raise NotFound("No such linked account.")
    now = timezone.now()
    if not AccountLink.objects.filter(pk=link.pk, status=AccountLink.Status.ACTIVE).update(
        status=AccountLink.Status.DELINKED, delinked_at=now, delinked_by=actor[:200]
    ):
        raise Conflict("This account is already delinked.", field="status")
    link.refresh_from_db()
    endpoint = LinkingEndpoint.objects.filter(institution=link.provider, is_active=True).first()
    if endpoint is not None:
        # The citizen's choice stands whatever the provider answers.
        with contextlib.suppress(ServiceError):
            providers.call(
                endpoint.url,
                "delink",
                {"customer": {"id": citizen.handle}, "link_reference": link.link_reference},
                provider_name=link.provider.name,
            )
    return link


def link_provider_notice(*, provider_slug: str, body: bytes, signature: str) -> AccountLink:
    """A provider's signed notice that a link ended at its side (an account closed, a record
    withdrawn): `{"type": "delinked", "notice_id", "link_reference", "timestamp"}`. Each
    notice id is accepted once."""
    # A provider that stopped offering discovery may still end links: its key stays.
    endpoint = (
        LinkingEndpoint.objects.select_related("institution")
        .filter(institution__slug=provider_slug or "")
        .first()
    )
    if endpoint is None:
        raise Unauthenticated(
            "No linking endpoint is registered for this provider.", field="provider"
        )
    notice = providers.verify_signed(body, signature, endpoint.public_jwk)
    if notice.get("type") != "delinked":
        raise ServiceError("The only notice is `delinked`.", field="type")
    notice_id = notice.get("notice_id")
    if not providers.short_text(notice_id, 64):
        raise ServiceError("A unique id of the notice, at most 64 characters.", field="notice_id")
    reference = notice.get("link_reference")
    link = (
        AccountLink.objects.select_related("citizen")
        .filter(
            provider=endpoint.institution,
            link_reference=reference if isinstance(reference, str) else "",
        )
        .first()
    )
    if link is None:
        raise NotFound("No such link reference.")
    now = timezone.now()
    try:
        with transaction.atomic():
            received = LinkNotice.objects.create(
                provider=endpoint.institution,
                notice_id=notice_id,
                link_reference=link.link_reference,
                received_at=now,
            )
    except IntegrityError:
        raise Conflict("This notice was received already.", field="notice_id") from None
    with transaction.atomic():
        ended = AccountLink.objects.filter(pk=link.pk, status=AccountLink.Status.ACTIVE).update(
            status=AccountLink.Status.DELINKED,
            delinked_at=now,
            delinked_by=f"provider: {endpoint.institution.slug}",
        )
        if ended:  # the citizen did not do this: tell them
            notifications_write(
                citizen=link.citizen,
                kind=LINK_ENDED,
                key=f"link-notice:{received.pk}",
                at=now,
                about=link.pk,
                render=lambda: _link_ended_message(link, endpoint.institution),
            )
    link.refresh_from_db()
    return link


def _link_ended_message(link: AccountLink, provider: Institution) -> tuple[str, str, str]:
    url = settings.SUCHI_SITE_URL + reverse("portal-accounts")
    values = {"provider": provider.name, "account": link.masked_reference, "link": url}
    subject = _("%(provider)s ended a linked account") % values
    body = (
        _(
            "%(provider)s ended the link to your account %(account)s. Consent requests can no "
            "longer name it. See your linked accounts in Suchi: %(link)s"
        )
        % values
    )
    return subject, body, url
