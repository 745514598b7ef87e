"""The status check's one-statement path (registry/api/statuscheck.py): the usual answer costs
one statement and is byte for byte the full path's; everything unusual still gets the full
path's precise answer (issue #19's benchmark, issue #22's status line)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from exchange.models import DataUseAgreement
from registry.models import ApiToken, Institution

from ..factories import make_token
from .conftest import bearer
from .test_api import approve, file_request

pytestmark = pytest.mark.django_db
HEADERS = ("Content-Type", "Cache-Control", "Allow", "Content-Length")


@pytest.fixture
def agreement(consumer, provider, restricted):
    return approve(provider, file_request(consumer, restricted)["id"])


def url(agreement) -> str:
    return f"/api/v1/agreements/{agreement['id']}/status"


def test_the_usual_answer_is_one_statement_and_the_full_paths_bytes(
    agreement, provider, django_assert_num_queries
):
    # A token whose last use is due to be written (once a minute) takes the full path after the
    # one statement: the token, the write of its last use, the agreement.
    ApiToken.objects.filter(institution=provider.institution).update(last_used_at=None)
    with django_assert_num_queries(4):
        full = provider.api.get(url(agreement))
    with django_assert_num_queries(1):
        quick = provider.api.get(url(agreement), HTTP_ACCEPT="*/*")
    assert quick.status_code == full.status_code == 200
    assert quick.content == full.content
    assert [quick.get(h) for h in HEADERS] == [full.get(h) for h in HEADERS]
    assert quick.json()["status"] == "active" and "X-Request-ID" in quick


def test_a_revocation_shows_on_the_very_next_check(agreement, provider, consumer):
    provider.api.get(url(agreement))  # last use written: the quick path from here
    assert provider.api.post(f"/api/v1/agreements/{agreement['id']}/revoke").status_code == 200
    for party in (provider, consumer):
        assert party.api.get(url(agreement)).json()["status"] == "revoked"


@pytest.mark.parametrize(
    "change, status",
    [
        (lambda t: ApiToken.objects.filter(pk=t.pk).update(revoked_at=timezone.now()), 401),
        (lambda t: ApiToken.objects.filter(pk=t.pk).update(expires_at=timezone.now()), 401),
        (lambda t: ApiToken.objects.filter(pk=t.pk).update(scopes=["datasets:write"]), 403),
        (
            lambda t: Institution.objects.filter(pk=t.institution_id).update(
                verification_status=Institution.Verification.SUSPENDED
            ),
            401,
        ),
    ],
    ids=["revoked", "expired", "no-scope", "suspended"],
)
def test_a_token_that_lost_its_right_is_refused_at_once(agreement, provider, change, status):
    provider.api.get(url(agreement))
    token = ApiToken.objects.get(institution=provider.institution)
    change(token)
    response = provider.api.get(url(agreement))
    assert response.status_code == status, response.content
    assert "status" not in response.json()


def test_strangers_wrong_secrets_and_odd_requests_get_the_full_answer(
    agreement, provider, provider_b, third
):
    provider.api.get(url(agreement))
    for outsider in (provider_b, third):  # a party's scope, not a party
        assert outsider.api.get(url(agreement)).status_code == 404
    prefix = provider.token.rsplit("_", 1)[0]
    forged = bearer(f"{prefix}_{'A' * 43}").get(url(agreement))
    assert forged.status_code == 401 and forged["WWW-Authenticate"]
    for accept in ("text/html", ""):  # an empty Accept header is refused, as DRF refuses it
        assert provider.api.get(url(agreement), HTTP_ACCEPT=accept).status_code == 406
    unusual = bearer(f"{provider.token[:7]}\x00{provider.token[7:]}").get(url(agreement))
    assert unusual.status_code in (401, 500) and unusual["Content-Type"] == "application/json"
    assert provider.api.get(f"/api/v1/agreements/{agreement['id'][:-1]}x/status").status_code in (
        404,
    )
    head = provider.api.head(url(agreement))
    assert head.status_code == 200 and head["Cache-Control"] == "no-store"


def test_a_live_agreement_past_its_time_is_expired_first(agreement, provider):
    provider.api.get(url(agreement))
    DataUseAgreement.objects.filter(pk=agreement["id"]).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    assert provider.api.get(url(agreement)).json()["status"] == "expired"
    assert DataUseAgreement.objects.get(pk=agreement["id"]).status == "expired"


def test_the_consumers_token_checks_too(agreement, consumer, django_assert_num_queries):
    consumer.api.get(url(agreement))
    with django_assert_num_queries(1):
        assert consumer.api.get(url(agreement)).json()["status"] == "active"
    other = make_token(consumer.institution, scopes=("webhooks:write",))
    assert bearer(other).get(url(agreement)).status_code == 403
