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
    "harvest_jobs_retrieve": [response("Finished", JOB)],
    "harvest_jobs_abort": [
        response("Abort asked", {**JOB, "status": "running", "abort_requested": True})
    ],
}
