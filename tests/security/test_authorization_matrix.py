"""The authorization matrix: every URL pattern by every kind of caller, with the status each
should get. The one property that matters most: no caller is allowed (2xx) where the table
says it must be refused. A route added without a row here fails `test_every_route_is_in_the_table`.

One database setup for the whole matrix (a single test walks it and reports every wrong cell
at once); requests that change state use objects of their own, and the caller expected to
succeed goes last in its row, so a success never changes what another cell sees.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from consent.models import AccountLink, CitizenProfile
from consent.services import consent_grant
from harvest.models import HarvestJob
from harvest.services import harvest_source_create
from identity.models import Guardianship, LinkingEndpoint, LinkSession, VerifiedIdentifier
from registry.models import ApiToken, Dataset, Membership
from registry.scopes import SCOPES
from registry.services import Actor, dataset_register
from rights.breaches import breach_report
from rights.nomination import (
    nomination_accept,
    nomination_name,
    nomination_report,
    nomination_review,
)
from rights.services import grievance_answer, grievance_file

from ..consent.conftest import PASSWORD, bearer, citizen_client
from ..factories import (
    consent_request_payload,
    dataset_payload,
    make_citizen,
    make_institution,
    make_token,
    publish,
    publish_consent_dataset,
    source_url,
)

PUBLIC_JWK = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
ACTORS = (
    "anon",
    "cit_a",  # citizen A's API token (cit_…)
    "cit_a_session",  # citizen A signed in to the portal
    "cit_b",  # citizen B's API token
    "cit_b_session",
    "member_x",  # an administrator of institution X, signed in to the console (not Django staff)
    "editor_x",  # an editor of X: datasets yes, tokens and webhooks no
    "x_token",  # X's API token holding every scope
    "x_unscoped",  # X's token holding every scope but the one(s) the route needs
    "y_token",  # institution Y's token holding every scope
    "superuser",  # Django staff + superuser session, member of no institution
)
SESSION_ACTORS = {"cit_a_session", "cit_b_session", "member_x", "editor_x", "superuser"}
CITIZENS = ("cit_a", "cit_a_session", "cit_b", "cit_b_session")
TOKENS = ("x_token", "x_unscoped", "y_token")


def walk(resolver=None, prefix=""):
    """Every URL pattern as its full route string, recursively through include()s."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, route)
        else:
            yield route


@dataclass
class Row:
    pattern: str
    url: str  # formatted with the fixture's ids
    method: str = "GET"
    expect: dict = field(default_factory=dict)
    scopes: tuple = ()  # the scope(s) x_unscoped lacks
    body: dict | Callable | None = None  # a callable is called per request
    last: bool = False  # ends sessions (logout): runs after every other row


def cells(default, **overrides) -> dict:
    """Expected statuses for every actor: `default` unless overridden (ints or sets)."""
    out = {}
    for actor in ACTORS:
        value = overrides.get(actor, default)
        out[actor] = {value} if isinstance(value, int) else set(value)
    return out


def only(allowed: dict, deny) -> dict:
    """`deny` for every actor but those named in `allowed`."""
    return cells(deny, **allowed)


PUBLIC = cells(200)
# Public API reads: the API's authentication reads only institution tokens, so a citizen's
# cit_… token is refused as an invalid token (401) even where anonymous callers may read.
PUBLIC_API = cells(200, cit_a=401, cit_b=401)
# Institution API endpoints: callers without an institution token get 401; a token without
# the scope 403; another institution's token a 404 for X's objects (it must not learn they exist).
NO_TOKEN = 401


def inst_api(ok, *, y=404, unscoped=403):
    return cells(NO_TOKEN, x_token=ok, x_unscoped=unscoped, y_token=y)


def inst_api_collection(ok, *, unscoped=403):
    """A collection scoped to the caller's own institution: Y sees its own (empty) list."""
    return cells(NO_TOKEN, x_token=ok, x_unscoped=unscoped, y_token=ok)


def citizen_api(ok, *, b=404, session=None):
    """Citizen API: A's token or session is allowed; B gets 404 for A's objects; a session
    that is not a citizen's is authenticated but refused (403). Where A's token has already
    changed the object, A's session is allowed but refused on state (`session`=409)."""
    return cells(
        401,
        cit_a=ok,
        cit_a_session=ok if session is None else session,
        cit_b=b,
        cit_b_session=b,
        member_x=403,
        editor_x=403,
        superuser=403,
    )


def portal(ok, *, b=404):
    # Not signed in: redirect to the portal's login; signed in but no citizen: 403.
    return cells(302, cit_a_session=ok, cit_b_session=b, member_x=403, editor_x=403, superuser=403)


def console(ok, *, editor=None):
    """Not signed in: redirect to the console's login; not a member of X: 404. An editor
    gets `editor` (administrators' pages: 404, as for a stranger)."""
    return cells(
        302,
        cit_a_session=404,
        cit_b_session=404,
        member_x=ok,
        editor_x=ok if editor is None else editor,
        superuser=404,
    )


def receipt() -> dict:
    """A release report, as a provider sends it just after serving the records."""
    return {
        "data_range": {"from": "2026-03-01", "to": "2026-03-31"},
        "record_count": 1,
        "sha256": "0" * 64,
        "served_at": timezone.now().isoformat(),
    }


TABLE = [
    Row("healthz", "/healthz", expect=PUBLIC),
    Row("readyz", "/readyz", expect=cells({200, 503})),
    # Open unless SUCHI_METRICS_TOKEN is set (tests/config/test_metrics.py covers the token);
    # it holds counts only, never a person or an id.
    Row("metrics", "/metrics", expect=PUBLIC),
    Row(".well-known/jwks.json", "/.well-known/jwks.json", expect=PUBLIC),
    # --- catalogue API (reads open; registering needs datasets:write) ---
    Row("api/v1/datasets", "/api/v1/datasets", expect=PUBLIC_API),
    Row(
        "api/v1/datasets",
        "/api/v1/datasets",
        "POST",
        body={},
        scopes=("datasets:write",),
        expect=cells(401, x_token=400, x_unscoped=403, y_token=400),
    ),
    Row("api/v1/institutions", "/api/v1/institutions", expect=PUBLIC_API),
    Row("api/v1/institutions/<slug:slug>", "/api/v1/institutions/{x_slug}", expect=PUBLIC_API),
    Row("api/v1/themes", "/api/v1/themes", expect=PUBLIC_API),
    Row("api/v1/licenses", "/api/v1/licenses", expect=PUBLIC_API),
    Row("api/v1/datasets/<anyuuid:pk>", "/api/v1/datasets/{ds}", expect=PUBLIC_API),
    Row(
        "api/v1/datasets/<anyuuid:pk>/croissant",
        "/api/v1/datasets/{ds}/croissant",
        expect=PUBLIC_API,
    ),
    # Croissant is for public datasets only: a draft is not found, even for its institution.
    Row(
        "api/v1/datasets/<anyuuid:pk>/croissant",
        "/api/v1/datasets/{draft}/croissant",
        expect=cells(404, cit_a=401, cit_b=401),
    ),
    Row(
        "api/v1/datasets/<anyuuid:pk>",
        "/api/v1/datasets/{ds}",
        "PATCH",
        body={"title": ""},
        scopes=("datasets:write",),
        expect=inst_api(400),
    ),
    Row(
        "api/v1/datasets/<anyuuid:pk>",
        "/api/v1/datasets/{ds}",
        "PUT",
        body={},
        scopes=("datasets:write",),
        expect=inst_api(400),
    ),
    Row(
        "api/v1/datasets/<anyuuid:pk>",
        "/api/v1/datasets/{ds_delete}",
        "DELETE",
        scopes=("datasets:write",),
        expect=inst_api({200, 204}),
    ),
    Row(
        "api/v1/datasets/<anyuuid:pk>/revisions",
        "/api/v1/datasets/{ds}/revisions",
        expect=PUBLIC_API,
    ),
    Row(
        "api/v1/datasets/<anyuuid:pk>/validations",
        "/api/v1/datasets/{ds}/validations",
        expect=PUBLIC_API,
    ),
    # A dataset still being validated: X's own; nobody else may learn it exists.
    Row(
        "api/v1/datasets/<anyuuid:pk>",
        "/api/v1/datasets/{draft}",
        expect=cells(404, cit_a=401, cit_b=401, x_token=200, x_unscoped=200),
    ),
    Row(
        "api/v1/datasets/<anyuuid:pk>/revisions",
        "/api/v1/datasets/{draft}/revisions",
        expect=cells(404, cit_a=401, cit_b=401, x_token=200, x_unscoped=200),
    ),
    Row(
        "api/v1/datasets/<anyuuid:pk>/validations",
        "/api/v1/datasets/{draft}/validations",
        expect=cells(404, cit_a=401, cit_b=401, x_token=200, x_unscoped=200),
    ),
    Row(
        "api/v1/datasets/<anyuuid:pk>/validate",
        "/api/v1/datasets/{ds}/validate",
        "POST",
        scopes=("datasets:write",),
        expect=inst_api(202),
    ),
    Row("api/v1/^[\\s\\S]*$", "/api/v1/no-such-thing", expect=cells(404)),
    Row("api/v1/^[\\s\\S]*$", "/api/v1/no-such-thing", "POST", body={}, expect=cells(404)),
    # --- consent: consumers and providers ---
    Row("api/v1/purposes", "/api/v1/purposes", expect=PUBLIC_API),
    Row(
        "api/v1/consent-requests",
        "/api/v1/consent-requests",
        scopes=("consents:request",),
        expect=inst_api_collection(200),
    ),
    Row(
        "api/v1/consent-requests",
        "/api/v1/consent-requests",
        "POST",
        body={},
        scopes=("consents:request",),
        expect=inst_api_collection(400),
    ),
    Row(
        "api/v1/consent-requests/<anyuuid:pk>",
        "/api/v1/consent-requests/{req}",
        scopes=("consents:request",),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/consent-requests/<anyuuid:pk>/cancel",
        "/api/v1/consent-requests/{req_cancel}/cancel",
        "POST",
        scopes=("consents:request",),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/consent-artefacts",
        "/api/v1/consent-artefacts",
        scopes=("consents:request", "consents:verify"),
        expect=inst_api_collection(200),
    ),
    Row(
        "api/v1/consent-artefacts/<anyuuid:pk>",
        "/api/v1/consent-artefacts/{art}",
        scopes=("consents:request", "consents:verify"),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/consent-artefacts/<anyuuid:pk>/status",
        "/api/v1/consent-artefacts/{art}/status",
        scopes=("consents:verify",),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/consent-artefacts/<anyuuid:pk>/receipts",
        "/api/v1/consent-artefacts/{art}/receipts",
        scopes=("consents:verify",),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/consent-artefacts/<anyuuid:pk>/receipts",
        "/api/v1/consent-artefacts/{art}/receipts",
        "POST",
        body=receipt,
        scopes=("consents:verify",),
        expect=inst_api(201),
    ),
    Row(
        "api/v1/webhooks",
        "/api/v1/webhooks",
        scopes=("webhooks:write",),
        expect=inst_api_collection(200),
    ),
    Row(
        "api/v1/webhooks",
        "/api/v1/webhooks",
        "POST",
        body={},
        scopes=("webhooks:write",),
        expect=inst_api_collection(400),
    ),
    Row(
        "api/v1/webhooks/deliveries",
        "/api/v1/webhooks/deliveries",
        scopes=("webhooks:write",),
        expect=inst_api_collection(200),
    ),
    Row(
        "api/v1/webhooks/<anyuuid:pk>",
        "/api/v1/webhooks/{wh_delete}",
        "DELETE",
        scopes=("webhooks:write",),
        expect=inst_api({200, 204}),
    ),
    # --- consent: citizens ---
    Row(
        "api/v1/auth/token",
        "/api/v1/auth/token",
        "POST",
        body={"handle": "asha@suchi", "password": PASSWORD},
        expect=PUBLIC,
    ),
    Row("api/v1/me", "/api/v1/me", expect=citizen_api(200, b=200)),
    Row(
        "api/v1/me/consent-requests",
        "/api/v1/me/consent-requests",
        expect=citizen_api(200, b=200),
    ),
    Row(
        "api/v1/me/consent-requests/<anyuuid:pk>",
        "/api/v1/me/consent-requests/{req}",
        expect=citizen_api(200),
    ),
    Row(
        "api/v1/me/consent-requests/<anyuuid:pk>/grant",
        "/api/v1/me/consent-requests/{req_grant}/grant",
        "POST",
        body={},
        expect=citizen_api(200, session=409),
    ),
    Row(
        "api/v1/me/consent-requests/<anyuuid:pk>/deny",
        "/api/v1/me/consent-requests/{req_deny}/deny",
        "POST",
        body={},
        expect=citizen_api(200, session=409),
    ),
    Row(
        "api/v1/me/consent-requests/<anyuuid:pk>/withdraw",
        "/api/v1/me/consent-requests/{req_withdraw}/withdraw",
        "POST",
        body={},
        expect=citizen_api(200),  # withdrawing again revokes nothing more: 200, idempotent
    ),
    Row(
        "api/v1/me/consent-artefacts",
        "/api/v1/me/consent-artefacts",
        expect=citizen_api(200, b=200),
    ),
    Row(
        "api/v1/me/consent-artefacts/<anyuuid:pk>",
        "/api/v1/me/consent-artefacts/{art}",
        expect=citizen_api(200),
    ),
    Row(
        "api/v1/me/consent-artefacts/<anyuuid:pk>/pause",
        "/api/v1/me/consent-artefacts/{art_pause}/pause",
        "POST",
        body={},
        expect=citizen_api(200, session=409),
    ),
    Row(
        "api/v1/me/consent-artefacts/<anyuuid:pk>/resume",
        "/api/v1/me/consent-artefacts/{art_resume}/resume",
        "POST",
        body={},
        expect=citizen_api(200, session=409),
    ),
    Row(
        "api/v1/me/consent-artefacts/<anyuuid:pk>/revoke",
        "/api/v1/me/consent-artefacts/{art_revoke}/revoke",
        "POST",
        body={},
        expect=citizen_api(200, session=409),
    ),
    Row("api/v1/me/access-log", "/api/v1/me/access-log", expect=citizen_api(200, b=200)),
    # --- erasure by the consumer (consent.services.erasure) ---
    Row(
        "api/v1/erasures",
        "/api/v1/erasures",
        scopes=("consents:request",),
        expect=inst_api_collection(200),
    ),
    Row(
        "api/v1/consent-artefacts/<anyuuid:pk>/erasure",
        "/api/v1/consent-artefacts/{art}/erasure",
        scopes=("consents:request",),
        expect=inst_api(404),
    ),  # not confirmed yet: 404 for the consumer too
    Row(
        "api/v1/consent-artefacts/<anyuuid:pk>/erasure",
        "/api/v1/consent-artefacts/{art_erase}/erasure",
        "POST",
        scopes=("consents:request",),
        body={"statement": "Erased."},
        expect=inst_api(201),
    ),
    # --- the citizen's records and closing the account (rights.records) ---
    Row("api/v1/me/records", "/api/v1/me/records", expect=citizen_api(200, b=200)),
    Row(
        "api/v1/me/close",
        "/api/v1/me/close",
        "POST",
        body={"confirm": "nobody@suchi"},
        expect=citizen_api(400, b=400),
    ),
    # --- grievances (rights) ---
    Row("api/v1/me/grievances", "/api/v1/me/grievances", expect=citizen_api(200, b=200)),
    Row(
        "api/v1/me/grievances",
        "/api/v1/me/grievances",
        "POST",
        body={"subject": "", "text": ""},
        expect=citizen_api(400, b=400),
    ),
    Row(
        "api/v1/me/grievances/<anyuuid:pk>", "/api/v1/me/grievances/{grv}", expect=citizen_api(200)
    ),
    Row(
        "api/v1/me/grievances/<anyuuid:pk>/resolve",
        "/api/v1/me/grievances/{grv_resolve}/resolve",
        "POST",
        body={},
        expect=citizen_api(200, session=409),
    ),
    Row(
        "api/v1/me/grievances/<anyuuid:pk>/escalate",
        "/api/v1/me/grievances/{grv_escalate}/escalate",
        "POST",
        body={"text": "Not settled."},
        expect=citizen_api(200, session=409),
    ),
    Row(
        "api/v1/grievances",
        "/api/v1/grievances",
        scopes=("grievances:answer",),
        expect=inst_api_collection(200),
    ),
    Row(
        "api/v1/grievances/<anyuuid:pk>",
        "/api/v1/grievances/{grv}",
        scopes=("grievances:answer",),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/grievances/<anyuuid:pk>/respond",
        "/api/v1/grievances/{grv_respond}/respond",
        "POST",
        scopes=("grievances:answer",),
        body={"text": "Answered."},
        expect=inst_api(200),
    ),
    Row("api/v1/stats/grievances", "/api/v1/stats/grievances", expect=cells(200)),
    # --- account linking (identity.linking) ---
    Row("api/v1/me/links", "/api/v1/me/links", expect=citizen_api(200, b=200)),
    Row("api/v1/me/links/providers", "/api/v1/me/links/providers", expect=citizen_api(200, b=200)),
    Row(
        "api/v1/me/links/discover",
        "/api/v1/me/links/discover",
        "POST",
        body={"provider": "nobody"},
        expect=citizen_api(400, b=400),
    ),
    Row(
        "api/v1/me/links/discoveries/<anyuuid:pk>/choose",
        "/api/v1/me/links/discoveries/{disc_a}/choose",
        "POST",
        body={"accounts": []},
        expect=citizen_api(400),
    ),
    Row(
        "api/v1/me/links/discoveries/<anyuuid:pk>/confirm",
        "/api/v1/me/links/discoveries/{disc_a}/confirm",
        "POST",
        body={"code": "123456"},
        expect=citizen_api(409),
    ),
    Row("api/v1/me/links/<anyuuid:pk>", "/api/v1/me/links/{link_a}", expect=citizen_api(200)),
    Row(
        "api/v1/me/links/<anyuuid:pk>",
        "/api/v1/me/links/{link_a_delink}",
        "DELETE",
        expect=citizen_api(200, session=409),
    ),
    Row(
        "api/v1/linking-endpoint",
        "/api/v1/linking-endpoint",
        scopes=("consents:verify",),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/linking-endpoint",
        "/api/v1/linking-endpoint",
        "PUT",
        scopes=("consents:verify",),
        body={"url": "http://169.254.169.254/latest", "public_jwk": {}},
        expect=inst_api(400, y=400),
    ),
    Row(
        "api/v1/linking-endpoint",
        "/api/v1/linking-endpoint",
        "DELETE",
        scopes=("consents:verify",),
        expect=inst_api(200),
        last=True,
    ),
    # No token: the provider's signature is the credential.
    Row("api/v1/links/notices", "/api/v1/links/notices", "POST", body={}, expect=cells(401)),
    Row("api/v1/me/export", "/api/v1/me/export", expect=citizen_api(200, b=200)),
    # --- harvesting (datasets:write) ---
    Row(
        "api/v1/harvest-sources",
        "/api/v1/harvest-sources",
        scopes=("datasets:write",),
        expect=inst_api_collection(200),
    ),
    Row(
        "api/v1/harvest-sources",
        "/api/v1/harvest-sources",
        "POST",
        body={},
        scopes=("datasets:write",),
        expect=inst_api_collection(400),
    ),
    Row(
        "api/v1/harvest-sources/<anyuuid:pk>",
        "/api/v1/harvest-sources/{hs}",
        scopes=("datasets:write",),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/harvest-sources/<anyuuid:pk>",
        "/api/v1/harvest-sources/{hs_delete}",
        "DELETE",
        scopes=("datasets:write",),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/harvest-sources/<anyuuid:pk>/jobs",
        "/api/v1/harvest-sources/{hs}/jobs",
        scopes=("datasets:write",),
        expect=inst_api(200),
    ),
    # X's source already has a waiting job, so X's own start is a 409 (allowed, refused on state).
    Row(
        "api/v1/harvest-sources/<anyuuid:pk>/jobs",
        "/api/v1/harvest-sources/{hs}/jobs",
        "POST",
        scopes=("datasets:write",),
        expect=inst_api(409),
    ),
    Row(
        "api/v1/harvest-jobs/<jobid:pk>",
        "/api/v1/harvest-jobs/{job}",
        scopes=("datasets:write",),
        expect=inst_api(200),
    ),
    Row(
        "api/v1/harvest-jobs/<jobid:pk>/abort",
        "/api/v1/harvest-jobs/{job_abort}/abort",
        "POST",
        scopes=("datasets:write",),
        expect=inst_api(200),
    ),
    # --- schema, CKAN, DCAT, pages ---
    Row("api/schema/", "/api/schema/", expect=PUBLIC_API),
    Row("api/docs/", "/api/docs/", expect=PUBLIC_API),
    Row("api/3/action/<str:action>", "/api/3/action/package_show?id={ds}", expect=PUBLIC),
    Row("api/action/<str:action>", "/api/action/package_list", expect=PUBLIC),
    Row("catalog", "/catalog", expect=PUBLIC),
    Row("catalog.ttl", "/catalog.ttl", expect=PUBLIC),
    Row("catalog.jsonld", "/catalog.jsonld", expect=PUBLIC),
    Row("catalog.rdf", "/catalog.rdf", expect=PUBLIC),
    Row("data.json", "/data.json", expect=PUBLIC),
    Row("datasets/<uuid:pk>.rdf", "/datasets/{ds}.rdf", expect=PUBLIC),
    Row("datasets/<uuid:pk>.rdf", "/datasets/{draft}.rdf", expect=cells(404)),
    Row("distributions/<uuid:pk>", "/distributions/{dist}", expect=PUBLIC),
    Row("distributions/<uuid:pk>", "/distributions/{dist_draft}", expect=cells(404)),
    Row("distributions/<uuid:pk>/schema.json", "/distributions/{dist}/schema.json", expect=PUBLIC),
    Row(
        "distributions/<uuid:pk>/schema.json",
        "/distributions/{dist_draft}/schema.json",
        expect=cells(404),
    ),
    Row("datasets/<uuid:pk>/croissant.jsonld", "/datasets/{ds}/croissant.jsonld", expect=PUBLIC),
    Row(
        "datasets/<uuid:pk>/croissant.jsonld",
        "/datasets/{draft}/croissant.jsonld",
        expect=cells(404),
    ),
    Row("robots.txt", "/robots.txt", expect=PUBLIC),
    Row("sitemap.xml", "/sitemap.xml", expect=PUBLIC),
    Row("sitemaps/pages.xml", "/sitemaps/pages.xml", expect=PUBLIC),
    Row("sitemaps/datasets-<int:page>.xml", "/sitemaps/datasets-1.xml", expect=PUBLIC),
    Row("sitemaps/datasets-<int:page>.xml", "/sitemaps/datasets-999.xml", expect=cells(404)),
    Row("places/IN-<str:code>", "/places/IN-KA", expect=PUBLIC),
    Row("places/IN-<str:code>", "/places/IN-ZZ", expect=cells(404)),
    Row("datasets/<uuid:pk>.ttl", "/datasets/{ds}.ttl", expect=PUBLIC),
    Row("datasets/<uuid:pk>.jsonld", "/datasets/{ds}.jsonld", expect=PUBLIC),
    Row("datasets/<uuid:pk>", "/datasets/{ds}", expect=PUBLIC),
    Row("datasets/<uuid:pk>", "/datasets/{draft}", expect=cells(404)),
    Row("datasets/<uuid:pk>.ttl", "/datasets/{draft}.ttl", expect=cells(404)),
    Row("datasets/<uuid:pk>.jsonld", "/datasets/{draft}.jsonld", expect=cells(404)),
    Row("api/3/action/<str:action>", "/api/3/action/package_show?id={draft}", expect=cells(404)),
    Row("", "/", expect=PUBLIC),
    Row("datasets", "/datasets", expect=PUBLIC),
    Row("institutions", "/institutions", expect=PUBLIC),
    Row("institutions/<slug:slug>", "/institutions/{x_slug}", expect=PUBLIC),
    Row("language", "/language?language=hi&next=/", expect=cells(302)),
    # --- transparency: statistics, quality, the validator, feeds (all public) ---
    Row("stats", "/stats", expect=PUBLIC),
    Row("quality", "/quality", expect=PUBLIC),
    Row("quality/<slug:slug>", "/quality/{x_slug}", expect=PUBLIC),
    Row("validate", "/validate", expect=PUBLIC),
    Row("feeds/datasets.atom", "/feeds/datasets.atom", expect=PUBLIC),
    Row(
        "institutions/<slug:slug>/datasets.atom",
        "/institutions/{x_slug}/datasets.atom",
        expect=PUBLIC,
    ),
    Row("themes/<str:code>/datasets.atom", "/themes/HEAL/datasets.atom", expect=PUBLIC),
    Row("api/v1/stats", "/api/v1/stats", expect=PUBLIC),
    Row("api/v1/stats/<slug:name>", "/api/v1/stats/consent-by-month", expect=PUBLIC),
    Row("api/v1/stats/<slug:name>.csv", "/api/v1/stats/datasets-by-access.csv", expect=PUBLIC),
    Row("api/v1/stats/quality", "/api/v1/stats/quality", expect=PUBLIC),
    Row("api/v1/stats/quality.csv", "/api/v1/stats/quality.csv", expect=PUBLIC),
    Row("api/v1/stats/quality/<slug:slug>", "/api/v1/stats/quality/{x_slug}", expect=PUBLIC),
    Row(
        "api/v1/validate/dcat", "/api/v1/validate/dcat", "POST", body={"dataset": []}, expect=PUBLIC
    ),
    # A job's id is its only secret (a random UUID): an unknown one is 404 for everyone.
    Row(
        "api/v1/validate/dcat/jobs/<uuid:job_id>",
        "/api/v1/validate/dcat/jobs/00000000-0000-4000-8000-000000000000",
        expect=cells(404),
    ),
    # --- the citizen portal ---
    Row("portal/", "/portal/", expect=portal(200, b=200)),
    Row("portal/login", "/portal/login", expect=cells(200)),
    Row("portal/signup", "/portal/signup", expect=cells({200, 302})),
    Row("portal/account", "/portal/account", expect=portal(200, b=200)),
    Row(
        "portal/account/password",
        "/portal/account/password",
        "POST",
        body={},
        expect=portal({200, 400}, b={200, 400}),
    ),
    Row(
        "portal/account/language",
        "/portal/account/language",
        "POST",
        body={"language": "en"},
        expect=portal(302, b=302),
    ),
    Row("portal/requests/<uuid:pk>", "/portal/requests/{req}", expect=portal(200)),
    Row(
        "portal/requests/<uuid:pk>/grant",
        "/portal/requests/{p_req_grant}/grant",
        "POST",
        expect=portal({302, 400}),  # no datasets chosen: refused on the form, after the check
    ),
    Row(
        "portal/requests/<uuid:pk>/deny",
        "/portal/requests/{p_req_deny}/deny",
        "POST",
        expect=portal(302),
    ),
    Row(
        "portal/requests/<uuid:pk>/withdraw",
        "/portal/requests/{p_req_withdraw}/withdraw",
        "POST",
        expect=portal(302),
    ),
    Row("portal/consents", "/portal/consents", expect=portal(200, b=200)),
    Row("portal/consents/<uuid:pk>", "/portal/consents/{art}", expect=portal(200)),
    Row(
        "portal/consents/<uuid:pk>/<str:action>",
        "/portal/consents/{p_art}/pause",
        "POST",
        expect=portal(302),
    ),
    Row("portal/access-log", "/portal/access-log", expect=portal(200, b=200)),
    Row("portal/history", "/portal/history", expect=portal(200, b=200)),
    Row("portal/inbox", "/portal/inbox", expect=portal(200, b=200)),
    Row(
        "portal/inbox/preferences",
        "/portal/inbox/preferences",
        "POST",
        body={"email": "on"},
        expect=portal(302, b=302),
    ),
    Row("portal/export", "/portal/export", expect=portal(200, b=200)),
    Row("portal/export/report", "/portal/export/report", expect=portal(200, b=200)),
    Row("portal/account/close", "/portal/account/close", expect=portal(200, b=200)),
    Row("portal/grievances", "/portal/grievances", expect=portal(200, b=200)),
    Row(
        "portal/grievances",
        "/portal/grievances",
        "POST",
        body={"subject": ""},
        expect=portal(400, b=400),
    ),
    Row("portal/grievances/<uuid:pk>", "/portal/grievances/{grv}", expect=portal(200)),
    Row(
        "portal/grievances/<uuid:pk>/<str:action>",
        "/portal/grievances/{p_grv_resolve}/resolve",
        "POST",
        expect=portal(302),
    ),
    Row("portal/accounts", "/portal/accounts", expect=portal(200, b=200)),
    Row(
        "portal/accounts/discover",
        "/portal/accounts/discover",
        "POST",
        body={"provider": "nobody"},
        expect=portal(400, b=400),
    ),
    Row(
        "portal/accounts/discoveries/<uuid:pk>",
        "/portal/accounts/discoveries/{disc_a}",
        expect=portal(200),
    ),
    Row(
        "portal/accounts/discoveries/<uuid:pk>/next",
        "/portal/accounts/discoveries/{disc_a}/next",
        "POST",
        body={},
        expect=portal(400),
    ),
    Row(
        "portal/accounts/<uuid:pk>/delink",
        "/portal/accounts/{p_link_delink}/delink",
        "POST",
        expect=portal(302),
    ),
    Row("portal/logout", "/portal/logout", "POST", expect=cells(302), last=True),
    # --- the institution console ---
    # A member of one institution is sent straight to its console.
    Row(
        "console/",
        "/console/",
        expect=cells(302, **{**{a: 200 for a in SESSION_ACTORS}, "member_x": 302, "editor_x": 302}),
    ),
    Row("console/login", "/console/login", expect=cells({200, 302})),
    Row("console/<slug:slug>/", "/console/{x_slug}/", expect=console(200)),
    Row(
        "console/<slug:slug>/datasets/new",
        "/console/{x_slug}/datasets/new",
        expect=console(200),
    ),
    Row(
        "console/<slug:slug>/datasets/<uuid:pk>",
        "/console/{x_slug}/datasets/{ds}",
        expect=console(200),
    ),
    Row(
        "console/<slug:slug>/datasets/<uuid:pk>/edit",
        "/console/{x_slug}/datasets/{ds}/edit",
        expect=console(200),
    ),
    Row(
        "console/<slug:slug>/datasets/<uuid:pk>/data-card",
        "/console/{x_slug}/datasets/{ds}/data-card",
        expect=console(200),
    ),
    Row(
        "console/<slug:slug>/datasets/<uuid:pk>/withdraw",
        "/console/{x_slug}/datasets/{ds_console_withdraw}/withdraw",
        "POST",
        expect=console(302),
    ),
    Row(
        "console/<slug:slug>/datasets/<uuid:pk>/revalidate",
        "/console/{x_slug}/datasets/{ds}/revalidate",
        "POST",
        expect=console(302),
    ),
    Row(
        "console/<slug:slug>/harvest-jobs/<int:pk>",
        "/console/{x_slug}/harvest-jobs/{job}",
        expect=console(200),
    ),
    # A source added with nothing filled in: refused on the form, after the check.
    Row(
        "console/<slug:slug>/harvest-sources",
        "/console/{x_slug}/harvest-sources",
        "POST",
        expect=console(400),
    ),
    # X's source has a job waiting already: started by no one, back to the overview.
    Row(
        "console/<slug:slug>/harvest-sources/<uuid:pk>/run",
        "/console/{x_slug}/harvest-sources/{hs}/run",
        "POST",
        expect=console(302),
    ),
    Row(
        "console/<slug:slug>/harvest-sources/<uuid:pk>/run",
        "/console/{y_slug}/harvest-sources/{hs}/run",
        "POST",
        expect=console(404),
    ),
    # Y's console, with X's harvest job in the URL: nobody here is a member of Y.
    Row(
        "console/<slug:slug>/harvest-jobs/<int:pk>",
        "/console/{y_slug}/harvest-jobs/{job}",
        expect=console(404),
    ),
    # Y's console, with X's dataset in the URL: nobody here is a member of Y.
    Row(
        "console/<slug:slug>/datasets/<uuid:pk>",
        "/console/{y_slug}/datasets/{ds}",
        expect=console(404),
    ),
    Row("console/<slug:slug>/tokens", "/console/{x_slug}/tokens", expect=console(200, editor=404)),
    Row(
        "console/<slug:slug>/tokens/<int:token_id>/revoke",
        "/console/{x_slug}/tokens/{tok_revoke}/revoke",
        "POST",
        expect=console(302, editor=404),
    ),
    Row(
        "console/<slug:slug>/webhooks",
        "/console/{x_slug}/webhooks",
        expect=console(200, editor=404),
    ),
    Row(
        "console/<slug:slug>/webhooks/<uuid:pk>/disable",
        "/console/{x_slug}/webhooks/{wh_disable}/disable",
        "POST",
        expect=console(302, editor=404),
    ),
    Row(
        "console/<slug:slug>/consent-requests",
        "/console/{x_slug}/consent-requests",
        expect=console(200),
    ),
    Row("console/logout", "/console/logout", "POST", expect=cells(302), last=True),
]

# --- the data exchange: X is the provider of the ex_req*/ex_agr* objects (institution Z asked),
# the consumer of ex_req_withdraw; Y is a stranger to all of them. ---
EITHER = ("access:request", "access:review")


def release() -> dict:
    return {"served_at": timezone.now().isoformat(), "record_count": 1}


TABLE += [
    Row("api/v1/access-requests", "/api/v1/access-requests", scopes=EITHER,
        expect=inst_api_collection(200)),
    Row("api/v1/access-requests", "/api/v1/access-requests", "POST", body={}, scopes=EITHER,
        expect=inst_api_collection(400)),
    Row("api/v1/access-requests/<anyuuid:pk>", "/api/v1/access-requests/{ex_req}",
        scopes=EITHER, expect=inst_api(200)),
    Row("api/v1/access-requests/<anyuuid:pk>/approve",
        "/api/v1/access-requests/{ex_req_approve}/approve", "POST", body={},
        scopes=("access:review",), expect=inst_api(200)),
    Row("api/v1/access-requests/<anyuuid:pk>/reject",
        "/api/v1/access-requests/{ex_req_reject}/reject", "POST", body={"reason": "No."},
        scopes=("access:review",), expect=inst_api(200)),
    Row("api/v1/access-requests/<anyuuid:pk>/withdraw",
        "/api/v1/access-requests/{ex_req_withdraw}/withdraw", "POST", body={},
        scopes=("access:request",), expect=inst_api(200)),
    Row("api/v1/access-requests/<anyuuid:pk>/messages",
        "/api/v1/access-requests/{ex_req_msg}/messages", "POST", body={"text": "Which years?"},
        scopes=EITHER, expect=inst_api(201)),
    Row("api/v1/agreements", "/api/v1/agreements", scopes=EITHER,
        expect=inst_api_collection(200)),
    Row("agreements", "/agreements", expect=PUBLIC),
    # Signing in with a one-time code: anyone may ask (the bodies here are refused as malformed).
    Row("api/v1/auth/otp", "/api/v1/auth/otp", "POST", body={"identifier": "x"},
        expect=cells(400)),
    Row("api/v1/auth/otp/verify", "/api/v1/auth/otp/verify", "POST",
        body={"identifier": "x", "code": "1"}, expect=cells(400)),
    Row("portal/login/code", "/portal/login/code", expect=cells(200)),
    Row("portal/login/code/verify", "/portal/login/code/verify", expect=cells(302)),
    Row("api/v1/agreements/register", "/api/v1/agreements/register", expect=PUBLIC),
    Row("api/v1/agreements/register.csv", "/api/v1/agreements/register.csv", expect=PUBLIC),
    Row("api/v1/agreements/<anyuuid:pk>", "/api/v1/agreements/{ex_agr}", scopes=EITHER,
        expect=inst_api(200)),
    Row("api/v1/agreements/<anyuuid:pk>/status", "/api/v1/agreements/{ex_agr}/status",
        scopes=EITHER, expect=inst_api(200)),
    Row("api/v1/agreements/<anyuuid:pk>/receipts", "/api/v1/agreements/{ex_agr}/receipts",
        scopes=EITHER, expect=inst_api(200)),
    Row("api/v1/agreements/<anyuuid:pk>/receipts", "/api/v1/agreements/{ex_agr}/receipts",
        "POST", body=release, scopes=("access:review",), expect=inst_api(201)),
    Row("api/v1/agreements/<anyuuid:pk>/suspend", "/api/v1/agreements/{ex_agr_suspend}/suspend",
        "POST", body={}, scopes=("access:review",), expect=inst_api(200)),
    Row("api/v1/agreements/<anyuuid:pk>/resume", "/api/v1/agreements/{ex_agr_resume}/resume",
        "POST", body={}, scopes=("access:review",), expect=inst_api(200)),
    Row("api/v1/agreements/<anyuuid:pk>/revoke", "/api/v1/agreements/{ex_agr_revoke}/revoke",
        "POST", body={}, scopes=("access:review",), expect=inst_api(200)),
    Row("api/v1/exchange-policy", "/api/v1/exchange-policy", scopes=("access:review",),
        expect=inst_api_collection(200)),
    Row("api/v1/exchange-policy", "/api/v1/exchange-policy", "PUT",
        body={"max_duration_days": 200}, scopes=("access:review",),
        expect=inst_api_collection(200)),
]  # fmt: skip

# --- the data exchange in the console (web/console_exchange.py): X's members on the same
# objects; a second success on a decided request or agreement is refused with a message and
# sent back to its page (302), so both members' cells read 302. ---
TABLE += [
    Row("console/request-access/<uuid:dataset>", "/console/request-access/{ex_ds_z}",
        expect=cells(302, cit_a_session=200, cit_b_session=200, superuser=200)),
    Row("console/<slug:slug>/grievances", "/console/{x_slug}/grievances", expect=console(200)),
    Row("console/<slug:slug>/grievances/<uuid:pk>", "/console/{x_slug}/grievances/{grv}",
        expect=console(200)),
    Row("console/<slug:slug>/grievances/<uuid:pk>/answer",
        "/console/{x_slug}/grievances/{c_grv_answer}/answer", "POST", body={"text": "Done."},
        expect=console(302)),
    # The grievance officer: a permission no actor of the matrix holds but the superuser.
    Row("console/grievance-officer", "/console/grievance-officer",
        expect=cells(302, **{**{a: 404 for a in SESSION_ACTORS}, "superuser": 200})),
    Row("console/grievance-officer/<uuid:pk>", "/console/grievance-officer/{grv_suchi}",
        expect=cells(302, **{**{a: 404 for a in SESSION_ACTORS}, "superuser": 200})),
    Row("console/grievance-officer/<uuid:pk>/answer",
        "/console/grievance-officer/{grv_suchi}/answer", "POST", body={"text": "Done."},
        expect=cells(302, **{**{a: 404 for a in SESSION_ACTORS}, "superuser": 302})),
    Row("console/<slug:slug>/access-requests", "/console/{x_slug}/access-requests",
        expect=console(200)),
    Row("console/<slug:slug>/access-requests/new", "/console/{x_slug}/access-requests/new",
        expect=console(200)),
    Row("console/<slug:slug>/access-requests/new", "/console/{x_slug}/access-requests/new",
        "POST", body={"purpose": "research"}, expect=console(400)),
    Row("console/<slug:slug>/access-requests/<uuid:pk>",
        "/console/{x_slug}/access-requests/{ex_req}", expect=console(200)),
    Row("console/<slug:slug>/access-requests/<uuid:pk>",
        "/console/{x_slug}/access-requests/{ex_req_withdraw}", expect=console(200)),
    # Y's console with X's request: nobody here is a member of Y.
    Row("console/<slug:slug>/access-requests/<uuid:pk>",
        "/console/{y_slug}/access-requests/{ex_req}", expect=console(404)),
    Row("console/<slug:slug>/access-requests/<uuid:pk>/message",
        "/console/{x_slug}/access-requests/{ex_req_c_msg}/message", "POST",
        body={"text": "Which years?"}, expect=console(302)),
    Row("console/<slug:slug>/access-requests/<uuid:pk>/approve",
        "/console/{x_slug}/access-requests/{ex_req_c_approve}/approve", "POST", body={},
        expect=console(302)),
    # X asked for ex_req_withdraw: X may not approve it.
    Row("console/<slug:slug>/access-requests/<uuid:pk>/approve",
        "/console/{x_slug}/access-requests/{ex_req_withdraw}/approve", "POST", body={},
        expect=console(404)),
    Row("console/<slug:slug>/access-requests/<uuid:pk>/reject",
        "/console/{x_slug}/access-requests/{ex_req_c_reject}/reject", "POST",
        body={"reason": "No."}, expect=console(302)),
    Row("console/<slug:slug>/access-requests/<uuid:pk>/withdraw",
        "/console/{x_slug}/access-requests/{ex_req_c_withdraw}/withdraw", "POST",
        expect=console(302)),
    # X did not ask for ex_req: X may not withdraw it.
    Row("console/<slug:slug>/access-requests/<uuid:pk>/withdraw",
        "/console/{x_slug}/access-requests/{ex_req}/withdraw", "POST", expect=console(404)),
    Row("console/<slug:slug>/agreements/<uuid:pk>", "/console/{x_slug}/agreements/{ex_agr}",
        expect=console(200)),
    Row("console/<slug:slug>/agreements/<uuid:pk>", "/console/{y_slug}/agreements/{ex_agr}",
        expect=console(404)),
    Row("console/<slug:slug>/agreements/<uuid:pk>/<str:action>",
        "/console/{x_slug}/agreements/{ex_agr_c_suspend}/suspend", "POST", expect=console(302)),
    Row("console/<slug:slug>/agreements/<uuid:pk>/<str:action>",
        "/console/{x_slug}/agreements/{ex_agr_c_resume}/resume", "POST", expect=console(302)),
    Row("console/<slug:slug>/agreements/<uuid:pk>/<str:action>",
        "/console/{x_slug}/agreements/{ex_agr_c_revoke}/revoke", "POST", expect=console(302)),
    Row("console/<slug:slug>/agreements/<uuid:pk>/<str:action>",
        "/console/{x_slug}/agreements/{ex_agr}/explode", "POST", expect=console(404)),
    Row("console/<slug:slug>/exchange-policy", "/console/{x_slug}/exchange-policy",
        expect=console(200, editor=404)),
    Row("console/<slug:slug>/exchange-policy", "/console/{x_slug}/exchange-policy", "POST",
        body={"max_duration_days": "365"}, expect=console(302, editor=404)),
]  # fmt: skip

# --- breach reports (rights/api/breach_views.py, web/console_breaches.py): X reported `brc`;
# a report is X's alone to read, and nobody may delete one (there is no route for it). ---
TABLE += [
    Row("api/v1/breaches", "/api/v1/breaches", scopes=("breaches:report",),
        expect=inst_api_collection(200)),
    Row("api/v1/breaches", "/api/v1/breaches", "POST", body={}, scopes=("breaches:report",),
        expect=inst_api_collection(400)),
    Row("api/v1/breaches/<anyuuid:pk>", "/api/v1/breaches/{brc}", scopes=("breaches:report",),
        expect=inst_api(200)),
    Row("console/<slug:slug>/breaches", "/console/{x_slug}/breaches", expect=console(200)),
    Row("console/<slug:slug>/breaches/new", "/console/{x_slug}/breaches/new",
        expect=console(200)),
    Row("console/<slug:slug>/breaches/new", "/console/{x_slug}/breaches/new", "POST",
        body={"description": ""}, expect=console(400)),
    Row("console/<slug:slug>/breaches/<uuid:pk>", "/console/{x_slug}/breaches/{brc}",
        expect=console(200)),
    # Y's console with X's report: nobody here is a member of Y.
    Row("console/<slug:slug>/breaches/<uuid:pk>", "/console/{y_slug}/breaches/{brc}",
        expect=console(404)),
]  # fmt: skip

# --- guardians and nominees (identity/api/guardian_views.py, rights/api/nomination_views.py,
# web/portal_guardian.py, web/portal_nomination.py, web/console_nominations.py): citizen A is
# the guardian of the wards `gw…` and the nominee of the principals `nom…`. ---
W = "api/v1/me/wards/<anyuuid:pk>"
N = "api/v1/me/nominations/<anyuuid:pk>"
OFFICER = cells(302, **{**{a: 404 for a in SESSION_ACTORS}, "superuser": 200})
TABLE += [
    Row("api/v1/me/guardians", "/api/v1/me/guardians", expect=citizen_api(200, b=200)),
    Row("api/v1/me/guardians", "/api/v1/me/guardians", "POST", body={},
        expect=citizen_api(400, b=400)),
    Row("api/v1/me/wards", "/api/v1/me/wards", expect=citizen_api(200, b=200)),
    Row(f"{W}/confirm", "/api/v1/me/wards/{gw_pend}/confirm", "POST",
        body={"code": "123456", "relationship": "parent"}, expect=citizen_api(400)),
    # A's token declines first; declined, a request naming an address is no one's to see (the
    # address may change hands), so A's session then finds nothing.
    Row(f"{W}/decline", "/api/v1/me/wards/{gw_pend_decline}/decline", "POST", body={},
        expect=citizen_api(200, session={200, 404})),
    Row(f"{W}/end", "/api/v1/me/wards/{gw_end}/end", "POST", body={},
        expect=citizen_api(200, session=409)),
    Row(f"{W}/consent-requests", "/api/v1/me/wards/{gw}/consent-requests",
        expect=citizen_api(200)),
    Row(f"{W}/consent-requests/<anyuuid:request_id>/grant",
        "/api/v1/me/wards/{gw}/consent-requests/{gw_req_grant}/grant", "POST", body={},
        expect=citizen_api(200, session=409)),
    Row(f"{W}/consent-requests/<anyuuid:request_id>/deny",
        "/api/v1/me/wards/{gw}/consent-requests/{gw_req_deny}/deny", "POST", body={},
        expect=citizen_api(200, session=409)),
    Row(f"{W}/consent-artefacts", "/api/v1/me/wards/{gw}/consent-artefacts",
        expect=citizen_api(200)),
    Row(f"{W}/consent-artefacts/<anyuuid:artefact_id>/revoke",
        "/api/v1/me/wards/{gw}/consent-artefacts/{gw_art_revoke}/revoke", "POST", body={},
        expect=citizen_api(200, session=409)),
    Row("api/v1/me/nomination", "/api/v1/me/nomination", expect=citizen_api(200, b=200)),
    Row("api/v1/me/nomination", "/api/v1/me/nomination", "POST", body={},
        expect=citizen_api(400, b=400)),
    # A's own nomination (of Ravi): withdrawn once (A's token goes first), then there is none.
    Row("api/v1/me/nomination", "/api/v1/me/nomination", "DELETE",
        expect=citizen_api(200, session={200, 404})),
    Row("api/v1/me/nominations", "/api/v1/me/nominations", expect=citizen_api(200, b=200)),
    Row(f"{N}/accept", "/api/v1/me/nominations/{nom_accept}/accept", "POST", body={},
        expect=citizen_api(200, session=409)),
    Row(f"{N}/decline", "/api/v1/me/nominations/{nom_decline}/decline", "POST", body={},
        expect=citizen_api(200, session={200, 404})),
    Row(f"{N}/report", "/api/v1/me/nominations/{nom_report}/report", "POST",
        body={"event": "death", "reference": "Certificate 12"},
        expect=citizen_api(200, session=409)),
    Row(f"{N}/consent-artefacts", "/api/v1/me/nominations/{nom}/consent-artefacts",
        expect=citizen_api(200)),
    Row(f"{N}/consent-artefacts/<anyuuid:artefact_id>/revoke",
        "/api/v1/me/nominations/{nom}/consent-artefacts/{nom_art_revoke}/revoke", "POST",
        body={}, expect=citizen_api(200, session=409)),
    Row(f"{N}/records", "/api/v1/me/nominations/{nom}/records", expect=citizen_api(200)),
    Row("portal/guardian", "/portal/guardian", expect=portal(200, b=200)),
    Row("portal/guardian", "/portal/guardian", "POST", body={"guardian": ""},
        expect=portal(400, b=400)),
    Row("portal/guardian/<uuid:pk>/<str:action>", "/portal/guardian/{gw_p_end}/end", "POST",
        expect=portal(302)),
    Row("portal/guardian/<uuid:pk>/ward/<uuid:item>/<str:action>",
        "/portal/guardian/{gw}/ward/{p_gw_req_deny}/deny", "POST", expect=portal(302)),
    Row("portal/nomination", "/portal/nomination", expect=portal(200, b=200)),
    Row("portal/nomination", "/portal/nomination", "POST", body={"name": ""},
        expect=portal(400, b=400)),
    # A's nomination was withdrawn through the API above: nothing left to withdraw.
    Row("portal/nomination/withdraw", "/portal/nomination/withdraw", "POST",
        expect=portal(404)),
    Row("portal/nomination/<uuid:pk>/<str:action>", "/portal/nomination/{p_nom_decline}/decline",
        "POST", expect=portal(302)),
    Row("portal/nomination/<uuid:pk>/consents/<uuid:artefact>/revoke",
        "/portal/nomination/{nom}/consents/{p_nom_art_revoke}/revoke", "POST",
        expect=portal(302)),
    Row("console/grievance-officer/nominations", "/console/grievance-officer/nominations",
        expect=OFFICER),
    Row("console/grievance-officer/nominations/<uuid:pk>/review",
        "/console/grievance-officer/nominations/{nom_review}/review", "POST",
        body={"decision": "approve", "text": "Checked."},
        expect=cells(302, **{**{a: 404 for a in SESSION_ACTORS}, "superuser": 302})),
]  # fmt: skip

# --- the Django admin: staff only (everyone else is sent to its login page) ---
ADMIN_DENY = 302


def admin(ok) -> dict:
    return cells(ADMIN_DENY, superuser=ok)


TABLE += [
    Row("admin/", "/admin/", expect=admin(200)),
    Row("admin/login/", "/admin/login/", expect=cells(200, superuser=302)),
    Row("admin/password_change/", "/admin/password_change/", expect=admin(200)),
    Row("admin/password_change/done/", "/admin/password_change/done/", expect=admin(200)),
    Row("admin/autocomplete/", "/admin/autocomplete/", expect=admin(403)),
    Row("admin/jsi18n/", "/admin/jsi18n/", expect=admin(200)),
    Row(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        "/admin/r/{ct_institution}/{x_pk}/",
        expect=admin({302, 404}),
    ),
    Row("admin/^(?P<app_label>auth|registry)/$", "/admin/registry/", expect=admin(200)),
    Row("admin/(?P<url>.*)$", "/admin/no-such-page/", expect=admin(404)),
    Row(
        "admin/auth/user/<id>/password/",
        "/admin/auth/user/{admin_user}/password/",
        expect=admin(200),
    ),
    Row("admin/logout/", "/admin/logout/", "POST", expect=cells(302), last=True),
]
for _model in admin_site._registry:
    _label = f"admin/{_model._meta.app_label}/{_model._meta.model_name}/"
    _obj = "{admin_" + _model._meta.model_name + "}"
    TABLE += [
        Row(_label, "/" + _label, expect=admin(200)),
        Row(_label + "add/", "/" + _label + "add/", expect=admin({200, 403})),
        Row(_label + "<path:object_id>/", "/" + _label + _obj + "/", expect=admin(302)),
        Row(_label + "<path:object_id>/change/", f"/{_label}{_obj}/change/", expect=admin(200)),
        Row(_label + "<path:object_id>/history/", f"/{_label}{_obj}/history/", expect=admin(200)),
        Row(
            _label + "<path:object_id>/delete/",
            f"/{_label}{_obj}/delete/",
            expect=admin({200, 403}),
        ),
    ]


A_CITIZEN = {"cit_a", "cit_a_session"}
B_CITIZEN = {"cit_b", "cit_b_session"}
# Lists that every caller may read but that hold only the caller's own things: (route, method)
# -> (ids, who must see them, who must not). The first half proves the second is not vacuous.
LISTS = {
    ("api/v1/consent-requests", "GET"): (("req",), {"x_token"}, {"y_token"}),
    ("api/v1/consent-artefacts", "GET"): (("art",), {"x_token"}, {"y_token"}),
    ("api/v1/webhooks", "GET"): (("wh_disable",), {"x_token"}, {"y_token"}),
    ("api/v1/harvest-sources", "GET"): (("hs",), {"x_token"}, {"y_token"}),
    ("api/v1/access-requests", "GET"): (("ex_req", "ex_req_withdraw"), {"x_token"}, {"y_token"}),
    ("api/v1/agreements", "GET"): (("ex_agr",), {"x_token"}, {"y_token"}),
    ("api/v1/breaches", "GET"): (("brc",), {"x_token"}, {"y_token"}),
    ("api/v1/me/wards", "GET"): (("gw", "gw_pend"), A_CITIZEN, B_CITIZEN),
    ("api/v1/me/nominations", "GET"): (("nom", "nom_accept"), A_CITIZEN, B_CITIZEN),
    ("api/v1/me/consent-requests", "GET"): (("req",), A_CITIZEN, B_CITIZEN),
    ("api/v1/me/consent-artefacts", "GET"): (("art",), A_CITIZEN, B_CITIZEN),
    ("api/v1/me/export", "GET"): (("req", "art"), A_CITIZEN, B_CITIZEN),
    ("portal/", "GET"): (("req",), {"cit_a_session"}, {"cit_b_session"}),
    ("portal/consents", "GET"): (("art",), {"cit_a_session"}, {"cit_b_session"}),
    ("portal/export", "GET"): (("req", "art"), {"cit_a_session"}, {"cit_b_session"}),
}


def _is_allow(status: int) -> bool:
    return 200 <= status < 300


@pytest.fixture
def world(db, django_user_model):
    """Institutions X and Y, citizens A and B, and X's objects the URLs name."""
    x = make_institution(slug="inst-x", name="Institution X", is_consumer=True, is_provider=True)
    y = make_institution(slug="inst-y", name="Institution Y", is_consumer=True, is_provider=True)
    citizen_a = make_citizen("asha@suchi", PASSWORD)
    citizen_b = make_citizen("ravi@suchi", PASSWORD)
    x_full = make_token(x, scopes=tuple(SCOPES))
    y_full = make_token(y, scopes=tuple(SCOPES))
    unscoped = {}
    for lacking in {row.scopes for row in TABLE}:
        unscoped[lacking] = make_token(x, scopes=[s for s in SCOPES if s not in lacking])

    ids = {"x_slug": x.slug, "y_slug": y.slug, "x_pk": x.pk}
    schema = {"fields": [{"name": "district", "type": "string"}]}
    with_schema = dataset_payload(slug="open-x")
    with_schema["distributions"][0]["schema"] = schema
    ids["ds"] = publish(x, **with_schema).pk
    ids["dist"] = Dataset.objects.get(pk=ids["ds"]).distributions.get().pk
    ids["ds_delete"] = publish(x, slug="open-x-del").pk
    ids["ds_console_withdraw"] = publish(x, slug="open-x-cw").pk
    with transaction.atomic():  # registered, its validation not yet run: not public
        draft = dataset_register(
            institution=x, data=dataset_payload(slug="draft-x"), actor=Actor.system("test")
        )
    assert draft.status != Dataset.Status.PUBLISHED
    ids["draft"] = draft.pk
    ids["dist_draft"] = draft.distributions.get().pk
    records = publish_consent_dataset(x)
    x_api = bearer(x_full)
    asha = citizen_client("asha@suchi")

    def request_to_asha():
        response = x_api.post(
            "/api/v1/consent-requests",
            consent_request_payload("asha@suchi", [records]),
            format="json",
        )
        assert response.status_code == 201, response.content
        return response.json()["id"]

    def granted():
        rid = request_to_asha()
        response = asha.post(f"/api/v1/me/consent-requests/{rid}/grant", {}, format="json")
        assert response.status_code == 200, response.content
        return rid, response.json()[0]["id"]

    for name in ("req", "req_cancel", "req_grant", "req_deny", "p_req_grant", "p_req_deny"):
        ids[name] = request_to_asha()
    for name in ("art", "art_pause", "art_revoke", "p_art", "art_resume", "art_erase"):
        ids[name] = granted()[1]
    response = asha.post(f"/api/v1/me/consent-artefacts/{ids['art_resume']}/pause", {})
    assert response.status_code == 200, response.content
    ids["req_withdraw"] = granted()[0]
    ids["p_req_withdraw"] = granted()[0]

    for name in ("wh_delete", "wh_disable"):
        response = x_api.post("/api/v1/webhooks", {"url": source_url("/hooks")}, format="json")
        assert response.status_code == 201, response.content
        ids[name] = response.json()["id"]
    hs = harvest_source_create(
        institution=x, name="X's catalogue", kind="dcat", url=source_url("/catalog.ttl")
    )
    ids["hs"] = hs.pk
    ids["hs_delete"] = harvest_source_create(
        institution=x, name="X's other catalogue", kind="dcat", url=source_url("/other.ttl")
    ).pk
    ids["job"] = HarvestJob.objects.create(source=hs, trigger="manual").pk
    hs_abort = harvest_source_create(
        institution=x, name="X's third catalogue", kind="dcat", url=source_url("/third.ttl")
    )
    ids["job_abort"] = HarvestJob.objects.create(source=hs_abort, trigger="manual").pk
    _exchange_objects(ids, x, x_api)
    _linking_objects(ids, x, citizen_a)
    _grievance_objects(ids, x, citizen_a)
    _breach_objects(ids, x, records)
    _family_objects(ids, x_api, records, citizen_a)
    # A token of its own to revoke (the latest of X's could be one the matrix calls with).
    make_token(x, scopes=("datasets:write",))
    ids["tok_revoke"] = ApiToken.objects.filter(institution=x).order_by("-pk")[0].pk

    member = django_user_model.objects.create_user("editor-x", password=PASSWORD)
    Membership.objects.create(user=member, institution=x, role=Membership.Role.ADMIN)
    editor = django_user_model.objects.create_user("editor-only-x", password=PASSWORD)
    Membership.objects.create(user=editor, institution=x, role=Membership.Role.EDITOR)
    superuser = django_user_model.objects.create_superuser("root", password=PASSWORD)

    # Objects for the admin's per-object pages.
    ids["admin_user"] = superuser.pk
    ids["ct_institution"] = ContentType.objects.get_for_model(x).pk
    for model in admin_site._registry:
        name = model._meta.model_name
        if model is Group:
            obj = Group.objects.create(name="editors")
        elif model is get_user_model():
            obj = superuser
        else:
            obj = model.objects.order_by("pk").first()
        assert obj is not None, f"no {name} for the admin's pages"
        ids[f"admin_{name}"] = obj.pk

    def session(user):
        client = Client()
        client.force_login(user)
        return client

    clients = {
        "anon": Client(),
        "cit_a": citizen_client("asha@suchi"),
        "cit_a_session": session(citizen_a.user),
        "cit_b": citizen_client("ravi@suchi"),
        "cit_b_session": session(citizen_b.user),
        "member_x": session(member),
        "editor_x": session(editor),
        "x_token": x_api,
        "y_token": bearer(y_full),
        "superuser": session(superuser),
    }
    unscoped_clients = {lacking: bearer(token) for lacking, token in unscoped.items()}
    return ids, clients, unscoped_clients


def _grievance_objects(ids: dict, x, citizen_a) -> None:
    """Citizen A's grievances about X: open ones, and answered ones to accept or escalate."""
    ids["grv_suchi"] = grievance_file(
        citizen=citizen_a, institution_slug=None, subject="S", text="T", actor="test"
    ).pk
    for name in ("grv", "grv_respond", "grv_resolve", "grv_escalate", "p_grv_resolve",
                 "c_grv_answer"):  # fmt: skip
        grievance = grievance_file(
            citizen=citizen_a, institution_slug=x.slug, subject="S", text="T", actor="test"
        )
        if name in ("grv_resolve", "grv_escalate", "p_grv_resolve"):
            grievance_answer(institution=x, grievance_id=grievance.pk, text="A", actor="test")
        ids[name] = grievance.pk


def _breach_objects(ids: dict, x, records) -> None:
    """A breach X reported, naming its own consent dataset."""
    ids["brc"] = breach_report(
        institution=x, description="D", consequences="C", mitigation="M", safety_steps="S",
        contact="C", occurred_at=None, discovered_at=timezone.now(), dataset_ids=[records.pk],
        artefact_ids=[], actor="test",
    ).pk  # fmt: skip


def _family_objects(ids: dict, x_api, records, citizen_a) -> None:
    """Citizen A as the guardian of wards and the nominee of principals (identity.guardians,
    rights.nomination), with X's requests to the wards and the principals' consents."""
    now = timezone.now()
    VerifiedIdentifier.objects.create(
        citizen=citizen_a, kind="email", value="asha@example.in", verified_at=now
    )

    def person(handle: str):
        citizen = make_citizen(handle, PASSWORD)
        citizen.birth_date = now.date().replace(year=now.year - 12)
        citizen.save(update_fields=["birth_date"])
        return citizen

    def ward(name: str, status: str = "active"):
        child = person(f"{name}@suchi")
        guardianship = Guardianship.objects.create(
            ward=child, guardian=citizen_a if status == "active" else None,
            identifier_kind="email", identifier_value="asha@example.in", basis="minor",
            relationship="parent" if status == "active" else "", status=status,
            verification={"method": "one-time code"}, created_at=now,
        )  # fmt: skip
        if status == "active":
            CitizenProfile.objects.filter(pk=child.pk).update(answered_by_guardian=True)
        ids[name] = guardianship.pk
        return child

    def request_to(citizen) -> str:
        body = consent_request_payload(citizen.handle, [records])
        response = x_api.post("/api/v1/consent-requests", body, format="json")
        assert response.status_code == 201, response.content
        return response.json()["id"]

    def granted(citizen, actor_guardianship=None) -> str:
        rid = request_to(citizen)
        given = {"role": "guardian"} if actor_guardianship else None
        _, artefacts = consent_grant(citizen=citizen, request_id=rid, actor="t", given_by=given)
        return str(artefacts[0].pk)

    child = ward("gw")
    for name in ("gw_req_grant", "gw_req_deny", "p_gw_req_deny"):
        ids[name] = request_to(child)
    for name in ("gw_art_revoke",):
        ids[name] = granted(child, True)
    ward("gw_pend", "pending")
    ward("gw_pend_decline", "pending")
    ward("gw_end")
    ward("gw_p_end")

    def principal(name: str, *, step: str):
        citizen = make_citizen(f"{name.replace('_', '-')}@suchi", PASSWORD)
        nomination = nomination_name(
            citizen=citizen, name="Asha", identifier="asha@example.in", actor="t"
        )
        if step != "named":
            nomination_accept(nominee=citizen_a, nomination_id=nomination.pk)
        if step in ("reported", "active"):
            nomination_report(
                nominee=citizen_a, nomination_id=nomination.pk, event="death", reference="R"
            )
        if step == "active":
            nomination_review(nomination_id=nomination.pk, approve=True, text="ok", actor="t")
        ids[name] = nomination.pk
        return citizen

    deceased = principal("nom", step="active")
    for name in ("nom_art_revoke", "p_nom_art_revoke"):
        ids[name] = granted(deceased)
    principal("nom_accept", step="named")
    principal("nom_decline", step="named")
    principal("p_nom_decline", step="named")
    principal("nom_report", step="accepted")
    principal("nom_review", step="reported")
    nomination_name(citizen=citizen_a, name="Ravi", identifier="ravi@example.in", actor="t")


def _linking_objects(ids: dict, x, citizen_a) -> None:
    """X's linking endpoint, accounts citizen A linked at X, and a discovery of A's at X."""
    now = timezone.now()
    LinkingEndpoint.objects.create(
        institution=x, url=source_url("/link"), public_jwk=PUBLIC_JWK, updated_at=now
    )
    for name in ("link_a", "link_a_delink", "p_link_delink"):
        ids[name] = AccountLink.objects.create(
            citizen=citizen_a, provider=x, link_reference=f"LNK-{name}",
            masked_reference="XXXX1234", created_at=now,
        ).pk  # fmt: skip
    ids["disc_a"] = LinkSession.objects.create(
        citizen=citizen_a, provider=x, created_at=now, expires_at=now + timedelta(minutes=10),
        offered=[{"reference": "ACC-1", "masked": "XXXX1234", "account_type": "", "label": ""}],
    ).pk  # fmt: skip


def _exchange_objects(ids: dict, x, x_api) -> None:
    """Requests institution Z made to X (X reviews them), one X made to Z, and agreements X
    issued to Z."""
    z = make_institution(slug="inst-z", name="Institution Z", is_consumer=True)
    z_api = bearer(make_token(z, scopes=tuple(SCOPES)))
    of_x = publish(x, slug="restricted-x", access_rights="restricted")
    of_z = publish(z, slug="restricted-z", access_rights="restricted")

    def ask(api, dataset) -> str:
        body = {"datasets": [str(dataset.pk)], "purpose": "research",
                "description": "For the matrix.", "duration_days": 30}  # fmt: skip
        response = api.post("/api/v1/access-requests", body, format="json")
        assert response.status_code == 201, response.content
        return response.json()["id"]

    # ex_req_c_* and ex_agr_c_* are the console's own (web/console_exchange.py).
    for name in ("ex_req", "ex_req_approve", "ex_req_reject", "ex_req_msg", "ex_req_c_approve",
                 "ex_req_c_reject", "ex_req_c_msg"):  # fmt: skip
        ids[name] = ask(z_api, of_x)
    ids["ex_req_withdraw"] = ask(x_api, of_z)
    ids["ex_req_c_withdraw"] = ask(x_api, of_z)
    ids["ex_ds_z"] = of_z.pk
    for name in ("ex_agr", "ex_agr_suspend", "ex_agr_resume", "ex_agr_revoke", "ex_agr_c_suspend",
                 "ex_agr_c_resume", "ex_agr_c_revoke"):  # fmt: skip
        response = x_api.post(
            f"/api/v1/access-requests/{ask(z_api, of_x)}/approve", {}, format="json"
        )
        assert response.status_code == 200, response.content
        ids[name] = response.json()["agreement"]["id"]
    for name in ("ex_agr_resume", "ex_agr_c_resume"):
        response = x_api.post(f"/api/v1/agreements/{ids[name]}/suspend", {}, format="json")
        assert response.status_code == 200, response.content


def _request(client, row: Row, url: str):
    method = getattr(client, row.method.lower())
    body = row.body() if callable(row.body) else row.body
    if body is None:
        return method(url)
    if url.startswith("/api/"):
        return method(url, body, content_type="application/json")
    return method(url, body)


def _phase(expected: set) -> int:
    if expected == {409}:
        return 2
    return 1 if any(_is_allow(s) for s in expected) else 0


def run_matrix(world):
    ids, clients, unscoped_clients = world
    wrong = []
    rows = [r for r in TABLE if not r.last] + [r for r in TABLE if r.last]
    for row in rows:
        url = row.url.format(**ids)
        # Refusals first, then the expected successes, then those expected to find the state
        # already changed (409), so a success changes nothing a refusal sees.
        order = sorted(ACTORS, key=lambda a: _phase(row.expect[a]))
        for actor in order:
            client = unscoped_clients[row.scopes] if actor == "x_unscoped" else clients[actor]
            response = _request(client, row, url)
            status = response.status_code
            expected = row.expect[actor]
            if (row.pattern, row.method) in LISTS and _is_allow(status):
                keys, owners, others = LISTS[row.pattern, row.method]
                body = response.content.decode()
                for key in keys:
                    shown = str(ids[key]) in body
                    if actor in owners and not shown:
                        wrong.append(
                            (row.pattern, row.method, actor, url, status, [], f"{key} missing")
                        )
                    if actor in others and shown:
                        wrong.append(
                            (row.pattern, row.method, actor, url, status, [], f"LEAK of {key}")
                        )
            if status not in expected:
                kind = "UNEXPECTED ALLOW" if _is_allow(status) else "wrong status"
                wrong.append((row.pattern, row.method, actor, url, status, sorted(expected), kind))
    return wrong


def test_every_route_is_in_the_table():
    routes = set(walk())
    table = {row.pattern for row in TABLE}
    assert not routes - table, f"routes with no row in the matrix: {sorted(routes - table)}"
    assert not table - routes, f"rows whose route no longer exists: {sorted(table - routes)}"


def test_every_row_names_every_actor():
    for row in TABLE:
        assert set(row.expect) == set(ACTORS), row.pattern


def test_authorization_matrix(world):
    wrong = run_matrix(world)
    assert not wrong, "\n".join(
        f"{kind}: {method} {url} as {actor} -> {status}, expected {exp} (route {pattern!r})"
        for pattern, method, actor, url, status, exp, kind in wrong
    )
