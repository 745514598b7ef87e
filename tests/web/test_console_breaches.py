"""Breach reports in the console, through Django's test client: a member (administrator or
editor) reports a breach on the form and sees the report and how many citizens were told;
anyone else gets a 404; bad input is shown on the field it concerns and writes nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from consent.services import consent_grant
from core.inprocess import drain
from identity.models import Notification
from registry.models import Membership
from rights.breaches import breach_notify
from rights.models import BreachReport

from .conftest import PASSWORD, ask, sign_in

pytestmark = pytest.mark.django_db

FORM = {
    "description": "A laptop holding discharge summaries was stolen in Mysuru on 1 December.",
    "consequences": "Someone may read your diagnosis.",
    "mitigation": "The disk was encrypted; we changed every password it held.",
    "safety_steps": "Be wary of calls quoting your hospital stay.",
    "contact": "Dr Anil Kumar, anil.kumar@health.example, 080 4000 1234",
}


def _when(delta: timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def _form(world, **changes) -> dict:
    return {
        **FORM,
        "discovered_at": _when(-timedelta(hours=2)),
        "occurred_at": _when(-timedelta(days=1)),
        "datasets": [str(world.dataset.pk)],
        **changes,
    }


def _member(username: str, institution, role: str) -> Client:
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, institution=institution, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_a_member_reports_a_breach_on_the_form_and_sees_the_report(world, client):
    request = ask(world, world.asha, [world.dataset])
    consent_grant(citizen=world.asha, request_id=request.pk, actor="test")
    sign_in(client, "health.editor", "/console/login")

    empty = client.get("/console/ka-health/breaches")
    assert empty.status_code == 200
    page = empty.content.decode()
    assert 'href="/console/ka-health/breaches" aria-current="page">Breaches' in page
    assert 'href="/console/ka-health/breaches/new"' in page
    form = client.get("/console/ka-health/breaches/new")
    assert form.status_code == 200 and "Discharge summaries" in form.content.decode()

    response = client.post("/console/ka-health/breaches/new", _form(world))
    drain()  # embedded: the job runs on the web process's pool
    report = BreachReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/ka-health/breaches/{report.pk}"
    assert "health.editor" in report.created_by
    assert list(report.datasets.all()) == [world.dataset]
    breach_notify(report_id=report.pk)  # what the job queued on commit does
    assert Notification.objects.filter(about=report.pk, channel="inbox").count() == 1

    detail = client.get(f"/console/ka-health/breaches/{report.pk}").content.decode()
    assert report.reference in detail
    for text in FORM.values():
        assert text in detail
    assert "1 citizen affected was told on" in detail
    listing = client.get("/console/ka-health/breaches").content.decode()
    assert f'href="/console/ka-health/breaches/{report.pk}"' in listing

    editor = _member("health.clerk", world.provider, "editor")
    again = editor.post("/console/ka-health/breaches/new", _form(world, occurred_at=""))
    assert again.status_code == 302
    assert BreachReport.objects.count() == 2


def test_anyone_but_a_member_gets_a_404(world):
    report_by = _member("health.admin", world.provider, "admin")
    response = report_by.post("/console/ka-health/breaches/new", _form(world))
    assert response.status_code == 302
    report = BreachReport.objects.get()
    stranger = _member("suraksha.admin", world.consumer, "admin")
    for url in (
        "/console/ka-health/breaches",
        "/console/ka-health/breaches/new",
        f"/console/ka-health/breaches/{report.pk}",
    ):
        assert stranger.get(url).status_code == 404, url
    assert stranger.post("/console/ka-health/breaches/new", _form(world)).status_code == 404
    # Its own console, with the other institution's report in the URL.
    assert stranger.get(f"/console/suraksha/breaches/{report.pk}").status_code == 404
    assert BreachReport.objects.count() == 1


def test_errors_are_shown_on_their_fields_and_write_nothing(world):
    client = _member("health.admin", world.provider, "admin")
    url = "/console/ka-health/breaches/new"
    cases = [
        (_form(world, description=""), "description"),
        (_form(world, contact="   "), "contact"),
        (_form(world, datasets=[]), "datasets"),
        (_form(world, discovered_at=_when(timedelta(days=1))), "discovered_at"),
        (_form(world, occurred_at=_when(timedelta(hours=-1))), "occurred_at"),
        (_form(world, artefacts="not-an-id"), "artefacts"),
        (_form(world, datasets=[], artefacts="0b0e4b43-7f5e-4a8d-9d0c-2a6f1b3c4d5e"), "artefacts"),
    ]
    for body, field in cases:
        response = client.post(url, body)
        assert response.status_code == 400, (field, response.status_code)
        page = response.content.decode()
        assert f'id="id_{field}_error"' in page, field
    assert not BreachReport.objects.exists()
