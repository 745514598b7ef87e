"""A dataset that came in by harvest is held to the registration rules once its institution
edits it through the API: the harvest policy (the source is the authority of its own
metadata, docs/harvest.md) covers what a harvest writes, not what a member or a token writes
(an outside probe published a link to 169.254.169.254 that way)."""

import pytest

from registry.services import Actor, dataset_register, dataset_update

from ..factories import dataset_payload, run_queued_validations

pytestmark = pytest.mark.django_db

METADATA = "http://169.254.169.254/latest/meta-data/"


@pytest.fixture
def harvested(institution, source_server):
    payload = dataset_payload(slug="harvested")
    url = payload["distributions"][0]["access_url"]
    dataset = dataset_register(
        institution=institution,
        data=payload,
        actor=Actor.system("harvest x (job 1)"),
        provenance={"source": {"id": "x", "name": "x", "kind": "datajson", "url": url}},
    )
    assert run_queued_validations() == ["passed"]
    return dataset


@pytest.mark.parametrize("link", [METADATA, "http://127.0.0.1:9/x.csv"])
def test_an_api_edit_of_a_harvested_dataset_is_validated_strictly(
    api, client_anon, harvested, link
):
    before = client_anon.get(f"/api/v1/datasets/{harvested.pk}").json()
    assert before["status"] == "published"
    distribution = {**before["distributions"][0], "access_url": link, "download_url": ""}
    response = api.patch(
        f"/api/v1/datasets/{harvested.pk}", {"distributions": [distribution]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert run_queued_validations() == ["failed"]

    public = client_anon.get(f"/api/v1/datasets/{harvested.pk}").json()
    assert public["distributions"][0]["access_url"] == before["distributions"][0]["access_url"]
    history = api.get(f"/api/v1/datasets/{harvested.pk}/revisions").json()["results"]
    assert [r["status"] for r in history] == ["rejected", "applied"]


def test_a_harvest_still_writes_under_the_harvest_policy(institution, harvested):
    """The same unsafe link written by a harvest is a warning (never contacted), as
    docs/harvest.md says; the strict rule is for the institution's own edits."""
    payload = dataset_payload(slug="harvested")
    payload["distributions"][0].update(access_url=METADATA, download_url="")
    dataset_update(
        dataset=harvested,
        data=payload,
        actor=Actor.system("harvest x (job 2)"),
        partial=False,
        provenance=harvested.provenance,
    )
    assert run_queued_validations() == ["passed"]
