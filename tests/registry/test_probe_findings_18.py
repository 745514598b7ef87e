"""An outside probe of the data card, the ML-ready signal and the Croissant reader (issue #18)
found these; each test failed before its fix."""

import time

import pytest

from catalog.standards.croissant import croissant_record
from catalog.standards.croissant.parse import byte_size, column_line
from registry.models import Dataset

from ..factories import dataset_payload, make_institution, publish, run_queued_validations

pytestmark = pytest.mark.django_db
CARD = {"summary": "S.", "data_subjects": "non-personal", "collection_start": "2023-04-01"}


def registered(api, **overrides) -> str:
    response = api.post("/api/v1/datasets", dataset_payload(**overrides), format="json")
    assert response.status_code == 201, response.content
    run_queued_validations()
    return response.json()["id"]


def test_hostile_croissant_texts_cost_linear_time():
    """Finding 1 and 2: a personal-information line and a size that backtracked for minutes."""
    started = time.perf_counter()
    assert column_line("Column " + "a: (" * 20_000) is None
    assert byte_size("1" + " " * 1_000_000 + "x") is None
    record = croissant_record(
        {"@type": "sc:Dataset", "name": "x", "rai:personalSensitiveInformation": "Column " + "a: (" * 700},
        "https://x.example/",
    )  # fmt: skip
    assert record.payload["title"] == "x"
    assert time.perf_counter() - started < 1.0
    assert column_line("Column pin: Health (first 3 digits).") == (
        "pin",
        "Health",
        "first 3 digits",
    )


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"data_card": {"sensitive_fields": [{"note": "x"}]}}, "data_card.sensitive_fields[0]"),
        ({"data_card": {"sensitive_fields": [{}]}}, "data_card.sensitive_fields[0]"),
        ({"data_card": {"authors": [{"email": "a@b.example"}]}}, "data_card.authors[0].name"),
        ({"distributions": [{"title": "no address"}]}, "distributions[0].access_url"),
    ],
)
def test_a_patch_is_partial_about_keys_never_about_list_items(api, client, patch, field):
    """Finding 3: items of a list in a PATCH skipped their required fields and defaults."""
    pk = registered(api, data_card=CARD)
    response = api.patch(f"/api/v1/datasets/{pk}", patch, format="json")
    assert response.status_code == 400, response.content
    assert any(name.startswith(field) for name in response.json()["errors"]), response.json()
    # An item without its optional note gets the default, and every view still answers.
    ok = api.patch(
        f"/api/v1/datasets/{pk}",
        {"data_card": {"sensitive_fields": [{"column": "a", "category": "health"}]}},
        format="json",
    )
    assert ok.status_code == 200, ok.content
    run_queued_validations()
    assert Dataset.objects.get(pk=pk).data_card["sensitive_fields"] == [
        {"column": "a", "category": "health", "note": ""}
    ]
    for url in (f"/datasets/{pk}", f"/api/v1/datasets/{pk}/croissant", f"/datasets/{pk}.ttl"):
        assert client.get(url).status_code == 200, url


def test_a_card_cannot_contradict_the_merged_metadata(api):
    """Finding 4 and 5: a PATCH of one key slipped a contradiction past the checks."""
    personal = registered(
        api, access_rights="restricted", contains_personal_data=True,
        data_card={**CARD, "data_subjects": "personal", "deidentification": "Names removed."},
    )  # fmt: skip
    response = api.patch(
        f"/api/v1/datasets/{personal}", {"data_card": {"data_subjects": "non-personal"}},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "data_card.data_subjects" in response.json()["errors"]
    plain = registered(api, slug="plain", data_card=CARD)
    response = api.patch(
        f"/api/v1/datasets/{plain}", {"contains_personal_data": True}, format="json"
    )
    assert response.status_code == 400
    assert "data_card.data_subjects" in response.json()["errors"]
    response = api.patch(
        f"/api/v1/datasets/{plain}", {"data_card": {"collection_end": "2000-01-01"}}, format="json"
    )
    assert response.status_code == 400
    assert "data_card.collection_end" in response.json()["errors"]
    # An open dataset whose card says it is about people: refused at once.
    response = api.post(
        "/api/v1/datasets",
        dataset_payload(slug="odd", data_card={**CARD, "data_subjects": "personal-sensitive"}),
        format="json",
    )
    assert response.status_code == 400
    assert "contains_personal_data" in response.json()["errors"]


def test_the_console_form_is_checked_against_the_dataset(client):
    from django.contrib.auth import get_user_model

    from registry.models import Membership

    from ..web.conftest import PASSWORD, sign_in

    provider = make_institution(slug="ka-health", name="Health")
    member = get_user_model().objects.create_user("health.editor", password=PASSWORD)
    Membership.objects.create(user=member, institution=provider, role=Membership.Role.EDITOR)
    records = publish(
        provider, slug="records", access_rights="consent", contains_personal_data=True, license=""
    )
    sign_in(client, "health.editor", "/console/login")
    response = client.post(
        f"/console/ka-health/datasets/{records.pk}/data-card",
        {"summary": "x", "data_subjects": "non-personal"},
    )
    assert response.status_code == 400
    assert records.revisions.count() == 1
