"""Citizens decide: grant, deny, pause, resume, revoke; see their access log; export it all."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consent.ledger import ledger_verify
from consent.models import ConsentArtefact, ConsentEvent

from ..factories import consent_request_payload
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_citizen_token_is_issued_for_the_right_password_only(asha, client_anon):
    ok = client_anon.post(
        "/api/v1/auth/token", {"handle": "asha@suchi", "password": PASSWORD}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["token_type"] == "Bearer"
    assert ok.json()["expires_in"] == 900
    wrong = client_anon.post(
        "/api/v1/auth/token", {"handle": "asha@suchi", "password": "nope"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {"password": ["Unknown handle or wrong password."]}


def test_password_attempts_are_throttled(asha, client_anon, settings):
    settings.SUCHI_AUTH_RATE = "5/minute"
    from django.core.cache import cache

    cache.clear()
    codes = [
        client_anon.post(
            "/api/v1/auth/token", {"handle": "asha@suchi", "password": "guess"}, format="json"
        ).status_code
        for _ in range(7)
    ]
    assert codes[:5] == [400] * 5
    assert codes[5:] == [429, 429]


def test_citizen_token_dies_with_a_password_change(asha, asha_api):
    assert asha_api.get("/api/v1/me").status_code == 200
    asha.user.set_password("a-new-long-password")
    asha.user.save()
    assert asha_api.get("/api/v1/me").status_code == 401


def test_institution_token_is_not_a_citizen(consumer):
    assert consumer.api.get("/api/v1/me/consent-requests").status_code in {401, 403}


def test_portal_session_works_and_needs_csrf_for_writes(asha, pending):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="asha@suchi", password=PASSWORD)
    assert client.get("/api/v1/me/consent-requests").json()["count"] == 1
    response = client.post(f"/api/v1/me/consent-requests/{pending['id']}/deny")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_grant_issues_one_signed_artefact_and_records_the_ledger(pending, asha_api, asha):
    response = asha_api.post(
        f"/api/v1/me/consent-requests/{pending['id']}/grant", {}, format="json"
    )
    assert response.status_code == 200, response.content
    (artefact,) = response.json()
    assert artefact["status"] == "active"
    assert artefact["provider"]["id"] == "ka-health"
    assert artefact["jws"].count(".") == 2
    assert artefact["claims"]["citizen"] == "asha@suchi"
    assert asha_api.get(f"/api/v1/me/consent-requests/{pending['id']}").json()["status"] == (
        "granted"
    )
    kinds = list(ConsentEvent.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["request.created", "request.granted", "artefact.issued"]
    assert ledger_verify()[2] is None


def test_granting_twice_is_a_conflict(pending, asha_api, granted):
    again = asha_api.post(f"/api/v1/me/consent-requests/{pending['id']}/grant", {}, format="json")
    assert again.status_code == 409
    assert "already granted" in again.json()["detail"]
    assert ConsentArtefact.objects.count() == 1


def test_grant_across_two_providers_issues_two_artefacts(
    consumer, asha, records, records_b, asha_api
):
    created = consumer.api.post(
        "/api/v1/consent-requests",
        consent_request_payload("asha@suchi", [records, records_b]),
        format="json",
    ).json()
    artefacts = asha_api.post(
        f"/api/v1/me/consent-requests/{created['id']}/grant", {}, format="json"
    ).json()
    assert sorted(a["provider"]["id"] for a in artefacts) == ["ka-health", "sahyadri"]
    for artefact in artefacts:
        assert [d["id"] for d in artefact["claims"]["datasets"]] == [
            str(records.pk if artefact["provider"]["id"] == "ka-health" else records_b.pk)
        ]


def test_citizen_may_narrow_datasets_and_shorten_expiry(
    consumer, asha, records, records_b, asha_api
):
    created = consumer.api.post(
        "/api/v1/consent-requests",
        consent_request_payload("asha@suchi", [records, records_b]),
        format="json",
    ).json()
    until = timezone.now() + timedelta(days=7)
    artefacts = asha_api.post(
        f"/api/v1/me/consent-requests/{created['id']}/grant",
        {"datasets": [str(records_b.pk)], "expires_at": until.isoformat()},
        format="json",
    ).json()
    assert [a["provider"]["id"] for a in artefacts] == ["sahyadri"]
    assert abs(
        timezone.datetime.fromisoformat(artefacts[0]["valid_until"].replace("Z", "+00:00")) - until
    ) < timedelta(seconds=1)


def test_grant_cannot_extend_expiry_or_add_datasets(pending, asha_api, provider):
    from ..factories import publish_consent_dataset

    url = f"/api/v1/me/consent-requests/{pending['id']}/grant"
    later = (timezone.now() + timedelta(days=400)).isoformat()
    longer = asha_api.post(url, {"expires_at": later}, format="json")
    assert longer.status_code == 400
    assert "expires_at" in longer.json()["errors"]
    # Said with a date a person reads, in the person's language (a raw instant, in English,
    # on the Hindi portal: a new user's trial).
    said = longer.json()["errors"]["expires_at"][0]
    assert "T" not in said.split("beyond ")[1] and "Z." not in said, said
    from django.utils import translation

    from consent.models import CitizenProfile
    from consent.services import consent_grant
    from core.errors import ServiceError

    citizen = CitizenProfile.objects.get(handle="asha@suchi")
    with translation.override("hi"), pytest.raises(ServiceError) as refused:  # the portal's
        consent_grant(
            citizen=citizen,
            request_id=pending["id"],
            expires_at=timezone.now() + timedelta(days=400),
            actor="test",
        )
    assert "से आगे नहीं बढ़ा सकते" in refused.value.message
    extra = publish_consent_dataset(provider.institution)
    added = asha_api.post(url, {"datasets": [str(extra.pk)]}, format="json")
    assert added.status_code == 400
    assert "datasets[0]" in added.json()["errors"]
    none = asha_api.post(url, {"datasets": []}, format="json")
    assert none.status_code == 400
    assert ConsentArtefact.objects.count() == 0


def test_deny_then_grant_is_a_conflict(pending, asha_api):
    url = f"/api/v1/me/consent-requests/{pending['id']}"
    assert asha_api.post(f"{url}/deny").json()["status"] == "denied"
    assert asha_api.post(f"{url}/grant", {}, format="json").status_code == 409


def test_pause_resume_revoke_and_terminal_states_stay(granted, asha_api):
    url = f"/api/v1/me/consent-artefacts/{granted['id']}"
    assert asha_api.post(f"{url}/pause").json()["status"] == "paused"
    assert asha_api.post(f"{url}/pause").status_code == 409
    assert asha_api.post(f"{url}/resume").json()["status"] == "active"
    assert asha_api.post(f"{url}/revoke").json()["status"] == "revoked"
    resumed = asha_api.post(f"{url}/resume")
    assert resumed.status_code == 409
    assert "revoked" in resumed.json()["detail"]
    assert asha_api.post(f"{url}/pause").status_code == 409
    assert asha_api.get(url).json()["status"] == "revoked"


def test_withdrawal_takes_no_more_calls_than_granting(pending, asha_api):
    # DPDP s.6(4): one call grants, one call withdraws.
    (artefact,) = asha_api.post(
        f"/api/v1/me/consent-requests/{pending['id']}/grant", {}, format="json"
    ).json()
    revoked = asha_api.post(f"/api/v1/me/consent-artefacts/{artefact['id']}/revoke")
    assert revoked.json()["status"] == "revoked"


def test_citizen_cannot_touch_another_citizens_request_or_artefact(pending, granted, ravi_api):
    assert ravi_api.get(f"/api/v1/me/consent-requests/{pending['id']}").status_code == 404
    assert ravi_api.post(f"/api/v1/me/consent-requests/{pending['id']}/deny").status_code == 404
    for action in ("pause", "resume", "revoke"):
        response = ravi_api.post(f"/api/v1/me/consent-artefacts/{granted['id']}/{action}")
        assert response.status_code == 404
    assert ravi_api.get(f"/api/v1/me/consent-artefacts/{granted['id']}").status_code == 404
    assert ravi_api.get("/api/v1/me/consent-artefacts").json()["count"] == 0
    assert ConsentArtefact.objects.get().status == "active"


def test_export_holds_everything_and_its_chain_verifies(granted, asha_api, provider):
    provider.api.post(
        f"/api/v1/consent-artefacts/{granted['id']}/receipts",
        {
            "data_range": {"from": "2026-03-01", "to": "2026-03-31"},
            "record_count": 2,
            "sha256": "a" * 64,
            "served_at": timezone.now().isoformat(),
        },
        format="json",
    )
    response = asha_api.get("/api/v1/me/export")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    export = json.loads(response.content)
    assert len(export["consent_requests"]) == 1
    assert export["consent_artefacts"][0]["jws"] == granted["jws"]
    assert export["access_receipts"][0]["record_count"] == 2
    events = export["ledger"]["events"]
    assert [e["kind"] for e in events][-1] == "receipt.recorded"
    # The citizen can verify the chain from the export alone, without Suchi's code.
    import hashlib

    import rfc8785

    prev = "0" * 64
    for event in events:
        body = {k: v for k, v in event.items() if k not in {"prev_hash", "hash"}}
        body["created_at"] = body["created_at"].replace("+00:00", "Z")
        digest = hashlib.sha256(prev.encode() + rfc8785.dumps(body)).hexdigest()
        assert event["prev_hash"] == prev
        assert event["hash"] == digest
        prev = digest
    assert export["ledger"]["head"] == prev


def test_access_log_lists_receipts(granted, asha_api, provider):
    provider.api.post(
        f"/api/v1/consent-artefacts/{granted['id']}/receipts",
        {
            "data_range": {"from": "2026-03-05", "to": "2026-03-06"},
            "record_count": 1,
            "sha256": "b" * 64,
            "served_at": timezone.now().isoformat(),
        },
        format="json",
    )
    log = asha_api.get("/api/v1/me/access-log").json()
    assert log["count"] == 1
    assert log["results"][0]["provider"] == "ka-health"
    assert log["results"][0]["consumer"] == "suraksha"


def test_withdrawing_a_grant_revokes_every_consent_it_issued_in_one_call(
    consumer, asha, records, records_b, asha_api, ravi_api
):
    created = consumer.api.post(
        "/api/v1/consent-requests",
        consent_request_payload("asha@suchi", [records, records_b]),
        format="json",
    ).json()
    url = f"/api/v1/me/consent-requests/{created['id']}"
    assert len(asha_api.post(f"{url}/grant", {}, format="json").json()) == 2
    assert ravi_api.post(f"{url}/withdraw").status_code == 404
    revoked = asha_api.post(f"{url}/withdraw").json()
    assert sorted(a["status"] for a in revoked) == ["revoked", "revoked"]
    assert asha_api.post(f"{url}/withdraw").json() == []  # nothing left to revoke
    assert ledger_verify()[2] is None


def test_the_wrong_kind_of_token_is_told_what_it_is(consumer, asha_api):
    wrong_way = consumer.api.get("/api/v1/me/consent-requests")
    assert wrong_way.status_code == 401
    assert "institution token cannot act for a citizen" in wrong_way.json()["detail"]
    other_way = asha_api.post("/api/v1/datasets", {}, format="json")
    assert other_way.status_code == 401
    assert "institution API token" in other_way.json()["detail"]


def test_passwords_and_citizen_tokens_never_reach_the_logs(asha, client_anon, capfd, caplog):
    import logging

    with caplog.at_level(logging.DEBUG):
        issued = client_anon.post(
            "/api/v1/auth/token", {"handle": "asha@suchi", "password": PASSWORD}, format="json"
        ).json()["access_token"]
        client_anon.post(
            "/api/v1/auth/token",
            {"handle": "asha@suchi", "password": "wrong-Secret-42"},
            format="json",
        )
        client_anon.credentials(HTTP_AUTHORIZATION=f"Bearer {issued}")
        client_anon.get("/api/v1/me")
        client_anon.credentials(HTTP_AUTHORIZATION=f"Bearer {issued}x")
        client_anon.get("/api/v1/me")
        client_anon.credentials()
        client_anon.post("/portal/login", {"username": "asha@suchi", "password": "wrong-Secret-42"})
    captured = capfd.readouterr()
    everything = captured.out + captured.err + caplog.text
    for secret in (PASSWORD, "wrong-Secret-42", issued.removeprefix("cit_")):
        assert secret not in everything
