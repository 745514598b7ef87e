"""Grievance redressal (DPDP Act 2023 s.13, Rules 2025 rule 14) through the API: a citizen
files, the institution answers, the citizen accepts or escalates; the due-date clock runs with
frozen time; each step reaches the citizen by a real SMTP server, once, in their language;
the institution's webhooks hear of it without the citizen's words; and bad input is refused."""

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from consent.models import WebhookDelivery, WebhookEndpoint
from identity.models import Notification
from rights.models import Grievance
from rights.tasks import escalate_grievances

from ..consent.conftest import bearer, citizen_client
from ..factories import make_institution, make_token, publish_consent_dataset
from ..identity.test_notifications import drain, reachable
from ..web.conftest import ask

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def insurer(db, asha, ravi):
    """An insurer that asked Asha and Ravi for their consent: they deal with it."""
    institution = make_institution(
        slug="suraksha", name="Suraksha Insurance", kind="private", is_consumer=True,
        is_provider=False,
    )  # fmt: skip
    hospital = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    records = publish_consent_dataset(hospital, title="Discharge summaries")
    for citizen in (asha, ravi):
        ask(institution, citizen, [records])
    return institution, bearer(make_token(institution, scopes=("grievances:answer",)))


def _file(api, **body):
    payload = {"subject": "Records kept after I revoked", "text": "Please erase them.", **body}
    return api.post("/api/v1/me/grievances", payload, format="json")


def _mails(smtp, address):
    return [m for m in smtp.messages if address in m["To"]]


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_file_answer_and_accept_each_step_reaches_the_citizen_once(smtp, insurer, asha):
    _institution, insurer_api = insurer
    reachable(asha, email="asha@example.in")
    api = citizen_client("asha@suchi")
    filed = _file(api, institution="suraksha")
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert body["status"] == "open" and body["reference"].startswith("GRV-")
    due = timezone.datetime.fromisoformat(body["due_at"])
    assert timedelta(days=29) < due - timezone.now() <= timedelta(days=90)
    assert filed["Location"] == f"/api/v1/me/grievances/{body['id']}"

    listed = insurer_api.get("/api/v1/grievances").json()
    assert [g["reference"] for g in listed["results"]] == [body["reference"]]
    answered = insurer_api.post(
        f"/api/v1/grievances/{body['id']}/respond", {"text": "We erased them today."}, format="json"
    )
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "answered"
    mine = api.get(f"/api/v1/me/grievances/{body['id']}").json()
    assert mine["answer"] == "We erased them today."
    assert [s["kind"] for s in mine["steps"]] == ["grievance.filed", "grievance.answered"]
    resolved = api.post(f"/api/v1/me/grievances/{body['id']}/resolve", {}, format="json")
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"

    drain()
    subjects = sorted(_subject(m) for m in _mails(smtp, "asha@example.in"))
    reference = body["reference"]
    assert subjects == sorted(
        [
            f"Grievance {reference} received",
            f"Your grievance {reference} was answered",
            f"Grievance {reference} is resolved",
        ]
    )
    inbox = Notification.objects.filter(citizen=asha, channel="inbox", kind__startswith="grievance")
    assert inbox.count() == 3


def test_an_unanswered_grievance_escalates_on_its_due_date_and_the_citizen_hears_of_the_board(
    smtp,
    insurer,
    ravi,
):
    _institution, insurer_api = insurer
    reachable(ravi, email="ravi@example.in")
    api = citizen_client("ravi@suchi")
    body = _file(api, institution="suraksha").json()
    grievance = Grievance.objects.get(pk=body["id"])
    with time_machine.travel(grievance.due_at - timedelta(minutes=1), tick=False):
        assert escalate_grievances() == 0
        assert insurer_api.get("/api/v1/stats/grievances").json()["overdue"] == 0
    with time_machine.travel(grievance.due_at + timedelta(minutes=1), tick=False):
        assert escalate_grievances() == 1
        assert escalate_grievances() == 0  # once
        stats = insurer_api.get("/api/v1/stats/grievances").json()
        assert (stats["received"], stats["overdue"], stats["escalated"]) == (1, 1, 1)
        # A late answer is still an answer, and counted as late.
        late = insurer_api.post(
            f"/api/v1/grievances/{body['id']}/respond", {"text": "Sorry for the delay."},
            format="json",
        )  # fmt: skip
        assert late.status_code == 200
        stats = insurer_api.get("/api/v1/stats/grievances").json()
        assert (stats["answered"], stats["answered_in_time"]) == (1, 0)
        drain()  # the messages are due at the travelled-to time
    (escalated,) = [m for m in _mails(smtp, "ravi@example.in") if "शिकायत अधिकारी" in _subject(m)]
    assert escalated["Content-Language"] == "hi"
    assert "डेटा संरक्षण बोर्ड" in escalated.get_payload(decode=True).decode()


def test_the_citizen_takes_an_answer_to_the_grievance_officer(insurer, asha):
    _institution, insurer_api = insurer
    api = citizen_client("asha@suchi")
    body = _file(api, institution="suraksha").json()
    url = f"/api/v1/me/grievances/{body['id']}"
    assert api.post(f"{url}/escalate", {"text": "No answer yet."}, format="json").status_code == 409
    insurer_api.post(f"/api/v1/grievances/{body['id']}/respond", {"text": "Done."}, format="json")
    blank = api.post(f"{url}/escalate", {"text": "  "}, format="json")
    assert blank.status_code == 400 and "text" in blank.json()["errors"]
    escalated = api.post(f"{url}/escalate", {"text": "They did not erase it."}, format="json")
    assert escalated.status_code == 200 and escalated.json()["status"] == "escalated"


def test_webhooks_hear_of_a_grievance_without_the_citizens_words(insurer, asha):
    institution, _insurer_api = insurer
    WebhookEndpoint.objects.create(institution=institution, url="https://example.in/hooks")
    body = _file(
        citizen_client("asha@suchi"), institution="suraksha", text="My secret story"
    ).json()
    (delivery,) = WebhookDelivery.objects.filter(event_type="grievance.filed")
    sent = json.loads(delivery.body)
    assert sent["data"]["grievance"]["reference"] == body["reference"]
    assert "secret" not in delivery.body


def test_bad_input_is_refused_and_writes_nothing(insurer, asha, ravi):
    _institution, insurer_api = insurer
    api = citizen_client("asha@suchi")
    for payload, field in [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"subject": ""}, "subject"),
        ({"institution": "no-such-institution"}, "institution"),
        ({"text": "x" * 5001}, "text"),
        ({"text": 42}, "text"),
    ]:
        response = _file(api, **payload)
        assert response.status_code == 400, (payload, response.content)
        assert field in response.json()["errors"], response.json()
    assert not Grievance.objects.exists()

    about_suchi = _file(api).json()
    assert about_suchi["institution"] is None
    mine = _file(api, institution="suraksha").json()
    other = make_institution(slug="other-inst", name="Other")
    other_api = bearer(make_token(other, scopes=("grievances:answer",)))
    respond = f"/api/v1/grievances/{mine['id']}/respond"
    assert other_api.post(respond, {"text": "Not ours."}, format="json").status_code == 404
    assert other_api.get(f"/api/v1/grievances/{mine['id']}").status_code == 404
    assert (
        insurer_api.post(
            f"/api/v1/grievances/{about_suchi['id']}/respond", {"text": "x"}, format="json"
        ).status_code
        == 404
    )  # about Suchi: the grievance officer answers
    assert (
        citizen_client("ravi@suchi").get(f"/api/v1/me/grievances/{mine['id']}").status_code == 404
    )
    assert api.post(f"/api/v1/me/grievances/{mine['id']}/resolve").status_code == 409
    assert Grievance.objects.get(pk=mine["id"]).status == "open"


def test_settings_refuse_an_answer_period_beyond_ninety_days():
    env = {**os.environ, "SUCHI_GRIEVANCE_DAYS": "120"}
    done = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0 and "SUCHI_GRIEVANCE_DAYS" in done.stderr


def test_once_the_citizen_escalates_the_institution_cannot_take_the_grievance_back(insurer):
    _institution, insurer_api = insurer
    api = citizen_client("asha@suchi")
    body = _file(api, institution="suraksha").json()
    respond = f"/api/v1/grievances/{body['id']}/respond"
    insurer_api.post(respond, {"text": "First answer."}, format="json")
    api.post(f"/api/v1/me/grievances/{body['id']}/escalate", {"text": "No."}, format="json")
    again = insurer_api.post(respond, {"text": "Second answer."}, format="json")
    assert again.status_code == 409
    assert Grievance.objects.get(pk=body["id"]).status == "escalated"


def test_a_citizen_files_only_about_institutions_they_deal_with_and_not_without_limit(insurer):
    make_institution(slug="unrelated", name="Unrelated Department")
    api = citizen_client("asha@suchi")
    stranger = _file(api, institution="unrelated")
    assert stranger.status_code == 400 and "institution" in stranger.json()["errors"]
    for _ in range(10):
        assert _file(api, institution="suraksha").status_code == 201
    flood = _file(api, institution="suraksha")
    assert flood.status_code == 429 and "Retry-After" in flood.headers
    assert Grievance.objects.count() == 10


def test_a_request_to_erase_data_shared_under_a_consent_is_answered_with_what_was_done(
    insurer, asha
):
    _institution, insurer_api = insurer
    request = asha.consent_requests.get()
    from consent.services import consent_grant

    _, (artefact,) = consent_grant(citizen=asha, request_id=request.pk, actor="test")
    api = citizen_client("asha@suchi")
    for body, field, status in [
        ({"kind": "erasure"}, "institution", 400),  # a request goes to an institution
        ({"kind": "forget-me"}, "kind", 400),
        # No consent of hers has this id: unknown (404), naming the field.
        ({"kind": "erasure", "institution": "suraksha", "artefact": str(uuid.uuid4())},
         "artefact", 404),
    ]:  # fmt: skip
        response = _file(api, **body)
        assert response.status_code == status and field in response.json()["errors"], body
    filed = _file(api, kind="erasure", institution="suraksha", artefact=str(artefact.pk))
    assert filed.status_code == 201, filed.content
    assert (filed.json()["kind"], filed.json()["artefact"]) == ("erasure", str(artefact.pk))
    respond = f"/api/v1/grievances/{filed.json()['id']}/respond"
    no_outcome = insurer_api.post(respond, {"text": "Erased."}, format="json")
    assert no_outcome.status_code == 400 and "outcome" in no_outcome.json()["errors"]
    done = insurer_api.post(respond, {"text": "Erased.", "outcome": "done"}, format="json")
    assert done.status_code == 200 and done.json()["outcome"] == "done"
    # Another citizen's consent cannot be named: it is unknown to them (404, naming the field).
    other = _file(citizen_client("ravi@suchi"), kind="erasure", institution="suraksha",
                  artefact=str(artefact.pk))  # fmt: skip
    assert other.status_code == 404 and "artefact" in other.json()["errors"], other.content
