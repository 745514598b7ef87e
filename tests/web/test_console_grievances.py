"""Grievances in the console, through Django's test client: the institution's member lists,
opens and answers a grievance about it and the citizen is told; other institutions and
signed-in users without the grievance officer's permission see nothing; bad answers are shown
on the field and write nothing; the grievance officer answers escalated grievances and those
about Suchi."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from identity.models import Notification
from registry.models import Membership
from rights.models import Grievance
from rights.services import grievance_file, grievances_escalate_overdue

from ..factories import make_institution
from .conftest import PASSWORD, ask, sign_in

pytestmark = pytest.mark.django_db

ANSWER = "We corrected the address in our records on 3 June."


def _file(world, *, about="ka-health", subject="Wrong address", text="My address is wrong."):
    if about and not world.asha.consent_requests.exists():
        ask(world, world.asha, [world.dataset])  # Asha deals with the hospital
    return grievance_file(
        citizen=world.asha, institution_slug=about, subject=subject, text=text, actor="test"
    )


def _client(username: str, *, institution=None, officer=False) -> Client:
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    if institution is not None:
        Membership.objects.create(user=user, institution=institution, role="editor")
    if officer:
        user.user_permissions.add(Permission.objects.get(codename="act_as_grievance_officer"))
    client = Client()
    client.force_login(user)
    return client


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_member_lists_opens_and_answers_a_grievance(world, client):
    older = _file(world, subject="Records shared without asking")
    grievance = _file(world)
    sign_in(client, "health.editor", "/console/login")

    listing = _page(client, "/console/ka-health/grievances")
    assert grievance.reference in listing and "Wrong address" in listing
    assert "Waiting for an answer" in listing and "Overdue" not in listing
    assert listing.index(grievance.reference) < listing.index(older.reference)
    assert f'href="/console/ka-health/grievances/{grievance.pk}"' in listing
    assert 'href="/console/ka-health/grievances" aria-current="page">Grievances' in listing
    assert grievance.reference not in _page(client, "/console/ka-health/grievances?status=answered")

    url = f"/console/ka-health/grievances/{grievance.pk}"
    page = _page(client, url)
    assert "My address is wrong." in page and "Filed" in page
    assert "Your answer" in page and 'name="text"' in page

    response = client.post(f"{url}/answer", {"text": ANSWER})
    assert response.status_code == 302 and response["Location"] == url
    grievance.refresh_from_db()
    assert grievance.status == Grievance.Status.ANSWERED and grievance.answer == ANSWER
    assert grievance.answered_by == "user health.editor"
    page = _page(client, url)
    assert "Your answer was sent to the citizen." in page
    assert ANSWER in page and 'name="text"' not in page
    assert "Answered" in page
    told = Notification.objects.get(
        citizen=world.asha, kind="grievance.answered", channel=Notification.Channel.INBOX
    )
    assert "was answered" in told.subject and grievance.reference in told.subject
    assert grievance.reference in _page(client, "/console/ka-health/grievances?status=answered")


def test_an_overdue_grievance_is_marked_on_the_list(world, client):
    grievance = _file(world)
    filed = grievance.created_at - timedelta(days=10)
    Grievance.objects.filter(pk=grievance.pk).update(
        created_at=filed, due_at=filed + timedelta(days=9)
    )
    sign_in(client, "health.editor", "/console/login")
    assert "Overdue" in _page(client, "/console/ka-health/grievances")
    assert "Overdue" in _page(client, f"/console/ka-health/grievances/{grievance.pk}")


def test_another_institution_sees_neither_the_grievance_nor_its_answer_form(world):
    grievance = _file(world)
    other = _client("other.member", institution=make_institution(slug="other", name="Other"))
    assert grievance.reference not in _page(other, "/console/other/grievances")
    for url in (
        f"/console/other/grievances/{grievance.pk}",
        f"/console/ka-health/grievances/{grievance.pk}",
        "/console/ka-health/grievances",
    ):
        assert other.get(url).status_code == 404, url
    for url in (
        f"/console/other/grievances/{grievance.pk}/answer",
        f"/console/ka-health/grievances/{grievance.pk}/answer",
    ):
        assert other.post(url, {"text": ANSWER}).status_code == 404, url
    grievance.refresh_from_db()
    assert grievance.status == Grievance.Status.OPEN and grievance.answer == ""


def test_signed_out_the_console_asks_to_sign_in(world, client):
    grievance = _file(world)
    for url in ("/console/ka-health/grievances", f"/console/grievance-officer/{grievance.pk}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/console/login?next=")


def test_an_empty_answer_is_shown_on_the_field_and_changes_nothing(world, client):
    grievance = _file(world)
    sign_in(client, "health.editor", "/console/login")
    response = client.post(f"/console/ka-health/grievances/{grievance.pk}/answer", {"text": "  "})
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    grievance.refresh_from_db()
    assert grievance.status == Grievance.Status.OPEN and grievance.steps.count() == 1
    assert not Notification.objects.filter(kind="grievance.answered").exists()


def test_answering_an_answered_grievance_says_so_and_changes_nothing(world, client):
    grievance = _file(world)
    sign_in(client, "health.editor", "/console/login")
    url = f"/console/ka-health/grievances/{grievance.pk}"
    assert client.post(f"{url}/answer", {"text": ANSWER}).status_code == 302
    response = client.post(f"{url}/answer", {"text": "A second answer."}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "This grievance is answered; the institution may not answer it now." in page
        and "A second answer." not in page
    )
    grievance.refresh_from_db()
    assert grievance.answer == ANSWER and grievance.steps.count() == 2


def test_the_officer_answers_escalated_grievances_and_those_about_suchi(world):
    about_them = _file(world, subject="Records shared without asking")
    about_suchi = _file(world, about=None, subject="The portal lost my consent")
    unescalated = _file(world, subject="Not yet due")
    grievance_time = about_them.due_at + timedelta(seconds=1)
    Grievance.objects.filter(pk=unescalated.pk).update(due_at=grievance_time + timedelta(days=1))
    assert grievances_escalate_overdue(now=grievance_time) == 2  # about_them and about_suchi
    officer = _client("grievance.officer", officer=True)

    listing = _page(officer, "/console/grievance-officer")
    assert about_them.reference in listing and about_suchi.reference in listing
    assert unescalated.reference not in listing
    assert "With the grievance officer" in listing and "Department of Health" in listing
    assert 'href="/console/grievance-officer" aria-current="page">Grievance officer' in listing
    assert officer.get(f"/console/grievance-officer/{unescalated.pk}").status_code == 404
    assert (
        officer.post(
            f"/console/grievance-officer/{unescalated.pk}/answer", {"text": ANSWER}
        ).status_code
        == 404
    )

    url = f"/console/grievance-officer/{about_suchi.pk}"
    assert "The portal lost my consent" in _page(officer, url)
    response = officer.post(f"{url}/answer", {"text": "Restored from the ledger."})
    assert response.status_code == 302 and response["Location"] == url
    page = _page(officer, url)
    assert "Your answer was sent to the citizen." in page and "Restored from the ledger." in page

    # An escalated grievance stays in the officer's view once answered.
    response = officer.post(
        f"/console/grievance-officer/{about_them.pk}/answer", {"text": ANSWER}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/console/grievance-officer/{about_them.pk}"
    assert "Your answer was sent to the citizen." in response.content.decode()
    for found in (about_them, about_suchi):
        found.refresh_from_db()
        assert found.status == Grievance.Status.ANSWERED
        assert found.answered_by == "grievance officer (user grievance.officer)"
    assert Notification.objects.filter(kind="grievance.answered").count() == 2


def test_the_officer_pages_are_not_found_without_the_permission(world):
    grievance = _file(world, about=None)
    member = _client("health.member", institution=world.provider)
    assert "Grievance officer" not in _page(member, "/console/ka-health/grievances")
    assert member.get("/console/grievance-officer").status_code == 404
    assert member.get(f"/console/grievance-officer/{grievance.pk}").status_code == 404
    response = member.post(f"/console/grievance-officer/{grievance.pk}/answer", {"text": ANSWER})
    assert response.status_code == 404
    grievance.refresh_from_db()
    assert grievance.status == Grievance.Status.OPEN


def test_html_in_the_citizens_text_is_escaped(world, client):
    grievance = _file(world, subject="<b>Bold</b> claim", text="<script>alert(1)</script>\nok")
    sign_in(client, "health.editor", "/console/login")
    listing = _page(client, "/console/ka-health/grievances")
    assert "<b>Bold</b>" not in listing and "&lt;b&gt;Bold&lt;/b&gt;" in listing
    page = _page(client, f"/console/ka-health/grievances/{grievance.pk}")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>ok" in page
