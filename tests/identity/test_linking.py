"""Account discovery and linking at a provider (issue #20, part 2), through the API, against
a real test provider server: discover → link with the provider's code → a consent request
naming the linked account → grant → an artefact (and its ReBIT and ABDM profiles) carrying
the link reference → delink. And what goes wrong: a provider that is slow, answers garbage
or someone else's records, a wrong code, a request naming an account that is not linked."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from consent.keys import jwks
from consent.models import AccountLink
from identity.models import LinkSession, Notification, VerifiedIdentifier

from ..consent.conftest import citizen_client
from ..consent.test_profiles import validator
from ..factories import consent_request_payload, make_citizen
from ..providerserver import ProviderServer

MOBILE = "+919876543210"
EMAIL = "asha@example.in"
pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(settings, provider):
    """The provider's linking service, registered with Suchi through the API."""
    server = ProviderServer(
        {
            ("mobile", MOBILE): [
                {
                    "reference": "ACC-1",
                    "masked": "XXXXXX4321",
                    "type": "DEPOSIT",
                    "label": "Savings",
                },
                {"reference": "ACC-2", "masked": "XXXXXX8765", "type": "TERM_DEPOSIT"},
            ],
            ("email", EMAIL): [{"reference": "ACC-3", "masked": "XXXXXX1111", "type": "DEPOSIT"}],
        }
    )
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, server.host_port]
    server.jwks = jwks()
    response = provider.api.put(
        "/api/v1/linking-endpoint",
        {"url": server.url, "public_jwk": server.public_jwk},
        format="json",
    )
    assert response.status_code == 200, response.content
    yield server
    server.stop()


@pytest.fixture
def asha_verified(asha):
    now = timezone.now()
    VerifiedIdentifier.objects.create(citizen=asha, kind="mobile", value=MOBILE, verified_at=now)
    VerifiedIdentifier.objects.create(citizen=asha, kind="email", value=EMAIL, verified_at=now)
    return citizen_client("asha@suchi")


def _link(api, bank, provider, references=("ACC-1",), kinds=("mobile",)) -> list[dict]:
    found = api.post(
        "/api/v1/me/links/discover",
        {"provider": provider.institution.slug, "identifiers": list(kinds)},
        format="json",
    )
    assert found.status_code == 201, found.content
    session = found.json()["id"]
    chosen = api.post(
        f"/api/v1/me/links/discoveries/{session}/choose",
        {"accounts": list(references)},
        format="json",
    )
    assert chosen.status_code == 200, chosen.content
    assert chosen.json()["sent_to"] == "XXXXXX3210"
    code = bank.codes[next(reversed(bank.codes))]
    confirmed = api.post(
        f"/api/v1/me/links/discoveries/{session}/confirm", {"code": code}, format="json"
    )
    assert confirmed.status_code == 201, confirmed.content
    return confirmed.json()


def test_discover_link_request_grant_artefact_and_delink(
    bank, provider, consumer, asha_verified, records
):
    providers = asha_verified.get("/api/v1/me/links/providers").json()["results"]
    assert [p["id"] for p in providers] == [provider.institution.slug]

    found = asha_verified.post(
        "/api/v1/me/links/discover",
        {"provider": provider.institution.slug, "identifiers": ["mobile"]},
        format="json",
    )
    assert found.status_code == 201, found.content
    assert [a["masked"] for a in found.json()["accounts"]] == ["XXXXXX4321", "XXXXXX8765"]
    # Only the kind the citizen allowed went to the provider; every request was signed.
    action, sent = bank.received[-1]
    assert action == "discover"
    assert sent["customer"] == {
        "id": "asha@suchi",
        "identifiers": [{"type": "mobile", "value": MOBILE}],
    }
    assert bank.bad_signatures == 0

    [link] = _link(asha_verified, bank, provider)
    assert link["masked_reference"] == "XXXXXX4321"
    assert link["link_reference"] == bank.linked["ACC-1"]
    assert link["status"] == "active"
    listed = asha_verified.get("/api/v1/me/links").json()
    assert [x["id"] for x in listed["results"]] == [link["id"]]

    payload = consent_request_payload(
        "asha@suchi",
        [records],
        accounts=[
            {"provider": provider.institution.slug, "link_reference": link["link_reference"]}
        ],
        fi_types=["DEPOSIT"],
        consent_types=["PROFILE", "SUMMARY", "TRANSACTIONS"],
        data_filters=[{"type": "TRANSACTIONAMOUNT", "operator": ">=", "value": "5000"}],
    )
    created = consumer.api.post("/api/v1/consent-requests", payload, format="json")
    assert created.status_code == 201, created.content
    # The consumer sees what it named, not the provider's words about the account.
    assert created.json()["accounts"] == [
        {"provider": provider.institution.slug, "link_reference": link["link_reference"]}
    ]

    granted = asha_verified.post(
        f"/api/v1/me/consent-requests/{created.json()['id']}/grant", {}, format="json"
    )
    assert granted.status_code == 200, granted.content
    [artefact] = granted.json()
    assert artefact["claims"]["accounts"] == [
        {
            "link_reference": link["link_reference"],
            "masked_reference": "XXXXXX4321",
            "type": "DEPOSIT",
        }
    ]

    rebit = consumer.api.get(f"/api/v1/consent-artefacts/{artefact['id']}?profile=rebit").json()
    assert not list(validator("rebit").iter_errors(rebit["document"]))
    assert rebit["document"]["Accounts"][0]["linkRefNumber"] == link["link_reference"]
    assert rebit["document"]["Accounts"][0]["maskedAccNumber"] == "XXXXXX4321"
    assert rebit["document"]["consentTypes"] == ["PROFILE", "SUMMARY", "TRANSACTIONS"]
    assert rebit["document"]["DataFilter"] == [
        {"type": "TRANSACTIONAMOUNT", "operator": ">=", "value": "5000"}
    ]
    abdm = consumer.api.get(f"/api/v1/consent-artefacts/{artefact['id']}?profile=abdm").json()
    assert not list(validator("abdm").iter_errors(abdm["document"]))
    assert [
        c["careContextReference"] for c in abdm["document"]["consentDetail"]["careContexts"]
    ] == [link["link_reference"]]

    delinked = asha_verified.delete(f"/api/v1/me/links/{link['id']}")
    assert delinked.status_code == 200, delinked.content
    assert delinked.json()["status"] == "delinked"
    assert bank.delinked == [link["link_reference"]]
    again = consumer.api.post("/api/v1/consent-requests", payload, format="json")
    assert again.status_code == 400
    assert "accounts[0].link_reference" in again.json()["errors"]


def test_the_citizen_may_choose_linked_accounts_when_granting(
    bank, provider, consumer, asha_verified, records
):
    links = _link(asha_verified, bank, provider, references=("ACC-1", "ACC-2"))
    created = consumer.api.post(
        "/api/v1/consent-requests", consent_request_payload("asha@suchi", [records]), format="json"
    )
    assert created.json()["accounts"] == []
    url = f"/api/v1/me/consent-requests/{created.json()['id']}/grant"
    foreign = asha_verified.post(url, {"accounts": [str(records.pk)]}, format="json")
    assert foreign.status_code == 400
    assert "accounts[0]" in foreign.json()["errors"]
    granted = asha_verified.post(url, {"accounts": [links[1]["id"]]}, format="json")
    assert granted.status_code == 200, granted.content
    claims = granted.json()[0]["claims"]
    assert [a["masked_reference"] for a in claims["accounts"]] == ["XXXXXX8765"]
    rebit = consumer.api.get(
        f"/api/v1/consent-artefacts/{granted.json()[0]['id']}?profile=rebit"
    ).json()["document"]
    assert rebit["Accounts"][0]["fiType"] == "TERM_DEPOSIT"


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("slow", "did not answer"),
        ("garbage", "unreadable"),
        ("foreign", "do not match your identifiers"),
        ("other-txn", "another request"),
        ("malformed", "unreadable"),
        ("phishing", "unreadable"),
    ],
)
def test_a_provider_that_misbehaves_gets_a_clear_message_and_nothing_is_linked(
    settings, bank, provider, asha_verified, mode, words
):
    settings.SUCHI_WEBHOOK_TIMEOUT = 1
    bank.mode, bank.delay = mode, 3
    response = asha_verified.post(
        "/api/v1/me/links/discover", {"provider": provider.institution.slug}, format="json"
    )
    assert response.status_code == 502, response.content
    assert list(response.json()["errors"]) == ["provider"]
    assert words in response.json()["errors"]["provider"][0]
    # The failed discovery is kept (it counts against the hourly limit), offering nothing.
    (session,) = LinkSession.objects.all()
    assert session.offered == [] and session.done_at and words in session.error
    assert not AccountLink.objects.exists()


def test_a_wrong_code_from_the_provider_links_nothing(bank, provider, asha_verified):
    found = asha_verified.post(
        "/api/v1/me/links/discover", {"provider": provider.institution.slug}, format="json"
    ).json()
    assert sorted(a["reference"] for a in found["accounts"]) == ["ACC-1", "ACC-2", "ACC-3"]
    url = f"/api/v1/me/links/discoveries/{found['id']}"
    assert asha_verified.post(f"{url}/choose", {"accounts": ["ACC-9"]}, format="json").json()[
        "errors"
    ] == {"accounts[0]": ["Not one of the accounts offered."]}
    asha_verified.post(f"{url}/choose", {"accounts": ["ACC-1"]}, format="json")
    wrong = asha_verified.post(f"{url}/confirm", {"code": "000000x"}, format="json")
    assert wrong.status_code == 502
    assert "The code is wrong or has expired." in wrong.json()["detail"]
    assert not AccountLink.objects.exists()


def test_discovery_needs_a_verified_identifier_of_an_allowed_kind(bank, provider, asha):
    api = citizen_client("asha@suchi")
    for body, field in [
        ({"provider": provider.institution.slug}, "identifiers"),
        ({"provider": provider.institution.slug, "identifiers": ["aadhaar"]}, "identifiers"),
        ({"provider": "nobody"}, "provider"),
    ]:
        response = api.post("/api/v1/me/links/discover", body, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()["errors"]
    assert not bank.received


def test_another_citizen_cannot_use_a_discovery_or_delink_a_link(bank, provider, asha_verified):
    [link] = _link(asha_verified, bank, provider)
    make_citizen("ravi@suchi", "correct-horse-battery")
    ravi = citizen_client("ravi@suchi")
    session = LinkSession.objects.get()
    assert (
        ravi.post(
            f"/api/v1/me/links/discoveries/{session.pk}/confirm", {"code": "1"}, format="json"
        ).status_code
        == 404
    )
    assert ravi.delete(f"/api/v1/me/links/{link['id']}").status_code == 404
    assert ravi.get(f"/api/v1/me/links/{link['id']}").status_code == 404
    assert AccountLink.objects.get().status == "active"


def test_a_consent_request_with_unknown_words_names_the_field_and_the_allowed_values(
    consumer, asha, records
):
    for extra, field, allowed in [
        ({"fi_types": ["SAVINGS"]}, "fi_types[0]", "DEPOSIT"),
        ({"hi_types": ["XRay"]}, "hi_types[0]", "DiagnosticReport"),
        ({"consent_types": ["ALL"]}, "consent_types[0]", "TRANSACTIONS"),
        (
            {"data_filters": [{"type": "TRANSACTIONTYPE", "operator": ">", "value": "CREDIT"}]},
            "data_filters[0].value",
            "CREDIT",
        ),
        (
            {"data_filters": [{"type": "TRANSACTIONAMOUNT", "operator": ">", "value": "1e999"}]},
            "data_filters[0].value",
            "amount",
        ),
        (
            {"accounts": [{"provider": "ka-health", "link_reference": "LNK-nope"}]},
            "accounts[0].link_reference",
            "linked",
        ),
        (
            {"accounts": [{"provider": "suraksha", "link_reference": "LNK-nope"}]},
            "accounts[0].provider",
            "provider",
        ),
    ]:
        payload = consent_request_payload("asha@suchi", [records], **extra)
        response = consumer.api.post("/api/v1/consent-requests", payload, format="json")
        assert response.status_code == 400, (extra, response.content)
        assert field in response.json()["errors"], response.json()
        assert allowed in response.json()["errors"][field][0]


def test_registration_refuses_unsafe_urls_and_private_keys(provider, bank):
    for body, field in [
        ({"url": "http://169.254.169.254/latest", "public_jwk": bank.public_jwk}, "url"),
        ({"url": "file:///etc/passwd", "public_jwk": bank.public_jwk}, "url"),
        ({"url": bank.url, "public_jwk": {"kty": "RSA", "n": "x", "e": "AQAB"}}, "public_jwk"),
        (
            {"url": bank.url, "public_jwk": {**bank.public_jwk, "d": "c2VjcmV0"}},
            "public_jwk",
        ),
    ]:
        response = provider.api.put("/api/v1/linking-endpoint", body, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()["errors"]


def test_a_provider_ends_a_link_with_a_signed_notice(client, bank, provider, asha_verified):
    [link] = _link(asha_verified, bank, provider)
    url = "/api/v1/links/notices"
    headers = {"HTTP_X_SUCHI_PROVIDER": provider.institution.slug}
    body = bank.notice(link["link_reference"])
    forged = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_SUCHI_SIGNATURE=bank.sign(b"{}"),
        **headers,
    )
    assert forged.status_code == 401
    assert "signature" in forged.json()["errors"]
    stale = bank.notice(link["link_reference"], at=datetime.now(UTC) - timedelta(hours=1))
    old = client.post(
        url,
        stale,
        content_type="application/json",
        HTTP_X_SUCHI_SIGNATURE=bank.sign(stale),
        **headers,
    )
    assert old.status_code == 400
    assert "timestamp" in old.json()["errors"]
    assert AccountLink.objects.get().status == "active"
    good = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_SUCHI_SIGNATURE=bank.sign(body),
        **headers,
    )
    assert good.status_code == 200, good.content
    assert AccountLink.objects.get().status == "delinked"
    assert AccountLink.objects.get().delinked_by == f"provider: {provider.institution.slug}"
    # The citizen did not do this, so she is told: in her inbox and by e-mail (not SMS: no
    # gateway is configured in the tests).
    told = Notification.objects.filter(kind="link.ended").order_by("channel")
    assert [(n.channel, n.address) for n in told] == [("email", EMAIL), ("inbox", "")]
    assert "ended the link to your account XXXXXX4321" in told[0].body
    replay = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_SUCHI_SIGNATURE=bank.sign(body),
        **headers,
    )
    assert replay.status_code == 409
    assert "notice_id" in replay.json()["errors"]
    assert Notification.objects.filter(kind="link.ended").count() == 2


def test_codes_are_sent_and_tried_a_bounded_number_of_times(bank, provider, asha_verified):
    found = asha_verified.post(
        "/api/v1/me/links/discover", {"provider": provider.institution.slug}, format="json"
    ).json()
    url = f"/api/v1/me/links/discoveries/{found['id']}"
    for _ in range(3):
        sent = asha_verified.post(f"{url}/choose", {"accounts": ["ACC-1"]}, format="json")
        assert sent.status_code == 200, sent.content
    fourth = asha_verified.post(f"{url}/choose", {"accounts": ["ACC-1"]}, format="json")
    assert fourth.status_code == 429
    assert [a for a, _ in bank.received].count("link") == 3
    for _ in range(5):
        wrong = asha_verified.post(f"{url}/confirm", {"code": "000000x"}, format="json")
        assert wrong.status_code == 502
    sixth = asha_verified.post(
        f"{url}/confirm", {"code": next(reversed(bank.codes.values()))}, format="json"
    )
    assert sixth.status_code == 409
    assert [a for a, _ in bank.received].count("link/confirm") == 5
    assert not AccountLink.objects.exists()


def test_discoveries_are_limited_per_hour_failed_ones_too(settings, bank, provider, asha_verified):
    bank.mode = "garbage"
    for _ in range(20):
        response = asha_verified.post(
            "/api/v1/me/links/discover", {"provider": provider.institution.slug}, format="json"
        )
        assert response.status_code == 502
    limited = asha_verified.post(
        "/api/v1/me/links/discover", {"provider": provider.institution.slug}, format="json"
    )
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    assert len(bank.received) == 20


def test_a_provider_that_stopped_discovery_may_still_end_links(
    client, bank, provider, asha_verified
):
    [link] = _link(asha_verified, bank, provider)
    stopped = provider.api.delete("/api/v1/linking-endpoint")
    assert stopped.status_code == 200 and stopped.json()["is_active"] is False
    body = bank.notice(link["link_reference"])
    response = client.post(
        "/api/v1/links/notices",
        body,
        content_type="application/json",
        HTTP_X_SUCHI_PROVIDER=provider.institution.slug,
        HTTP_X_SUCHI_SIGNATURE=bank.sign(body),
    )
    assert response.status_code == 200, response.content
    assert AccountLink.objects.get().status == "delinked"
