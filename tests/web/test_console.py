"""The institution console through Django's test client: datasets through the forms (the
API's validation), tokens, webhooks, and what a description may not smuggle in."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from registry.models import ApiToken, Dataset
from registry.services import token_authenticate

from ..factories import make_institution, publish, run_queued_validations, source_url
from .conftest import sign_in

pytestmark = pytest.mark.django_db


def _form(**overrides) -> dict:
    data = {
        "title": "Ward bed occupancy",
        "description": "Occupied and vacant beds per ward, reported daily by each hospital.",
        "keywords": "hospitals, beds",
        "themes": ["HEAL"],
        "license": "CC-BY-4.0",
        "access_rights": "open",
        "states": ["KA"],
        "update_frequency": "daily",
        "languages": ["en"],
        "contact_email": "data@health.ka.example",
        "dist-TOTAL_FORMS": "1",
        "dist-INITIAL_FORMS": "0",
        "dist-0-title": "Daily CSV",
        "dist-0-access_url": source_url("/beds.csv"),
        "dist-0-media_type": "text/csv",
        "dist-0-format": "CSV",
    }
    data.update(overrides)
    return data


def test_register_a_dataset_through_the_form(world, client):
    sign_in(client, "health.editor", "/console/login")
    response = client.post("/console/ka-health/datasets/new", _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    dataset = Dataset.objects.get(title="Ward bed occupancy")
    assert dataset.keywords == ["hospitals", "beds"]
    assert dataset.distributions.get().media_type == "text/csv"
    run_queued_validations()
    page = client.get(response["Location"]).content.decode()
    assert "Published" in page and "Passed" in page


def test_form_errors_are_the_api_errors_on_the_right_fields(world, client):
    sign_in(client, "health.editor", "/console/login")
    response = client.post(
        "/console/ka-health/datasets/new",
        _form(license="NOT-A-LICENCE", **{"dist-0-access_url": "ftp://x.example/a.csv"}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Unknown licence &#x27;NOT-A-LICENCE&#x27;" in page
    assert 'id="id_license_error"' in page
    assert 'id="id_dist-0-access_url_error"' in page
    assert not Dataset.objects.filter(title="Ward bed occupancy").exists()


def test_edit_keeps_what_the_form_does_not_show(world, client):
    dataset = publish(
        world.provider,
        slug="beds",
        spatial={"states": ["KA"], "districts": ["572"]},
        conforms_to=["https://specs.example/beds"],
    )
    sign_in(client, "health.editor", "/console/login")
    edit = client.get(f"/console/ka-health/datasets/{dataset.pk}/edit").content.decode()
    assert 'value="District hospital bed occupancy"' in edit
    distribution = dataset.distributions.get()
    response = client.post(
        f"/console/ka-health/datasets/{dataset.pk}/edit",
        _form(
            title="Beds, renamed",
            slug="beds",
            **{
                "dist-INITIAL_FORMS": "1",
                "dist-0-id": str(distribution.pk),
                "dist-0-access_url": distribution.access_url,
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    revision = dataset.revisions.order_by("-number").first().snapshot
    assert revision["title"] == "Beds, renamed"
    assert revision["spatial"]["districts"] == ["572"]
    assert revision["conforms_to"] == ["https://specs.example/beds"]
    assert revision["distributions"][0]["id"] == str(distribution.pk)


class Elements(HTMLParser):
    """Every element of an HTML fragment with its attributes: what a browser would build."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_description_with_script_renders_inert(world, client):
    nasty = (
        "Hello <script>alert(1)</script> and [click](javascript:alert(2)) and "
        '<img src=x onerror="alert(3)"> and <a href="#" onclick="alert(4)">x</a>'
    )
    dataset = publish(world.provider, slug="nasty", description=nasty)
    sign_in(client, "health.editor", "/console/login")
    for page in (
        client.get(f"/console/ka-health/datasets/{dataset.pk}").content.decode(),
        Client().get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="text/html").content.decode(),
    ):
        description = re.search(r'<div class="description">(.*?)</div>', page, re.S).group(1)
        elements = Elements()
        elements.feed(description)
        tags = {tag for tag, _ in elements.found}
        assert tags <= {"p", "a"}, tags  # the Markdown link stays a link; no script, no img
        for tag, attrs in elements.found:
            assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
            assert not attrs.get("href", "").lower().startswith("javascript"), attrs
        assert "Hello" in description


def test_tokens_secret_shown_once_then_revoked(world, client):
    sign_in(client, "health.editor", "/console/login")
    response = client.post(
        "/console/ka-health/tokens", {"name": "Nightly sync", "scopes": ["datasets:write"]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'id="token-secret">([^<]+)<', response.content.decode()).group(1)
    assert token_authenticate(secret).name == "Nightly sync"
    assert secret not in client.get("/console/ka-health/tokens").content.decode()
    token = ApiToken.objects.get(name="Nightly sync")
    client.post(f"/console/ka-health/tokens/{token.pk}/revoke")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_webhook_endpoint_refuses_a_private_address(world, client):
    sign_in(client, "health.editor", "/console/login")
    response = client.post("/console/ka-health/webhooks", {"url": "http://127.0.0.1:1/hook"})
    assert response.status_code == 400
    assert "Unsafe webhook URL" in response.content.decode()


def test_other_institutions_pages_are_404(world, client):
    other = make_institution(slug="bmtc", name="Transport")
    theirs = publish(other, slug="stops")
    sign_in(client, "health.editor", "/console/login")
    assert client.get("/console/bmtc/").status_code == 404
    assert client.get(f"/console/ka-health/datasets/{theirs.pk}").status_code == 404
    assert client.post(f"/console/ka-health/datasets/{theirs.pk}/withdraw").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "published"


def test_editors_do_not_manage_tokens(world, client):
    from registry.services import membership_add

    membership_add(user=world.staff, institution=world.provider, role="editor")
    sign_in(client, "health.editor", "/console/login")
    assert client.get("/console/ka-health/").status_code == 200
    assert client.get("/console/ka-health/tokens").status_code == 404


def test_consent_requests_sent_are_listed_for_the_consumer(world, client):
    from django.contrib.auth import get_user_model

    from registry.services import membership_add

    from .conftest import ask

    ask(world, world.asha, [world.dataset])
    user = get_user_model().objects.create_user("claims.desk", password="correct-horse-battery")
    membership_add(user=user, institution=world.consumer)
    sign_in(client, "claims.desk", "/console/login")
    page = client.get("/console/suraksha/consent-requests").content.decode()
    assert "asha@suchi" in page and "Waiting for the citizen" in page


def test_harvest_sources_on_the_overview_speak_the_readers_language(world, client):
    from harvest.services import harvest_source_create

    harvest_source_create(
        institution=world.provider,
        name="District portal",
        kind="ckan",
        url=source_url("/ckan"),
        frequency="daily",
    )
    sign_in(client, "health.editor", "/console/login")
    client.cookies["suchi_language"] = "hi"
    page = client.get("/console/ka-health/").content.decode()
    assert "District portal" in page and "हर दिन" in page and ">Daily<" not in page


def test_the_data_card_form_writes_a_revision_the_page_then_shows(world, client):
    dataset = publish(world.provider, slug="beds")
    sign_in(client, "health.editor", "/console/login")
    detail = client.get(f"/console/ka-health/datasets/{dataset.pk}").content.decode()
    assert f"/console/ka-health/datasets/{dataset.pk}/data-card" in detail
    url = f"/console/ka-health/datasets/{dataset.pk}/data-card"
    assert client.get(url).status_code == 200
    form = {
        "summary": "Beds per ward, daily.",
        "intended_uses": "Forecasting demand.",
        "data_subjects": "non-personal",
        "sensitive_fields": "ward_code, location, exact ward, not the bed",
        "collection_start": "2024-01-01",
        "known_biases": "Rural wards report late.",
        "authors": "Meera Rao, HMIS cell, meera@health.ka.example",
    }
    bad = client.post(url, {**form, "sensitive_fields": "ward_code, somewhere"})
    assert bad.status_code == 400
    assert "sensitive_fields[0].category" in bad.content.decode()
    assert dataset.revisions.count() == 1
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    card = dataset.revisions.order_by("-number").first().snapshot["data_card"]
    assert card["sensitive_fields"] == [
        {"column": "ward_code", "category": "location", "note": "exact ward, not the bed"}
    ]
    assert card["authors"] == [
        {"name": "Meera Rao", "affiliation": "HMIS cell", "email": "meera@health.ka.example"}
    ]
    assert card["collection_start"] == "2024-01-01"
    run_queued_validations()
    page = client.get(f"/datasets/{dataset.pk}").content.decode()
    assert "Rural wards report late." in page and 'id="data-card"' in page
    again = client.get(url).content.decode()  # the form shows what was saved
    assert "ward_code, location, exact ward, not the bed" in again


def test_a_finding_names_its_field_in_the_forms_words_and_the_banner_its_outcome(world, client):
    """A new user read `distributions[0].access_url` twice, backticks and all, under a banner
    saying the dataset was still being checked while its badge said Rejected."""
    sign_in(client, "health.editor", "/console/login")
    unsafe = _form(**{"dist-0-access_url": "http://10.0.0.7/beds.csv"})
    response = client.post("/console/ka-health/datasets/new", unsafe, follow=True)
    page = response.content.decode()
    run = Dataset.objects.get(title="Ward bed occupancy").validation_runs.get()
    said = {"passed": "its checks passed", "failed": "its checks failed"}.get(run.status)
    assert said is None or f"Dataset registered; {said}" in page
    if run.status == "queued":  # with a worker: the checks run now, and the page is read again
        run_queued_validations()
        page = client.get(response.redirect_chain[-1][0]).content.decode()
    assert "Distribution 1 \u203a Access address (URL)" in page
    assert (
        "<code>distributions[0].access_url</code>" in page
        and "`" not in page.split('<ul class="findings">', 1)[1].split("</ul>", 1)[0]
    )


def test_every_error_of_the_form_is_shown_at_once(world, client):
    """A new user met them one round at a time: the form's own (a missing description) first,
    the API's checks of the rest only after that was mended."""
    sign_in(client, "health.editor", "/console/login")
    bad = _form(
        description="",
        license="NOT-A-LICENCE",
        contact_email="not an address",
        **{"dist-0-access_url": "ftp://x.example/a.csv"},
    )
    response = client.post("/console/ka-health/datasets/new", bad)
    assert response.status_code == 400
    form = response.context["form"]
    assert {"description", "license", "contact_email"} <= set(form.errors), form.errors
    assert "access_url" in response.context["formset"].forms[0].errors
    assert len(form.errors["description"]) == 1  # the form's own, not repeated by the API's
    assert not Dataset.objects.filter(title="Ward bed occupancy").exists()


def test_a_catalogue_is_added_and_harvested_from_the_console(world, client, settings):
    """A new user's trial: the console had no way to add a harvest source or start a run."""
    import json

    from harvest.models import HarvestJob, HarvestSource
    from harvest.services import harvest_job_run

    from ..harvest.conftest import datajson_item
    from ..sourceserver import SourceServer

    server = SourceServer()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, server.host_port]
    try:
        url = server.serve("/data.json", json.dumps({"dataset": [datajson_item()]}).encode())
        sign_in(client, "health.editor", "/console/login")
        page = client.get("/console/ka-health/").content.decode()
        assert "Add a catalogue to harvest" in page
        refused = client.post(
            "/console/ka-health/harvest-sources",
            {
                "name": "Weather",
                "kind": "datajson",
                "url": "http://169.254.169.254/x",
                "frequency": "daily",
            },
        )
        assert refused.status_code == 400
        assert "169.254.169.254" in refused.content.decode()  # the reason, on the form
        assert not HarvestSource.objects.exists()
        added = client.post(
            "/console/ka-health/harvest-sources",
            {"name": "Weather", "kind": "datajson", "url": url, "frequency": "daily"},
        )
        assert added.status_code == 302
        source = HarvestSource.objects.get(name="Weather")
        assert "Weather is added" in client.get(added["Location"]).content.decode()
        started = client.post(f"/console/ka-health/harvest-sources/{source.pk}/run")
        job = HarvestJob.objects.get(source=source)
        assert started["Location"] == f"/console/ka-health/harvest-jobs/{job.pk}"
        harvest_job_run(job_id=job.pk)  # what a worker does
        report = client.get(started["Location"]).content.decode()
        assert "Finished" in report
        assert Dataset.objects.filter(title="Rainfall by district").exists()
    finally:
        server.stop()
