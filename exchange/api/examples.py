"""Examples for the exchange API in the OpenAPI document, taken from the demo data (hosts made
readable, the artefact's claims shortened). drf-spectacular wraps the example of a list response
in a list itself."""

from drf_spectacular.utils import OpenApiExample

SITE = "https://suchi.example.in"
REQUEST_ID = "32d15794-8d8a-46b4-8b47-8a5f0b50ab6b"
AGREEMENT_ID = "c81a18f2-44f0-41bb-8765-c592cc41ea29"
DATASET_ID = "4d58708b-16ae-475e-a387-32658679dbe5"

CONSUMER = {"id": "deccan-university", "name": "Deccan University"}
PROVIDER = {"id": "ka-health", "name": "Department of Health and Family Welfare, Karnataka"}
DATASET = {
    "id": DATASET_ID,
    "title": "Drug stock levels at public health facilities",
    "uri": f"{SITE}/datasets/{DATASET_ID}",
}
PURPOSE = {"code": "research", "name": "Research", "dpv": "https://w3id.org/dpv#AcademicResearch"}
DESCRIPTION = (
    "Studying stock-outs of essential medicines across Karnataka's districts, for a paper on "
    "supply-chain resilience."
)
RESPONSIBLE = {"name": "Dr Lakshmi Narayan", "email": "lakshmi@deccan-university.example"}
MESSAGE = {
    "institution": "ka-health",
    "author": "token Data office (3a2949a997a8)",
    "text": "Which districts do you need?",
    "created_at": "2026-12-06T04:51:22.649779Z",
}

REQUEST = {
    "id": REQUEST_ID,
    "status": "requested",
    "consumer": CONSUMER,
    "provider": PROVIDER,
    "datasets": [DATASET],
    "purpose": PURPOSE,
    "description": DESCRIPTION,
    "duration_days": 180,
    "data_range": {"from": "2024-04-01", "to": "2026-03-31"},
    "responsible": RESPONSIBLE,
    "ai_training": None,
    "reason": "",
    "messages": [],
    "agreement": None,
    "created_at": "2026-12-06T04:51:22.608461Z",
    "updated_at": "2026-12-06T04:51:22.608461Z",
}

TERMS = {
    "permitted_uses": ["Scientific or academic research, published in the open."],
    "prohibited_uses": ["Re-identifying any person in the data, or trying to."],
    "output_obligations": [],
    "onward_transfer": False,
    "retention_days": 30,
    "attribution": "Department of Health, Karnataka",
}
VALID_FROM = "2026-12-06T04:51:22.668791Z"
VALID_UNTIL = "2027-06-04T04:51:22.668791Z"
DELETE_BY = "2027-07-04T04:51:22.668791Z"
KID = "glJ4LzkW5enGHPG573wkR0PV3rTZ3jL_boqgE07Ziyk"

AGREEMENT = {
    "id": AGREEMENT_ID,
    "request": REQUEST_ID,
    "status": "active",
    "consumer": CONSUMER,
    "provider": PROVIDER,
    "datasets": [DATASET],
    "purpose": PURPOSE,
    "basis": "",
    "terms": TERMS,
    "valid_from": VALID_FROM,
    "valid_until": VALID_UNTIL,
    "delete_by": "2027-07-04T04:51:22.668791+00:00",
    "updated_at": VALID_FROM,
    "kid": KID,
    "claims": {
        "schema": "suchi.data-use-agreement/1",
        "id": AGREEMENT_ID,
        "request_id": REQUEST_ID,
        "issuer": SITE,
        "provider": PROVIDER,
        "consumer": CONSUMER,
        "responsible": RESPONSIBLE,
        "datasets": [{**DATASET, "source_urls": ["https://data.karnataka.example/stock.csv"]}],
        "purpose": {"code": "research", "dpv": PURPOSE["dpv"], "text": DESCRIPTION},
        "ai_training": None,
        "data_range": {"from": "2024-04-01", "to": "2026-03-31"},
        "valid_from": VALID_FROM,
        "valid_until": VALID_UNTIL,
        "delete_by": DELETE_BY,
        "basis": None,
        "terms": {
            **TERMS,
            "text": "Purpose: Research. Valid until 2027-06-04T04:51:22.668791Z.\n"
            "Permitted: Scientific or academic research, published in the open.\n"
            "Prohibited: Re-identifying any person in the data, or trying to.\n"
            "Prohibited: passing the data, or copies of it, to anyone else.\n"
            "Delete every copy by 2027-07-04T04:51:22.668791Z.",
        },
        "policy": {
            "type": "Agreement",
            "uid": f"{SITE}/agreements/{AGREEMENT_ID}",
            "profile": "https://w3id.org/suchi/exchange",
            "assigner": f"{SITE}/institutions/ka-health",
            "assignee": f"{SITE}/institutions/deccan-university",
            "permission": [{"target": DATASET["uri"], "action": "use"}],
            "prohibition": [
                {"target": DATASET["uri"], "action": "suchi:reidentify"},
                {"target": DATASET["uri"], "action": "distribute"},
            ],
        },
        "iat": 1796532682,
    },
    "artefact": "eyJhbGciOiJFZERTQSIsImtpZCI6ImdsSjRMemtXNWVuR0hQRzU3M3drUjBQVjNyVFozakxfYm9x"
    "Z0UwN1ppeWsiLCJ0eXAiOiJkYXRhLXVzZS1hZ3JlZW1lbnQrandzIn0.eyJzY2hlbWEiOiJzdWNoaS5kYXRhLXVz"
    "ZS1hZ3JlZW1lbnQvMSJ9.nOX767-AMACypa-pitaA1g8SbLFy-JBiX1KbYHi0xLcDsFM78uPBG_iPe07cUsu6n3iP"
    "homE9KctQd_XesqoCA",
    "links": {
        "status": f"{SITE}/api/v1/agreements/{AGREEMENT_ID}/status",
        "receipts": f"{SITE}/api/v1/agreements/{AGREEMENT_ID}/receipts",
        "jwks": f"{SITE}/.well-known/jwks.json",
    },
}
APPROVED = {
    **REQUEST,
    "status": "approved",
    "messages": [MESSAGE],
    "agreement": AGREEMENT,
    "updated_at": VALID_FROM,
}

STATUS = {
    "id": AGREEMENT_ID,
    "status": "active",
    "valid_until": VALID_UNTIL,
    "updated_at": VALID_FROM,
}

RECEIPT = {
    "id": "d2905fd7-ad7d-473b-a73b-746f75d53f05",
    "agreement": AGREEMENT_ID,
    "outcome": "released",
    "agreement_status": "active",
    "dataset": DATASET_ID,
    "record_count": 120,
    "sha256": "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
    "note": "Monthly extract, April 2024 to March 2026.",
    "served_at": "2026-12-07T09:30:00Z",
    "created_at": "2026-12-07T09:30:01.701693Z",
}

REGISTER_ENTRY = {
    "id": AGREEMENT_ID,
    "consumer": CONSUMER,
    "provider": PROVIDER,
    "datasets": [DATASET],
    "purpose": PURPOSE,
    "status": "active",
    "valid_from": VALID_FROM,
    "valid_until": VALID_UNTIL,
}
REGISTER_CSV = (
    "id,consumer,consumer_name,provider,provider_name,datasets,purpose,status,valid_from,"
    "valid_until\r\n"
    f"{AGREEMENT_ID},deccan-university,Deccan University,ka-health,"
    '"Department of Health and Family Welfare, Karnataka",'
    f"{DATASET_ID},research,active,2026-12-06T04:51:22.668791+00:00,"
    "2027-06-04T04:51:22.668791+00:00\r\n"
)

POLICY = {"max_duration_days": 365, "terms_template": {"retention_days": 30}}

REQUEST_INPUT = {
    "datasets": [DATASET_ID],
    "purpose": "research",
    "description": DESCRIPTION,
    "duration_days": 180,
    "data_range": {"from": "2024-04-01", "to": "2026-03-31"},
    "responsible": RESPONSIBLE,
}
AI_TRAINING_INPUT = {
    "datasets": [DATASET_ID],
    "purpose": "ai-training",
    "description": "Training a model that flags unusual stock-outs by district.",
    "duration_days": 90,
    "model_name": "stockout-forecast-v1",
    "outputs_released": False,
}
RELEASE_INPUT = {
    "served_at": RECEIPT["served_at"],
    "dataset": DATASET_ID,
    "record_count": RECEIPT["record_count"],
    "sha256": RECEIPT["sha256"],
    "note": RECEIPT["note"],
}


def page(*items) -> dict:
    return {"count": len(items), "next": None, "previous": None, "results": list(items)}


def ok(name: str, value, status: str = "200", media_type: str = "application/json"):
    return OpenApiExample(
        name, value=value, response_only=True, status_codes=[status], media_type=media_type
    )


def body(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


def _transition(status: str) -> dict:
    return {**AGREEMENT, "status": status, "updated_at": "2026-12-08T11:00:00Z"}


EXAMPLES = {
    "access_requests_create": [
        body("Research", REQUEST_INPUT),
        body("Training an AI model", AI_TRAINING_INPUT),
        ok("Requested", REQUEST, "201"),
    ],
    "access_requests_list": [ok("One open request", page(REQUEST))],
    "access_requests_retrieve": [
        ok("A request with a question", {**REQUEST, "messages": [MESSAGE]})
    ],
    "access_requests_messages_create": [
        body("A question", {"text": MESSAGE["text"]}),
        ok("The thread", {**REQUEST, "messages": [MESSAGE]}, "201"),
    ],
    "access_requests_withdraw": [ok("Withdrawn", {**REQUEST, "status": "withdrawn"})],
    "access_requests_approve": [
        body("The provider's template", {}),
        body(
            "Shorter retention, de-identified",
            {
                "terms": {"retention_days": 30, "attribution": TERMS["attribution"]},
                "basis": {
                    "kind": "deidentified",
                    "statement": "Facility-level counts only; no patient appears.",
                },
            },
        ),
        ok("Approved, with its agreement", APPROVED),
    ],
    "access_requests_reject": [
        body("A reason", {"reason": "District-level figures are published; use those."}),
        ok(
            "Rejected",
            {
                **REQUEST,
                "status": "rejected",
                "reason": "District-level figures are published; use those.",
            },
        ),
    ],
    "agreements_list": [ok("One active agreement", page(AGREEMENT))],
    "agreements_retrieve": [ok("An active agreement", AGREEMENT)],
    "agreements_status": [
        ok("Active", STATUS),
        ok("Suspended", {**STATUS, "status": "suspended"}),
    ],
    "agreements_suspend": [
        body("During an audit", {"reason": "Audit of the consumer's storage."}),
        ok("Suspended", _transition("suspended")),
    ],
    "agreements_resume": [
        body("Audit passed", {"reason": "The audit found nothing amiss."}),
        ok("Active again", _transition("active")),
    ],
    "agreements_revoke": [
        body("A breach", {"reason": "The data was shared with a third party."}),
        ok("Revoked", _transition("revoked")),
    ],
    "agreements_receipts_create": [
        body("A release", RELEASE_INPUT),
        ok("Recorded", RECEIPT, "201"),
    ],
    "agreements_receipts_list": [ok("One release", page(RECEIPT))],
    "agreements_register": [ok("One agreement", page(REGISTER_ENTRY))],
    "agreements_register_csv": [ok("One agreement", REGISTER_CSV, media_type="text/csv")],
    "exchange_policy_retrieve": [ok("A year at most", POLICY)],
    "exchange_policy_update": [
        body("A year, 30 days' retention", POLICY),
        ok("Saved", POLICY),
    ],
}
