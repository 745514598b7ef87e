"""Examples of the grievance and breach APIs for the OpenAPI document, by operation id."""

from drf_spectacular.utils import OpenApiExample

_GRIEVANCE = {
    "id": "5b2f8f0e-3c1d-4a8e-9f7a-1d2c3b4a5e6f",
    "reference": "GRV-2026-7KQ4M9XT",
    "status": "open",
    "kind": "erasure",
    "artefact": "09c358f4-9b77-47ea-b247-4c61d67d9352",
    "outcome": "",
    "institution": {"id": "suraksha", "name": "Suraksha Insurance"},
    "subject": "Records kept after I revoked consent",
    "text": "I revoked my consent on 2 December, and Suraksha still holds my discharge summary.",
    "created_at": "2026-12-06T09:00:00Z",
    "due_at": "2027-01-05T09:00:00Z",
    "answer": "",
    "answered_at": None,
    "escalated_at": None,
    "resolved_at": None,
    "steps": [
        {
            "kind": "grievance.filed",
            "by": "citizen",
            "text": "",
            "at": "2026-12-06T09:00:00Z",
        },
    ],
}
_ANSWER = "We erased the summary on 7 December; our confirmation is attached to your case."
_ANSWERED = {
    **_GRIEVANCE,
    "status": "answered",
    "outcome": "done",
    "answer": _ANSWER,
    "answered_at": "2026-12-08T10:00:00Z",
    "steps": [
        *_GRIEVANCE["steps"],
        {
            "kind": "grievance.answered",
            "by": "institution",
            "text": _ANSWER,
            "at": "2026-12-08T10:00:00Z",
        },
    ],
}


def _page(item: dict) -> dict:
    return {"count": 1, "next": None, "previous": None, "results": [item]}


def _ok(name: str, value, code: str = "200") -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[code])


def _body(name: str, value) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)


EXAMPLES = {
    "me_grievances_list": [_ok("One open grievance", _page(_GRIEVANCE))],
    "me_grievances_create": [
        _body(
            "About an institution",
            {
                "institution": "suraksha",
                "subject": _GRIEVANCE["subject"],
                "text": _GRIEVANCE["text"],
            },
        ),
        _body(
            "A request to erase data shared under a consent",
            {
                "institution": "suraksha",
                "kind": "erasure",
                "artefact": "09c358f4-9b77-47ea-b247-4c61d67d9352",
                "subject": "Erase my discharge summary",
                "text": "I revoked my consent; please erase the summary you received.",
            },
        ),
        _body(
            "About Suchi itself",
            {"subject": "I cannot download my records", "text": "The export button fails."},
        ),
        _ok("Filed", _GRIEVANCE, "201"),
    ],
    "me_grievances_retrieve": [_ok("Answered", _ANSWERED)],
    "me_grievances_resolve": [
        _ok("Resolved", {**_ANSWERED, "status": "resolved", "resolved_at": "2026-12-09T08:00:00Z"})
    ],
    "me_grievances_escalate": [
        _body("Not satisfied", {"text": "The summary is still in their claims portal."}),
        _ok(
            "With the grievance officer",
            {**_ANSWERED, "status": "escalated", "escalated_at": "2026-12-09T08:00:00Z"},
        ),
    ],
    "grievances_list": [_ok("One open grievance", _page(_GRIEVANCE))],
    "grievances_retrieve": [_ok("Open", _GRIEVANCE)],
    "grievances_respond": [
        _body("The answer, with what was done", {"text": _ANSWER, "outcome": "done"}),
        _ok("Answered", _ANSWERED),
    ],
    "stats_grievances": [
        _ok(
            "This year",
            {
                "received": 120,
                "answered": 112,
                "answered_in_time": 108,
                "open": 8,
                "overdue": 3,
                "escalated": 6,
                "resolved": 95,
                "median_days_to_answer": 4.5,
                "answer_within_days": 30,
            },
        )
    ],
}


# --- Breach reports ----------------------------------------------------------------------------
_BREACH_TEXTS = {
    "description": "On 2 December a misconfigured storage bucket exposed scanned discharge "
    "summaries of patients treated in Bengaluru between March and May 2026.",
    "consequences": "Someone may have read your diagnosis and the dates of your stay.",
    "mitigation": "We closed the bucket on 3 December, rotated its keys and asked CERT-In to "
    "investigate.",
    "safety_steps": "Be wary of calls or messages quoting your hospital stay; we will never "
    "ask you for a password or an OTP.",
    "contact": "Meera Rao, data protection officer: dpo@suraksha.example, +91 80 4000 1234",
}
_BREACH = {
    "id": "8c1e5a2b-7d4f-4b6a-9e3c-2f1a0b9c8d7e",
    "reference": "BRC-2026-Q4TX8KMP",
    **_BREACH_TEXTS,
    "occurred_at": "2026-12-02T06:00:00Z",
    "discovered_at": "2026-12-03T11:30:00Z",
    "datasets": [{"id": "0f3b6a1c-9d2e-4c8b-a7f5-3e1d2c4b5a69", "title": "Discharge summaries"}],
    "artefacts": [],
    "affected": 1240,
    "notified_at": "2026-12-04T09:00:05Z",
    "created_at": "2026-12-04T09:00:00Z",
    "created_by": "token suraksha:ab12",
    "delivery": {
        "inbox": {"pending": 0, "sent": 1240, "failed": 0},
        "email": {"pending": 12, "sent": 874, "failed": 3},
        "sms": {"pending": 0, "sent": 0, "failed": 0},
    },
}
EXAMPLES.update(
    {
        "breaches_list": [_ok("One report", _page(_BREACH))],
        "breaches_create": [
            _body(
                "A dataset exposed",
                {
                    **_BREACH_TEXTS,
                    "occurred_at": _BREACH["occurred_at"],
                    "discovered_at": _BREACH["discovered_at"],
                    "datasets": [_BREACH["datasets"][0]["id"]],
                },
            ),
            _ok("Reported", _BREACH, "201"),
        ],
        "breaches_retrieve": [_ok("Reported and told", _BREACH)],
    }
)
