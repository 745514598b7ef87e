"""The dataset write API: POST/GET/PUT/PATCH/DELETE /api/v1/datasets, revisions, validations."""

import json
import uuid

import pytest
from django.db import connection
from rest_framework import serializers

from registry.models import Dataset, DatasetRevision, ValidationRun
from registry.services import Actor, dataset_register

from ..factories import dataset_payload, run_queued_validations, source_url

pytestmark = pytest.mark.django_db


def post(api, payload):
    return api.post("/api/v1/datasets", payload, format="json")


def counts():
    return (Dataset.objects.count(), DatasetRevision.objects.count(), ValidationRun.objects.count())


def test_complete_dataset_is_created_validated_and_published(api, client_anon):
    response = post(api, dataset_payload(slug="beds"))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "validating"
    assert body["submitted_revision"] == {"number": 1, "kind": "create", "status": "pending"}
    assert body["slug"] == "beds"
    assert body["institution"]["slug"] == "ka-health"
    assert response["Location"].endswith(f"/api/v1/datasets/{body['id']}")
    assert run_queued_validations() == ["passed"]

    shown = client_anon.get(f"/api/v1/datasets/{body['id']}").json()
    assert shown["status"] == "published"
    assert shown["published_at"] is not None
    runs = client_anon.get(f"/api/v1/datasets/{body['id']}/validations").json()["results"]
    assert [run["status"] for run in runs] == ["passed"]


def test_incomplete_dataset_is_rejected_with_findings_naming_the_missing_fields(api):
    response = post(api, {"title": "Bus stops", "description": "Every stop of the city."})
    assert response.status_code == 201
    dataset_id = response.json()["id"]
    assert run_queued_validations() == ["failed"]

    assert api.get(f"/api/v1/datasets/{dataset_id}").json()["status"] == "rejected"
    run = api.get(f"/api/v1/datasets/{dataset_id}/validations").json()["results"][0]
    errors = {f["field"] for f in run["findings"] if f["severity"] == "error"}
    assert errors == {"license", "contact_point.email", "themes", "distributions"}
    assert run["summary"]["error"] == 4


def test_anonymous_list_shows_only_published_datasets(api, client_anon):
    post(api, dataset_payload(slug="good"))
    post(api, {"title": "Bad", "description": "incomplete"})
    run_queued_validations()
    post(api, dataset_payload(slug="still-validating"))
    listing = client_anon.get("/api/v1/datasets").json()
    assert listing["count"] == 1
    assert [d["slug"] for d in listing["results"]] == ["good"]


def test_get_representation_round_trips_through_put_unchanged(api):
    created = post(api, dataset_payload(slug="beds")).json()
    run_queued_validations()
    shown = api.get(f"/api/v1/datasets/{created['id']}").json()

    response = api.put(f"/api/v1/datasets/{created['id']}", shown, format="json")
    assert response.status_code == 200, response.json()
    run_queued_validations()
    again = api.get(f"/api/v1/datasets/{created['id']}").json()
    volatile = {"modified_at", "revision", "pending_revision", "health"}
    assert {k: v for k, v in again.items() if k not in volatile} == {
        k: v for k, v in shown.items() if k not in volatile
    }
    assert again["distributions"][0]["id"] == shown["distributions"][0]["id"]
    # Nothing changed, so nothing was recorded: PUT is idempotent.
    assert again["revision"] == 1
    assert Dataset.objects.get(pk=created["id"]).revisions.count() == 1


def test_get_representation_is_accepted_by_post_as_a_new_dataset(api):
    created = post(api, dataset_payload(slug="beds")).json()
    copy = {**created, "slug": "beds-copy"}
    response = post(api, copy)
    assert response.status_code == 201, response.json()
    assert response.json()["id"] != created["id"]
    assert response.json()["distributions"][0]["id"] != created["distributions"][0]["id"]


def test_published_dataset_stays_unchanged_while_its_update_is_validated(api, client_anon):
    dataset_id = post(api, dataset_payload(slug="beds")).json()["id"]
    run_queued_validations()

    response = api.patch(f"/api/v1/datasets/{dataset_id}", {"title": "New title"}, format="json")
    assert response.status_code == 200
    assert response.json()["pending_revision"] == {
        "number": 2,
        "kind": "update",
        "status": "pending",
    }
    public = client_anon.get(f"/api/v1/datasets/{dataset_id}").json()
    assert public["title"] == "District hospital bed occupancy"
    assert public["status"] == "published"

    run_queued_validations()
    public = client_anon.get(f"/api/v1/datasets/{dataset_id}").json()
    assert public["title"] == "New title"
    assert public["pending_revision"] is None


def test_failed_update_leaves_the_published_version_in_place(api, client_anon):
    dataset_id = post(api, dataset_payload(slug="beds")).json()["id"]
    run_queued_validations()
    api.patch(f"/api/v1/datasets/{dataset_id}", {"license": "CC-BY-NC-4.0"}, format="json")
    assert run_queued_validations() == ["failed"]

    public = client_anon.get(f"/api/v1/datasets/{dataset_id}").json()
    assert public["status"] == "published"
    assert public["license"] == "CC-BY-4.0"
    history = api.get(f"/api/v1/datasets/{dataset_id}/revisions").json()["results"]
    assert [(r["number"], r["status"]) for r in history] == [(2, "rejected"), (1, "applied")]
    # The public sees only what was published.
    public_history = client_anon.get(f"/api/v1/datasets/{dataset_id}/revisions").json()["results"]
    assert [r["number"] for r in public_history] == [1]


def test_delete_withdraws_without_deleting_and_the_public_gets_410(api, client_anon):
    dataset_id = post(api, dataset_payload(slug="beds")).json()["id"]
    run_queued_validations()
    response = api.delete(f"/api/v1/datasets/{dataset_id}")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert Dataset.objects.filter(pk=dataset_id).exists()
    assert client_anon.get(f"/api/v1/datasets/{dataset_id}").status_code == 410
    assert client_anon.get("/api/v1/datasets").json()["count"] == 0
    history = api.get(f"/api/v1/datasets/{dataset_id}/revisions").json()["results"]
    assert history[0]["kind"] == "withdraw"
    # A withdrawn dataset cannot change any more.
    response = api.patch(f"/api/v1/datasets/{dataset_id}", {"title": "x"}, format="json")
    assert response.status_code == 409


def test_every_write_records_a_revision_naming_the_token(api):
    dataset_id = post(api, dataset_payload(slug="beds")).json()["id"]
    api.patch(f"/api/v1/datasets/{dataset_id}", {"version": "1.1"}, format="json")
    history = api.get(f"/api/v1/datasets/{dataset_id}/revisions").json()["results"]
    assert [r["kind"] for r in history] == ["update", "create"]
    assert all(r["actor"].startswith("token test (") for r in history)
    assert history[0]["snapshot"]["version"] == "1.1"
    # Runs are deduplicated: the queued run now validates the latest change.
    run = ValidationRun.objects.get(dataset_id=dataset_id)
    assert run.revision.number == 2


def test_slug_is_derived_from_the_title_when_omitted(api):
    first = post(api, dataset_payload(title="Bus Stops of Pune")).json()
    second = post(api, dataset_payload(title="Bus Stops of Pune")).json()
    assert first["slug"] == "bus-stops-of-pune"
    assert second["slug"] == "bus-stops-of-pune-2"


def test_licence_id_is_normalised_to_its_spdx_spelling(api):
    body = post(api, dataset_payload(license="cc-by-4.0")).json()
    assert body["license"] == "CC-BY-4.0"


def test_consent_dataset_is_marked_as_personal_data(api):
    body = post(api, dataset_payload(access_rights="consent", license="")).json()
    assert body["contains_personal_data"] is True


# --- bad input: a clear 4xx naming the field, and nothing written ------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (dataset_payload(title=""), "title"),
        (dataset_payload(title="   "), "title"),
        (dataset_payload(description=""), "description"),
        ({"description": "no title"}, "title"),
        (dataset_payload(license="CC-BY-5.0"), "license"),
        (dataset_payload(colour="blue"), "colour"),
        (dataset_payload(themes=["SPORTS"]), "themes[0]"),
        (dataset_payload(access_rights="public"), "access_rights"),
        (dataset_payload(update_frequency="sometimes"), "update_frequency"),
        (dataset_payload(languages=["xx"]), "languages[0]"),
        (dataset_payload(slug="Not A Slug!"), "slug"),
        (dataset_payload(landing_page="ftp://example.org/x"), "landing_page"),
        (dataset_payload(landing_page="javascript:alert(1)"), "landing_page"),
        (dataset_payload(temporal={"start": "2024-01-01", "end": "2023-01-01"}), "temporal.end"),
        (dataset_payload(temporal={"start": "yesterday"}), "temporal.start"),
        (dataset_payload(spatial={"states": ["ZZ"]}), "spatial.states[0]"),
        (dataset_payload(spatial={"bbox": [1, 2, 3]}), "spatial.bbox"),
        (dataset_payload(contact_point={"email": "not-an-email"}), "contact_point.email"),
        (
            dataset_payload(access_rights="consent", contains_personal_data=False),
            "contains_personal_data",
        ),
        (dataset_payload(keywords="health"), "keywords"),
        (dataset_payload(distributions=[{"title": "no url"}]), "distributions[0].access_url"),
        (
            dataset_payload(distributions=[{"access_url": "file:///etc/passwd"}]),
            "distributions[0].access_url",
        ),
        (
            dataset_payload(distributions=[{"access_url": "https://x.example/a", "colour": 1}]),
            "distributions[0].colour",
        ),
        (
            dataset_payload(
                distributions=[{"access_url": "https://x.example/a", "media_type": "csv"}]
            ),
            "distributions[0].media_type",
        ),
        (
            dataset_payload(distributions=[{"access_url": "https://x.example/a", "byte_size": -1}]),
            "distributions[0].byte_size",
        ),
        (
            dataset_payload(
                distributions=[{"access_url": "https://x.example/a", "checksum_sha256": "abc"}]
            ),
            "distributions[0].checksum_sha256",
        ),
        (
            dataset_payload(
                distributions=[{"access_url": "https://x.example/a", "schema": {"fields": "x"}}]
            ),
            "distributions[0].schema",
        ),
        (dataset_payload(distributions={"access_url": "https://x.example/a"}), "distributions"),
        (["not", "an", "object"], "body"),
        (dataset_payload(title=123), "title"),
        (dataset_payload(version=1.0), "version"),
        (dataset_payload(keywords=[1]), "keywords[0]"),
        (dataset_payload(contains_personal_data="yes"), "contains_personal_data"),
        (dataset_payload(contains_personal_data=1), "contains_personal_data"),
        (
            dataset_payload(
                distributions=[{"access_url": "https://x.example/a", "byte_size": "12"}]
            ),
            "distributions[0].byte_size",
        ),
        (dataset_payload(slug="Upper-Case"), "slug"),
        (dataset_payload(slug="double--hyphen"), "slug"),
        (dataset_payload(contact_point={"email": "a" * 300 + "@x.example"}), "contact_point.email"),
        (dataset_payload(title=None), "title"),
        (dataset_payload(distributions=[None]), "distributions[0]"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(api, payload, field):
    before = counts()
    response = post(api, payload)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["errors"], body
    if field:
        assert body["detail"].startswith(f"{field}: ") or field in body["detail"]
    assert counts() == before


def test_malformed_json_is_a_400(api):
    before = counts()
    response = api.post("/api/v1/datasets", b'{"title": "x",', content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert counts() == before


def test_body_over_one_mebibyte_is_a_413(api):
    before = counts()
    payload = dataset_payload(description="x" * (1024 * 1024 + 10))
    response = api.post("/api/v1/datasets", json.dumps(payload), content_type="application/json")
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    assert counts() == before


def test_duplicate_slug_in_one_institution_is_a_409_naming_slug(api):
    post(api, dataset_payload(slug="beds"))
    before = counts()
    response = post(api, dataset_payload(slug="beds"))
    assert response.status_code == 409
    assert "slug" in response.json()["errors"]
    assert counts() == before


def test_same_slug_in_two_institutions_is_fine(api, other_api):
    assert post(api, dataset_payload(slug="beds")).status_code == 201
    assert post(other_api, dataset_payload(slug="beds")).status_code == 201


def test_renaming_to_a_taken_slug_is_a_409_and_writes_nothing(api):
    post(api, dataset_payload(slug="beds"))
    other = post(api, dataset_payload(slug="wards")).json()
    before = counts()
    response = api.patch(f"/api/v1/datasets/{other['id']}", {"slug": "beds"}, format="json")
    assert response.status_code == 409
    assert counts() == before


def test_another_institutions_dataset_is_404_for_writes(api, other_api):
    dataset_id = post(api, dataset_payload(slug="beds")).json()["id"]
    before = counts()
    assert (
        other_api.patch(f"/api/v1/datasets/{dataset_id}", {"title": "x"}, format="json").status_code
        == 404
    )
    assert (
        other_api.put(
            f"/api/v1/datasets/{dataset_id}", dataset_payload(), format="json"
        ).status_code
        == 404
    )
    assert other_api.delete(f"/api/v1/datasets/{dataset_id}").status_code == 404
    # Not yet published: not even visible to others.
    assert other_api.get(f"/api/v1/datasets/{dataset_id}").status_code == 404
    assert counts() == before


def test_unknown_dataset_id_is_404(api):
    response = api.get("/api/v1/datasets/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_form_encoded_body_is_a_415(api):
    before = counts()
    response = api.post("/api/v1/datasets", {"title": "x"}, format="multipart")
    assert response.status_code == 415
    assert counts() == before


def test_list_query_count_does_not_grow_with_the_page(
    api, client_anon, django_assert_num_queries, source_server
):
    source_server.serve("/0.json", b"[]", "application/json")
    for n in range(5):
        post(
            api,
            dataset_payload(
                slug=f"d{n}",
                distributions=[
                    {"access_url": source_url("/beds.csv"), "media_type": "text/csv"},
                    {"access_url": source_url("/0.json"), "media_type": "application/json"},
                ],
            ),
        )
    run_queued_validations()
    # page (institution and revisions joined) + distributions + one statement for the count
    # and all six facets (+ on PostgreSQL, the catalogue's version: registry/version.py)
    with django_assert_num_queries(3 + (connection.vendor == "postgresql")):
        body = client_anon.get("/api/v1/datasets?page_size=100").json()
    assert body["count"] == 5
    assert all(len(d["distributions"]) == 2 for d in body["results"])


def test_page_size_is_capped_at_100(institution, client_anon):
    from registry.models import Dataset as D

    for n in range(101):
        dataset_register(
            institution=institution, data=dataset_payload(slug=f"d{n}"), actor=Actor.system("t")
        )
    D.objects.update(status="published")
    body = client_anon.get("/api/v1/datasets?page_size=1000").json()
    assert body["count"] == 101
    assert len(body["results"]) == 100
    assert body["next"] is not None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"title": "x\\ud800", "description": "d"}', "surrogate"),
        (
            '{"title": "x", "description": "d", "distributions": [{"access_url": "https://a.example/x", "schema": {"fields": [{"name": "\\ud800"}]}}]}',
            "surrogate",
        ),
        (
            '{"title": "x", "description": "d", "distributions": [{"access_url": "https://a.example/x", "schema": {"fields": [{"name": "a\\u0000b"}]}}]}',
            "control",
        ),
        ('{"title": "bell \\u0007", "description": "d"}', "control"),
        ('{"title": "x", "description": "d", "version": NaN}', "NaN"),
        ('{"title": "x", "description": "d", "x": ' + "[" * 500 + "]" * 500 + "}", "nested"),
        ("[" * 100_000 + "]" * 100_000, "nested"),
        (
            '{"title": "x", "description": "d", "distributions": [{"access_url": "https://a.example/x", "byte_size": 99999999999999999999999999}]}',
            "out of range",
        ),
    ],
)
def test_json_that_would_break_storage_is_a_400(api, body, message):
    before = counts()
    response = api.post("/api/v1/datasets", body.encode(), content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert message in response.json()["detail"]
    assert counts() == before


def test_unknown_paths_under_the_api_are_json_404s(client_anon):
    for path in ["/api/v1/datasets/not-a-uuid", "/api/v1/datasets/", "/api/v1/nothing"]:
        response = client_anon.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()
    assert "trailing slash" in client_anon.get("/api/v1/datasets/").json()["detail"]


def test_uuids_are_accepted_in_any_letter_case(api, client_anon):
    dataset_id = post(api, dataset_payload(slug="beds")).json()["id"]
    run_queued_validations()
    assert client_anon.get(f"/api/v1/datasets/{dataset_id.upper()}").status_code == 200


def test_write_responses_say_what_became_of_the_change(api):
    dataset_id = post(api, dataset_payload(slug="beds")).json()["id"]
    run_queued_validations()
    body = api.patch(
        f"/api/v1/datasets/{dataset_id}", {"license": "CC-BY-NC-4.0"}, format="json"
    ).json()
    assert body["submitted_revision"] == {"number": 2, "kind": "update", "status": "pending"}
    run_queued_validations()
    body = api.patch(
        f"/api/v1/datasets/{dataset_id}", {"license": "CC-BY-NC-4.0"}, format="json"
    ).json()
    # The same change again is a new attempt; the earlier one shows as rejected in the history.
    history = api.get(f"/api/v1/datasets/{dataset_id}/revisions").json()["results"]
    assert [r["status"] for r in history][:2] == ["pending", "rejected"]


def test_a_withdrawn_dataset_that_was_never_public_is_404_to_others(api, client_anon):
    dataset_id = post(api, {"title": "Draft", "description": "never complete"}).json()["id"]
    run_queued_validations()
    api.delete(f"/api/v1/datasets/{dataset_id}")
    assert client_anon.get(f"/api/v1/datasets/{dataset_id}").status_code == 404


def test_public_history_names_the_institution_not_the_token(api, client_anon):
    dataset_id = post(api, dataset_payload(slug="beds")).json()["id"]
    run_queued_validations()
    public = client_anon.get(f"/api/v1/datasets/{dataset_id}/revisions").json()["results"]
    assert public[0]["actor"] == "Department of Health, Karnataka"
    own = api.get(f"/api/v1/datasets/{dataset_id}/revisions").json()["results"]
    assert own[0]["actor"].startswith("token test (")


def test_the_admin_cannot_create_datasets_that_skip_validation(admin_client):
    assert admin_client.get("/admin/registry/dataset/add/").status_code == 403


def test_an_anonymous_detail_is_two_statements_and_the_same_answer(
    institution, other_api, client_anon, django_assert_num_queries, settings
):
    from ..factories import publish

    settings.SUCHI_ANSWER_CACHE = False
    dataset = publish(institution)
    dataset.revisions.create(
        number=2, kind="update", snapshot={}, actor_label="test", status="pending"
    )
    Dataset.objects.filter(pk=dataset.pk).update(pending_revision=dataset.revisions.get(number=2))
    url = f"/api/v1/datasets/{dataset.pk}"
    # The dataset with its institution and revisions, written out; its distributions (+ on
    # PostgreSQL, the catalogue's version: registry/version.py).
    with django_assert_num_queries(2 + (connection.vendor == "postgresql")):
        anonymous = client_anon.get(url)
    assert anonymous.status_code == 200
    body = anonymous.json()
    assert body["pending_revision"] == {"number": 2, "kind": "update", "status": "pending"}
    assert body["revision"] == 1 and len(body["distributions"]) == len(
        dataset_payload()["distributions"]
    )
    # Another institution reads it the ORM's way: the same answer.
    assert other_api.get(url).json() == body
    assert client_anon.get(f"/api/v1/datasets/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize(
    ("url", "messages"),
    [
        ("ftp://example.com/x", ["Enter a valid URL."]),
        ("example.com/data.csv", ["Enter a valid URL."]),
        ("https://example.com/a b.csv", ["Enter a valid URL."]),
        (
            'https://example.org/b"<>.csv',
            ["Use a URL whose special characters are percent-encoded (e.g. %22 for a quote)."],
        ),
    ],
)
def test_a_bad_url_gets_the_one_message_that_fits(url, messages):
    """A URL that is no URL at all was also told to percent-encode its characters (a new
    user's trial): one message, the one that fits."""
    from core.api.serializers import HttpUrlField

    with pytest.raises(serializers.ValidationError) as refused:
        HttpUrlField().run_validation(url)
    assert [str(m) for m in refused.value.detail] == messages
