"""Bad input to the exchange (issue #19): each a clear 4xx naming the field, nothing written."""

import pytest
from django.utils import timezone

from exchange.models import AccessRequest, DataUseAgreement, ExchangeEvent
from registry.services import Actor, dataset_withdraw

from ..factories import make_token, publish, publish_consent_dataset
from .conftest import bearer, request_body

pytestmark = pytest.mark.django_db


def post(party, url, body):
    return party.api.post(url, body, format="json")


def refused(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    if field:
        assert field in body["errors"], body
    return body


def nothing_written():
    assert AccessRequest.objects.count() == 0
    assert ExchangeEvent.objects.count() == 0


def test_an_open_dataset_needs_no_request(consumer, provider):
    open_data = publish(provider.institution, slug="open-beds")
    body = refused(
        post(consumer, "/api/v1/access-requests", request_body([open_data])), 400, "datasets[0]"
    )
    assert "no request" in body["errors"]["datasets[0]"][0]
    nothing_written()


def test_a_withdrawn_dataset_is_gone(consumer, provider, restricted):
    dataset_withdraw(dataset=restricted[0], actor=Actor.system("test"))
    refused(post(consumer, "/api/v1/access-requests", request_body(restricted)), 410, "datasets[0]")
    nothing_written()


def test_datasets_of_two_providers_in_one_request(consumer, restricted, provider_b):
    other = publish(provider_b.institution, slug="depots", access_rights="restricted")
    refused(
        post(consumer, "/api/v1/access-requests", request_body([*restricted, other])),
        400,
        "datasets",
    )
    nothing_written()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"duration_days": 366}, "duration_days"),  # the provider's default maximum is 365
        ({"duration_days": 0}, "duration_days"),
        ({"duration_days": "30"}, "duration_days"),
        ({"purpose": "marketing"}, "purpose"),
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"datasets": []}, "datasets"),
        ({"datasets": ["not-a-uuid"]}, "datasets[0]"),
        ({"datasets": ["00000000-0000-4000-8000-000000000000"]}, "datasets[0]"),
        ({"colour": "blue"}, "colour"),
        ({"data_range": {"from": "2026-02-01", "to": "2026-01-01"}}, "data_range.from"),
        ({"responsible": {"name": "A"}}, "responsible.email"),
        ({"purpose": "ai-training", "model_name": "m"}, "outputs_released"),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field(consumer, restricted, overrides, field):
    refused(
        post(consumer, "/api/v1/access-requests", request_body(restricted, **overrides)), 400, field
    )
    nothing_written()


def test_a_consent_dataset_is_asked_of_citizens_not_here(consumer, provider):
    records = publish_consent_dataset(provider.institution)
    body = refused(post(consumer, "/api/v1/access-requests", request_body([records])), 400)
    assert "consent" in body["detail"]


def test_ten_megabytes_of_description_are_refused_before_anything(consumer, restricted):
    response = post(
        consumer, "/api/v1/access-requests", request_body(restricted, description="x" * 10_000_000)
    )
    assert response.status_code in (400, 413)
    nothing_written()


def test_only_consumers_may_ask(provider, provider_b, restricted):
    provider_b.api.credentials(
        HTTP_AUTHORIZATION=f"Bearer {make_token(provider_b.institution, scopes=('access:request',))}"
    )
    refused(post(provider_b, "/api/v1/access-requests", request_body(restricted)), 403)
    nothing_written()


def test_anyone_but_the_provider_gets_404_and_a_second_approval_409(
    consumer, provider, provider_b, third, restricted
):
    created = post(consumer, "/api/v1/access-requests", request_body(restricted)).json()
    both = bearer(make_token(consumer.institution, scopes=("access:request", "access:review")))
    for client in (both, provider_b.api, third.api):
        for action, body in (("approve", {}), ("reject", {"reason": "no"})):
            response = client.post(
                f"/api/v1/access-requests/{created['id']}/{action}", body, format="json"
            )
            assert response.status_code == 404, (action, response.content)
    url = f"/api/v1/access-requests/{created['id']}/approve"
    agreement = post(provider, url, {}).json()["agreement"]
    refused(post(provider, url, {}), 409, "status")
    refused(post(provider, f"/api/v1/access-requests/{created['id']}/reject", {"reason": "x"}), 409)
    for client in (both, provider_b.api, third.api):
        for action in ("revoke", "suspend"):
            response = client.post(
                f"/api/v1/agreements/{agreement['id']}/{action}", {}, format="json"
            )
            assert response.status_code == 404, (action, response.content)
        if client is not both:  # the consumer may check its own agreement
            status = client.get(f"/api/v1/agreements/{agreement['id']}/status")
            assert status.status_code == 404, status.content
    assert DataUseAgreement.objects.get().status == "active"
    assert post(provider, f"/api/v1/agreements/{agreement['id']}/resume", {}).status_code == 409


def test_withdraw_and_thread_only_while_requested(consumer, provider, third, restricted):
    created = post(consumer, "/api/v1/access-requests", request_body(restricted)).json()
    url = f"/api/v1/access-requests/{created['id']}"
    assert third.api.post(f"{url}/withdraw").status_code == 404
    refused(post(provider, f"{url}/reject", {}), 400, "reason")
    refused(post(consumer, f"{url}/messages", {"text": ""}), 400, "text")
    assert post(consumer, f"{url}/withdraw", {}).json()["status"] == "withdrawn"
    refused(post(consumer, f"{url}/withdraw", {}), 409)
    refused(post(provider, f"{url}/messages", {"text": "Still there?"}), 409)
    refused(post(provider, f"{url}/approve", {}), 409)


@pytest.mark.parametrize(
    "terms, field",
    [
        ({"retention_days": -1}, "terms.retention_days"),
        ({"retention_days": True}, "terms.retention_days"),
        ({"onward_transfer": "yes"}, "terms.onward_transfer"),
        ({"permitted_uses": "everything"}, "terms.permitted_uses"),
        ({"permitted_uses": [""]}, "terms.permitted_uses[0]"),
        ({"prohibited_uses": ["x"] * 21}, "terms.prohibited_uses"),
        ({"free_lunch": True}, "terms.free_lunch"),
    ],
)
def test_bad_terms_are_a_400_naming_the_term(consumer, provider, restricted, terms, field):
    created = post(consumer, "/api/v1/access-requests", request_body(restricted)).json()
    refused(
        post(provider, f"/api/v1/access-requests/{created['id']}/approve", {"terms": terms}),
        400,
        field,
    )
    assert AccessRequest.objects.get().status == "requested"
    assert DataUseAgreement.objects.count() == 0


def test_a_release_in_the_future_or_of_another_dataset(consumer, provider, restricted):
    created = post(consumer, "/api/v1/access-requests", request_body(restricted[:1])).json()
    agreement = post(provider, f"/api/v1/access-requests/{created['id']}/approve", {}).json()[
        "agreement"
    ]
    url = f"/api/v1/agreements/{agreement['id']}/receipts"
    later = (timezone.now() + timezone.timedelta(hours=1)).isoformat()
    refused(post(provider, url, {"served_at": later}), 400, "served_at")
    now = timezone.now().isoformat()
    refused(
        post(provider, url, {"served_at": now, "dataset": str(restricted[1].pk)}), 400, "dataset"
    )
    refused(post(provider, url, {"served_at": now, "sha256": "xyz"}), 400, "sha256")
    refused(post(consumer, url, {"served_at": now}), 403)
