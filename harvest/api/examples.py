"""Examples for the harvest API in the OpenAPI document."""

from drf_spectacular.utils import OpenApiExample

from registry.api.examples import page, response

SOURCE = {
    "id": "6b0f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
    "institution": "national",
    "name": "Karnataka state registry",
    "kind": "suchi",
    "url": "https://data.karnataka.example.in",
    "frequency": "daily",
    "withdraw_grace_hours": 24,
    "is_active": True,
    "next_run_at": "2026-11-29T02:00:00Z",
    "created_at": "2026-11-28T10:00:00Z",
}
JOB = {
    "id": 41,
    "source": SOURCE["id"],
    "status": "finished",
    "trigger": "schedule",
    "stage": "",
    "created_at": "2026-11-28T02:00:00Z",
    "started_at": "2026-11-28T02:00:01Z",
    "finished_at": "2026-11-28T02:00:09Z",
    "heartbeat_at": "2026-11-28T02:00:09Z",
    "abort_requested": False,
    "pages": 11,
    "counts": {
        "gathered": 1093,
        "added": 2,
        "updated": 5,
        "unchanged": 1085,
        "withdrawn": 1,
        "failed": 1,
    },
    "error": "",
    "errors": ["TSA-3c1: description: This field may not be blank."],
}
QUEUED = {
    **JOB,
    "status": "new",
    "trigger": "manual",
    "started_at": None,
    "finished_at": None,
    "heartbeat_at": None,
    "pages": 0,
    "errors": [],
    "counts": dict.fromkeys(JOB["counts"], 0),
}
REPORT = {
    **JOB,
    "progress": {
        "gathered": 1093,
        "imported": 1093,
        "to_import": 1093,
        "validated": 7,
        "to_validate": 7,
        "settled": True,
    },
    "outcomes": {
        "published": 3,
        "published_with_warnings": 3,
        "rejected": 1,
        "not_validated": 0,
        "pending": 0,
    },
    "findings": [
        {
            "check": "license",
            "field": "license",
            "severity": "warning",
            "count": 3,
            "datasets": 3,
            "examples": [
                {
                    "dataset": "0b9e2c1e-8f1d-4d0a-9c55-2f7c1a0e6b11",
                    "title": "Passenger throughput by airport",
                    "message": "No licence: reusers cannot tell what they may do.",
                }
            ],
        },
        {
            "check": "personal_data",
            "field": "",
            "severity": "error",
            "count": 1,
            "datasets": 1,
            "examples": [
                {
                    "dataset": "5d2f7a90-3b4c-4e1f-8a6d-9c0b1e2f3a4b",
                    "title": "Ration card holders",
                    "message": "The sample holds what look like Aadhaar numbers.",
                }
            ],
        },
    ],
}
SOURCE_INPUT = {
    "name": SOURCE["name"],
    "kind": "suchi",
    "url": SOURCE["url"],
    "frequency": "daily",
    "withdraw_grace_hours": 24,
}

EXAMPLES = {
    "harvest_sources_list": [response("One source", SOURCE)],
    "harvest_sources_create": [
        OpenApiExample("A Suchi peer, daily", value=SOURCE_INPUT, request_only=True),
        response("Created", SOURCE, status=201),
    ],
    "harvest_sources_retrieve": [response("A source", SOURCE)],
    "harvest_sources_deactivate": [
        response("Deactivated", {**SOURCE, "is_active": False, "next_run_at": None})
    ],
    "harvest_jobs_list": [response("One job", page(JOB))],
    "harvest_jobs_start": [response("Queued", QUEUED, status=202)],
    "harvest_jobs_retrieve": [response("Finished, its validations settled", REPORT)],
    "harvest_jobs_abort": [
        response("Abort asked", {**JOB, "status": "running", "abort_requested": True})
    ],
}
