"""Examples for the consent API in the OpenAPI document, taken from the demo data (hosts made
readable). drf-spectacular wraps the example of a list response in a list itself."""

from drf_spectacular.utils import OpenApiExample

from ..profiles import rebit_consent_detail

PURPOSES = [
    {
        "code": "BTG",
        "name": "Break the glass (emergency)",
        "description": "Emergency access to your health records when you cannot be asked, to "
        "protect your life or health.",
        "dpv": "https://w3id.org/dpv#VitalInterest",
        "source": "ABDM",
    },
    {
        "code": "CAREMGT",
        "name": "Care management",
        "description": "Treating you and coordinating your care between the doctors, hospitals and "
        "labs looking after you.",
        "dpv": "https://w3id.org/dpv#ServiceProvision",
        "source": "ABDM",
    },
    {
        "code": "CREDIT",
        "name": "Credit assessment",
        "description": "Deciding whether to give you a loan or credit, and on what terms.",
        "dpv": "https://w3id.org/dpv#CreditChecking",
        "source": "Suchi",
    },
]

REQUEST = {
    "id": "f485f749-72e8-4e76-b3ed-6a602f8775d3",
    "status": "pending",
    "consumer": {"id": "sahyadri-bank", "name": "Sahyadri Co-operative Bank"},
    "citizen": "ravi@suchi",
    "purpose": {
        "code": "EDUVER",
        "name": "Education verification",
        "text": "To confirm your degree for the education loan you applied for.",
        "dpv": "https://w3id.org/dpv#IdentityVerification",
    },
    "datasets": [
        {
            "id": "0dfc964f-9c6e-45a3-bca4-d396f01d06bf",
            "title": "Student academic transcripts",
            "provider": "deccan-university",
        }
    ],
    "access_mode": "view",
    "data_range": {"from": "2025-01-01", "to": "2026-11-28"},
    "fetch_type": "onetime",
    "frequency": None,
    "data_life": {"unit": "month", "value": 6},
    "expires_at": "2027-11-28T19:54:51.893680Z",
    "respond_by": "2026-12-28T19:54:51.893690Z",
    "notice": {
        "text": "Sahyadri Co-operative Bank asks to view records about you held by Deccan "
        "University, for this purpose: To confirm your degree for the education "
        "loan you applied for. You can refuse, and you can withdraw consent at "
        "any time in the Suchi portal.",
        "version": "2026-01",
        "language": "en",
        "sha256": "62c83690364b46810b08f37951e9a1e9ad97fd8a524fc5e156ddb97da1ea7f3d",
    },
    "accounts": [],
    "consent_types": [],
    "fi_types": [],
    "hi_types": [],
    "data_filters": [],
    "created_at": "2026-11-28T19:54:51.893690Z",
    "updated_at": "2026-11-28T19:54:51.893690Z",
}

ARTEFACT = {
    "id": "09c358f4-9b77-47ea-b247-4c61d67d9352",
    "request": "e75b9bd8-6e19-4709-9b59-79fa358e6945",
    "status": "active",
    "citizen": "asha@suchi",
    "consumer": {"id": "suraksha-insurance", "name": "Suraksha General Insurance"},
    "provider": {"id": "ka-health", "name": "Department of Health and Family Welfare, Karnataka"},
    "valid_from": "2026-11-28T19:54:51.940790Z",
    "valid_until": "2027-11-28T19:54:51.936946Z",
    "erasure": {"state": "none", "erase_by": "2028-05-28T19:54:51.936946Z", "confirmed_at": None},
    "updated_at": "2026-11-28T19:54:51.940790Z",
    "kid": "zhYfafg_7DjWjP0sNagKFt3QrtTbfDA9Ujcb8yhX_2U",
    "claims": {
        "schema": "suchi.consent-artefact/1",
        "id": "09c358f4-9b77-47ea-b247-4c61d67d9352",
        "request_id": "e75b9bd8-6e19-4709-9b59-79fa358e6945",
        "consent_manager": "https://suchi.example.in",
        "citizen": "asha@suchi",
        "consumer": {"id": "suraksha-insurance", "name": "Suraksha General Insurance"},
        "provider": {
            "id": "ka-health",
            "name": "Department of Health and Family Welfare, Karnataka",
        },
        "datasets": [
            {
                "id": "eca233ac-d513-4700-9749-c2a1087c3528",
                "uri": "https://suchi.example.in/datasets/eca233ac-d513-4700-9749-c2a1087c3528",
                "title": "Patient discharge summaries",
            }
        ],
        "purpose": {
            "code": "HPAYMT",
            "text": "To pay the hospital directly for your treatment under policy SUR-88120.",
            "dpv": "https://w3id.org/dpv#PaymentManagement",
        },
        "access_mode": "view",
        "data_range": {"from": "2025-01-01", "to": "2026-11-28"},
        "fetch_type": "onetime",
        "frequency": None,
        "data_life": {"unit": "month", "value": 6},
        "valid_from": "2026-11-28T19:54:51.940790Z",
        "valid_until": "2027-11-28T19:54:51.936946Z",
        "notice_sha256": "32f3677238db47f619778c710fddc35cdcd3679a5b3a7751cecd083e1eecc0cc",
        "iat": 1795895691,
    },
    "jws": "eyJhbGciOiJFZERTQSIsImtpZCI6InpoWWZhZmdfN0RqV2pQMHNOYWdLRnQzUXJ0VGJmREE5VWpjYjh5aFhfMlUiLCJ0eXAiOiJjb25zZW50LWFydGVmYWN0K2p3cyJ9.eyJhY2Nlc3NfbW9kZSI6InZpZXciLCJjaXRpemVuIjoiYXNoYUBzdWNoaSIsImNvbnNlbnRfbWFuYWdlciI6Imh0dHA6Ly8xMjcuMC4wLjE6ODAwMCIsImNvbnN1bWVyIjp7ImlkIjoic3VyYWtzaGEtaW5zdXJhbmNlIiwibmFtZSI6IlN1cmFrc2hhIEdlbmVyYWwgSW5zdXJhbmNlIn0sImRhdGFfbGlmZSI6eyJ1bml0IjoibW9udGgiLCJ2YWx1ZSI6Nn0sImRhdGFfcmFuZ2UiOnsiZnJvbSI6IjIwMjUtMDEtMDEiLCJ0byI6IjIwMjYtMTEtMjgifSwiZGF0YXNldHMiOlt7ImlkIjoiZWNhMjMzYWMtZDUxMy00NzAwLTk3NDktYzJhMTA4N2MzNTI4IiwidGl0bGUiOiJQYXRpZW50IGRpc2NoYXJnZSBzdW1tYXJpZXMiLCJ1cmkiOiJodHRwOi8vMTI3LjAuMC4xOjgwMDAvZGF0YXNldHMvZWNhMjMzYWMtZDUxMy00NzAwLTk3NDktYzJhMTA4N2MzNTI4In1dLCJmZXRjaF90eXBlIjoib25ldGltZSIsImZyZXF1ZW5jeSI6bnVsbCwiaWF0IjoxNzk1ODk1NjkxLCJpZCI6IjA5YzM1OGY0LTliNzctNDdlYS1iMjQ3LTRjNjFkNjdkOTM1MiIsIm5vdGljZV9zaGEyNTYiOiIzMmYzNjc3MjM4ZGI0N2Y2MTk3NzhjNzEwZmRkYzM1Y2RjZDM2NzlhNWIzYTc3NTFjZWNkMDgzZTFlZWNjMGNjIiwicHJvdmlkZXIiOnsiaWQiOiJrYS1oZWFsdGgiLCJuYW1lIjoiRGVwYXJ0bWVudCBvZiBIZWFsdGggYW5kIEZhbWlseSBXZWxmYXJlLCBLYXJuYXRha2EifSwicHVycG9zZSI6eyJjb2RlIjoiSFBBWU1UIiwiZHB2IjoiaHR0cHM6Ly93M2lkLm9yZy9kcHYjUGF5bWVudE1hbmFnZW1lbnQiLCJ0ZXh0IjoiVG8gcGF5IHRoZSBob3NwaXRhbCBkaXJlY3RseSBmb3IgeW91ciB0cmVhdG1lbnQgdW5kZXIgcG9saWN5IFNVUi04ODEyMC4ifSwicmVxdWVzdF9pZCI6ImU3NWI5YmQ4LTZlMTktNDcwOS05YjU5LTc5ZmEzNThlNjk0NSIsInNjaGVtYSI6InN1Y2hpLmNvbnNlbnQtYXJ0ZWZhY3QvMSIsInZhbGlkX2Zyb20iOiIyMDI2LTExLTI4VDE5OjU0OjUxLjk0MDc5MFoiLCJ2YWxpZF91bnRpbCI6IjIwMjctMTEtMjhUMTk6NTQ6NTEuOTM2OTQ2WiJ9.qDNUzdPHHJ9jBmEsMkrLV5AFisBqzM7FJdVJc1j3qJBXvlyJNeAvG0xrmn6If8GMhGbHonC-32oYbcEavKJMAg",  # noqa: E501
}

STATUS = {
    "id": "09c358f4-9b77-47ea-b247-4c61d67d9352",
    "status": "active",
    "valid_until": "2027-11-28T19:54:51.936946Z",
    "updated_at": "2026-11-28T19:54:51.940790Z",
}

RECEIPT = {
    "id": "63138535-9c7a-4845-9a84-4a7d224b7e86",
    "artefact": "09c358f4-9b77-47ea-b247-4c61d67d9352",
    "provider": "ka-health",
    "consumer": "suraksha-insurance",
    "data_range": {"from": "2025-01-01", "to": "2026-11-28"},
    "record_count": 2,
    "sha256": "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
    "served_at": "2026-11-28T19:54:51.955849Z",
    "created_at": "2026-11-28T19:54:51.962275Z",
}

CITIZEN = {"handle": "asha@suchi", "language": "en", "name": "Asha Kulkarni"}

EVENT = {
    "event_id": "55461f5a-73c1-43fe-a769-98b7d5d42672",
    "citizen": "asha@suchi",
    "seq": 1,
    "kind": "request.created",
    "request": "1cb5e7dc-46d3-418e-ab44-167b79c053fa",
    "artefact": None,
    "actor": "system: seed_demo",
    "data": {
        "consumer": "suraksha-insurance",
        "purpose": "INSCLM",
        "datasets": [
            "4acde6de-c3d6-46a4-91b5-8ca517bd0fd1",
            "eca233ac-d513-4700-9749-c2a1087c3528",
        ],
    },
    "created_at": "2026-11-28T19:54:51.877952Z",
    "prev_hash": "0000000000000000000000000000000000000000000000000000000000000000",
    "hash": "9dff59db08d27753901e6a94b4d3bf7865966483480855aaa1a2e62e6c7347e4",
}
REQUEST_ID = REQUEST["id"]
ARTEFACT_ID = ARTEFACT["id"]

# `?profile=rebit`: the same consent as a ReBIT AA ConsentDetail (signature shortened).
ARTEFACT_REBIT = {
    "profile": "rebit",
    "document": rebit_consent_detail(ARTEFACT["claims"], []),
    "signature": "eyJhbGciOiJFZERTQSIsImtpZCI6InpoWWZhZmdfN0RqV2pQMHNOYWdLRnQzUXJ0VGJmREE5VWpjYj"
    "h5aFhfMlUiLCJ0eXAiOiJyZWJpdC1jb25zZW50K2p3cyJ9.eyJBY2NvdW50cyI6W3…fQ.qDNUzdPHHJ9jBmEs…",
}

REQUEST_INPUT = {
    "citizen": "asha@suchi",
    "purpose": {"code": "INSCLM", "text": "To settle your claim CLM-2291 for the hospital stay."},
    "datasets": [d["id"] for d in REQUEST["datasets"]],
    "access_mode": "view",
    "data_range": {"from": "2026-03-01", "to": "2026-03-31"},
    "fetch_type": "onetime",
    "frequency": None,
    "data_life": {"unit": "month", "value": 6},
    "expires_at": "2027-03-31T23:59:59Z",
    "notice": {
        "text": "Suraksha Insurance will read your discharge summary for March 2026 to settle "
        "claim CLM-2291 and keep it for six months.",
        "version": "2026-01",
        "language": "en",
    },
}
RECEIPT_INPUT = {
    "data_range": RECEIPT["data_range"],
    "record_count": RECEIPT["record_count"],
    "sha256": RECEIPT["sha256"],
    "served_at": RECEIPT["served_at"],
}
TOKEN = {
    "access_token": "cit_eyJ1IjoyLCJwIjoiM2Y0YjFjIn0:1vH2kQ:Xc3q8mB0yQ2h1Zq0aTj9mN1kQxw",
    "token_type": "Bearer",
    "expires_in": 900,
}
WEBHOOK_ENDPOINT = {
    "id": "0f6c2b8e-3a41-4d7e-9b2c-5e8f1a7d3c90",
    "url": "https://api.suraksha.example.in/suchi/events",
    "events": [],
    "description": "Claims system",
    "is_active": True,
    "created_at": "2026-11-28T10:00:00Z",
}
DELIVERY = {
    "id": "7d1e9c44-2b6a-4f0e-8c3d-1a5b9e7f2c61",
    "endpoint": WEBHOOK_ENDPOINT["id"],
    "event_id": EVENT["event_id"],
    "event_type": "artefact.revoked",
    "status": "delivered",
    "attempts": 1,
    "next_attempt_at": "2026-11-28T10:05:00Z",
    "last_attempt_at": "2026-11-28T10:05:00.412000Z",
    "last_status_code": 200,
    "last_error": "",
    "created_at": "2026-11-28T10:05:00Z",
    "delivered_at": "2026-11-28T10:05:00.412000Z",
}


def page(*items) -> dict:
    return {"count": len(items), "next": None, "previous": None, "results": list(items)}


def ok(name: str, value, status: str = "200") -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[status])


def body(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


EXAMPLES = {
    "purposes_list": [ok("Purposes", PURPOSES[0])],
    "consent_requests_create": [
        body("An insurance claim", REQUEST_INPUT),
        body(
            "A linked bank account, in Account Aggregator words",
            {
                **REQUEST_INPUT,
                "accounts": [{"provider": "sahyadri-bank", "link_reference": "LNK-4f1c2a"}],
                "consent_types": ["SUMMARY", "TRANSACTIONS"],
                "fi_types": ["DEPOSIT"],
                "data_filters": [{"type": "TRANSACTIONAMOUNT", "operator": ">=", "value": "5000"}],
            },
        ),
        ok("Created, pending", REQUEST, "201"),
    ],
    "consent_requests_list": [ok("One pending request", page(REQUEST))],
    "consent_requests_retrieve": [ok("A pending request", REQUEST)],
    "consent_requests_cancel": [ok("Cancelled", {**REQUEST, "status": "cancelled"})],
    "consent_artefacts_list": [ok("The artefact of a granted request", page(ARTEFACT))],
    "consent_artefacts_retrieve": [
        ok("An active artefact", ARTEFACT),
        ok("As a ReBIT AA ConsentDetail (?profile=rebit)", ARTEFACT_REBIT),
    ],
    "consent_artefacts_status": [
        ok("Active", STATUS),
        ok("Revoked", {**STATUS, "status": "revoked"}),
    ],
    "consent_artefacts_receipts_create": [
        body("A release", RECEIPT_INPUT),
        ok("Recorded", RECEIPT, "201"),
    ],
    "consent_artefacts_receipts_list": [ok("One release", page(RECEIPT))],
    "webhooks_list": [ok("One endpoint", WEBHOOK_ENDPOINT)],
    "webhooks_create": [
        body("All events", {"url": WEBHOOK_ENDPOINT["url"], "events": []}),
        ok("Registered", WEBHOOK_ENDPOINT, "201"),
    ],
    "webhooks_disable": [ok("Disabled", {**WEBHOOK_ENDPOINT, "is_active": False})],
    "webhook_deliveries_list": [ok("One delivery", page(DELIVERY))],
    "auth_token": [
        body("Sign in", {"handle": "asha@suchi", "password": "asha-demo-2026"}),
        ok("A token", TOKEN),
    ],
    "me_retrieve": [ok("Asha", CITIZEN)],
    "me_consent_requests_list": [ok("One pending request", page(REQUEST))],
    "me_consent_requests_retrieve": [ok("A pending request", REQUEST)],
    "me_consent_requests_grant": [
        body("Grant as asked", {}),
        body(
            "Grant for one dataset, for a shorter time",
            {"datasets": [REQUEST["datasets"][0]["id"]], "expires_at": "2026-12-31T23:59:59Z"},
        ),
        ok("One artefact per provider", ARTEFACT),
    ],
    "me_consent_requests_withdraw": [ok("Revoked", {**ARTEFACT, "status": "revoked"})],
    "me_consent_requests_deny": [ok("Denied", {**REQUEST, "status": "denied"})],
    "me_consent_artefacts_list": [ok("One active consent", page(ARTEFACT))],
    "me_consent_artefacts_retrieve": [
        ok("An active consent", ARTEFACT),
        ok("As a ReBIT AA ConsentDetail (?profile=rebit)", ARTEFACT_REBIT),
    ],
    "me_consent_artefacts_pause": [ok("Paused", {**ARTEFACT, "status": "paused"})],
    "me_consent_artefacts_resume": [ok("Active again", ARTEFACT)],
    "me_consent_artefacts_revoke": [ok("Revoked", {**ARTEFACT, "status": "revoked"})],
    "me_access_log": [ok("One release", page(RECEIPT))],
    "me_export": [
        ok(
            "An export",
            {
                "format": "suchi.consent-export/1",
                "exported_at": "2026-11-28T10:00:00Z",
                "citizen": CITIZEN,
                "consent_requests": [REQUEST],
                "consent_artefacts": [ARTEFACT],
                "access_receipts": [RECEIPT],
                "ledger": {
                    "hash": "sha256(prev_hash ‖ RFC 8785 JSON of the event)",
                    "head": EVENT["hash"],
                    "checkpoint": "eyJhbGciOiJFZERTQSIsImtpZCI6IjNxYy4uLiIsInR5cCI6InN1Y2hpLWxlZGdl"
                    "ci1jaGVja3BvaW50K2p3cyJ9.eyJzY2hlbWEiOiJzdWNoaS5sZWRnZXItaGVhZC8xIn0.c2lnbmF0dXJl",
                    "events": [EVENT],
                },
            },
        )
    ],
}
