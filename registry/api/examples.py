"""Examples for the OpenAPI document: what the dataset API takes and answers, as it really
does (taken from a run of the service, with ids and hosts made readable)."""

from drf_spectacular.utils import OpenApiExample

DATASET_ID = "3f2b7c1e-8d4a-4c55-9a61-0b6f2e9d7a10"
DISTRIBUTION_ID = "5c6c8752-90d3-4736-9513-8fe75f1aa63f"
BASE = f"https://suchi.example.in/api/v1/datasets/{DATASET_ID}"

DATASET_INPUT = {
    "slug": "district-hospital-bed-occupancy",
    "title": "District hospital bed occupancy, Karnataka",
    "description": "Daily occupied and available beds in every district hospital of Karnataka, "
    "by ward type. Published by the State Health Department.",
    "keywords": ["hospitals", "beds", "occupancy"],
    "themes": ["HEAL"],
    "license": "CC-BY-4.0",
    "access_rights": "open",
    "spatial": {"states": ["KA"]},
    "temporal": {"start": "2021-04-01"},
    "update_frequency": "daily",
    "languages": ["en", "kn"],
    "contact_point": {"name": "Data cell", "email": "data@health.example.in"},
    "distributions": [
        {
            "title": "Daily occupancy (CSV)",
            "access_url": "https://data.health.example.in/beds/occupancy.csv",
            "media_type": "text/csv",
            "format": "CSV",
        }
    ],
}

_CRITERIA = [
    ("license", "Licence stated", 15, True, ""),
    ("description", "Description of 100 characters or more", 10, True, ""),
    ("temporal", "Temporal coverage", 10, True, ""),
    ("spatial", "Spatial coverage", 10, True, ""),
    ("update_frequency", "Update frequency", 10, True, ""),
    ("up_to_date", "Updated on time for its frequency", 10, True, ""),
    ("open_format", "Available in an open format", 10, True, ""),
    ("reachable", "All distributions reachable", 15, True, ""),
    (
        "schema",
        "Schema documented",
        10,
        False,
        "describe the columns with a Table Schema or name the standard they conform to",
    ),
]
QUALITY = {
    "score": 90,
    "criteria": [
        {"name": n, "label": label, "max": m, "points": m if met else 0, "met": met, "note": note}
        for n, label, m, met, note in _CRITERIA
    ],
}

_SNAPSHOT = {
    **DATASET_INPUT,
    "contains_personal_data": False,
    "spatial": {"states": ["KA"], "districts": [], "bbox": None},
    "temporal": {"start": "2021-04-01", "end": None},
    "landing_page": "",
    "conforms_to": [],
    "version": "",
    "distributions": [
        {
            "id": DISTRIBUTION_ID,
            "title": "Daily occupancy (CSV)",
            "description": "",
            "access_url": "https://data.health.example.in/beds/occupancy.csv",
            "download_url": "",
            "media_type": "text/csv",
            "format": "CSV",
            "byte_size": None,
            "checksum_sha256": "",
            "schema": None,
        }
    ],
}

DATASET_OUTPUT = {
    "id": DATASET_ID,
    "institution": {"slug": "ka-health", "name": "Department of Health, Karnataka"},
    "status": "published",
    **_SNAPSHOT,
    "created_at": "2026-11-28T09:30:12.083593+00:00",
    "modified_at": "2026-11-28T09:30:14.093143+00:00",
    "published_at": "2026-11-28T09:30:14.093143+00:00",
    "withdrawn_at": None,
    "revision": 1,
    "pending_revision": None,
    "quality": QUALITY,
    "health": {
        "status": "ok",
        "last_checked_at": "2026-11-28T09:30:14.093058+00:00",
        "next_check_at": "2026-11-29T03:13:52.093058+00:00",
        "source_failures": 0,
        "source_unreachable": False,
    },
    "provenance": None,
    "links": {
        "self": BASE,
        "revisions": f"{BASE}/revisions",
        "validations": f"{BASE}/validations",
        "validate": f"{BASE}/validate",
    },
}

VALIDATION_RUN = {
    "id": 41,
    "revision": 1,
    "status": "passed",
    "trigger": "submission",
    "attempt": 1,
    "queued_at": "2026-11-28T09:30:12.088417Z",
    "started_at": "2026-11-28T09:30:12.589169Z",
    "finished_at": "2026-11-28T09:30:14.091821Z",
    "summary": {"error": 0, "warning": 1, "info": 0},
    "quality": QUALITY,
    "findings": [
        {
            "check": "reachability",
            "severity": "warning",
            "message": "The source serves text/plain, not the declared text/csv.",
            "field": "distributions[0].media_type",
            "distribution_id": DISTRIBUTION_ID,
            "detail": {"kind": "content_type_mismatch"},
        }
    ],
}

REVISION = {
    "number": 1,
    "kind": "create",
    "status": "applied",
    "actor": "Department of Health, Karnataka",
    "created_at": "2026-11-28T09:30:12.086060Z",
    "snapshot": _SNAPSHOT,
}


def page(*results) -> dict:
    return {"count": len(results), "next": None, "previous": None, "results": list(results)}


def dataset_request(name: str = "A complete dataset", value: dict | None = None) -> OpenApiExample:
    return OpenApiExample(name, value=value or DATASET_INPUT, request_only=True)


def response(name: str, value, status: int = 200, **kwargs) -> OpenApiExample:
    return OpenApiExample(
        name, value=value, response_only=True, status_codes=[str(status)], **kwargs
    )


def error(name: str, detail: str, errors: dict | None = None, status: int = 400):
    body = {"detail": detail, **({"errors": errors} if errors else {})}
    return response(name, body, status=status)


NOT_FOUND = error("Not found", "Not found.", status=404)
GONE = response(
    "Withdrawn",
    {"detail": "This dataset was withdrawn.", "withdrawn_at": "2026-11-28T11:02:40+00:00"},
    status=410,
)
UNAUTHENTICATED = error("No token", "Authentication credentials were not provided.", status=401)
INVALID_FIELD = error(
    "A field is wrong",
    "distributions[0].access_url: Enter a valid URL.",
    {"distributions[0].access_url": ["Enter a valid URL."]},
)

_PENDING_UPDATE = {
    **DATASET_OUTPUT,
    "pending_revision": {"number": 2, "kind": "update", "status": "pending"},
    "submitted_revision": {"number": 2, "kind": "update", "status": "pending"},
}

EXAMPLES = {
    "datasets_create": [
        dataset_request(),
        response(
            "Registered, validation queued",
            {
                **DATASET_OUTPUT,
                "status": "validating",
                "published_at": None,
                "revision": None,
                "pending_revision": {"number": 1, "kind": "create", "status": "pending"},
                "quality": None,
                "submitted_revision": {"number": 1, "kind": "create", "status": "pending"},
            },
            status=201,
        ),
        INVALID_FIELD,
        UNAUTHENTICATED,
    ],
    "datasets_retrieve": [response("A published dataset", DATASET_OUTPUT), NOT_FOUND, GONE],
    "datasets_update": [
        dataset_request("The full metadata, changed"),
        response("The public version stays while the change is validated", _PENDING_UPDATE),
        INVALID_FIELD,
    ],
    "datasets_partial_update": [
        dataset_request("A new title", {"title": "District hospital beds, daily"}),
        response("The public version stays while the change is validated", _PENDING_UPDATE),
        INVALID_FIELD,
    ],
    "datasets_withdraw": [
        response(
            "Withdrawn",
            {
                **DATASET_OUTPUT,
                "status": "withdrawn",
                "withdrawn_at": "2026-11-28T11:02:40+00:00",
                "revision": 2,
            },
        ),
        NOT_FOUND,
    ],
    "dataset_revisions_list": [response("One revision", page(REVISION)), NOT_FOUND, GONE],
    "dataset_validations_list": [
        response("A run that passed with a warning", page(VALIDATION_RUN)),
        NOT_FOUND,
        GONE,
    ],
    "dataset_validate": [
        response(
            "Queued",
            {
                **VALIDATION_RUN,
                "status": "queued",
                "trigger": "manual",
                "attempt": 0,
                "started_at": None,
                "finished_at": None,
                "summary": {"error": 0, "warning": 0, "info": 0},
                "quality": None,
                "findings": [],
            },
            status=202,
        ),
        NOT_FOUND,
    ],
}
