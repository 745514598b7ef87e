"""The data exchange in the institution console, through Django's test client: a consumer
files a request, the provider asks in the thread, the consumer answers, the provider approves
with terms, both see the agreement and its JWS, the provider suspends, resumes, revokes. Bad
input is shown on the right fields and writes nothing; a third institution sees nothing."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from exchange.models import AccessRequest, AccessRequestMessage, DataUseAgreement, ExchangePolicy
from registry.models import Membership

from ..factories import make_institution, publish
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@dataclass
class Exchange:
    provider: object
    consumer: object
    third: object
    dataset: object
    provider_client: Client
    consumer_client: Client
    third_client: Client


def _member(username: str, institution, role=Membership.Role.EDITOR) -> Client:
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, institution=institution, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ex(db):
    provider = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    consumer = make_institution(
        slug="iisc-ai", name="Institute of AI Research", kind="academic", is_consumer=True,
        is_provider=False, contact_email="ai@iisc.example",
    )  # fmt: skip
    third = make_institution(slug="other", name="Another Institution", is_consumer=True)
    dataset = publish(provider, slug="icu-beds", title="ICU bed use", access_rights="restricted")
    return Exchange(
        provider, consumer, third, dataset,
        _member("health.admin", provider, Membership.Role.ADMIN),
        _member("ai.researcher", consumer),
        _member("other.member", third, Membership.Role.ADMIN),
    )  # fmt: skip


def _request_form(ex, **overrides) -> dict:
    data = {
        "datasets": [str(ex.dataset.pk)],
        "purpose": "research",
        "description": "Modelling ICU demand across districts for a published study.",
        "duration_days": "90",
        "responsible_name": "Dr. Meera Rao",
        "responsible_email": "meera@iisc.example",
    }
    data.update(overrides)
    return data


def _file(ex) -> AccessRequest:
    response = ex.consumer_client.post("/console/iisc-ai/access-requests/new", _request_form(ex))
    assert response.status_code == 302, response.content.decode()[:3000]
    found = AccessRequest.objects.get()
    assert response["Location"] == f"/console/iisc-ai/access-requests/{found.pk}"
    return found


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_whole_lifecycle_through_the_forms(ex):
    form = _page(
        ex.consumer_client, f"/console/iisc-ai/access-requests/new?dataset={ex.dataset.pk}"
    )
    assert "ICU bed use (Department of Health, Karnataka)" in form
    assert f'value="{ex.dataset.pk}"' in form and "checked" in form
    found = _file(ex)
    assert found.provider == ex.provider and found.responsible_name == "Dr. Meera Rao"

    base = f"/console/ka-health/access-requests/{found.pk}"
    listing = _page(ex.provider_client, "/console/ka-health/access-requests")
    assert "Institute of AI Research" in listing and base in listing
    assert "Data access" in listing
    page = _page(ex.provider_client, base)
    assert "Approve with terms" in page and "Reject the request" in page
    assert "Withdraw the request" not in page

    # The thread: the provider asks, the consumer answers.
    response = ex.provider_client.post(f"{base}/message", {"text": "Which districts?"})
    assert response.status_code == 302
    response = ex.consumer_client.post(
        f"/console/iisc-ai/access-requests/{found.pk}/message", {"text": "All 31."}
    )
    assert response.status_code == 302
    consumer_page = _page(ex.consumer_client, f"/console/iisc-ai/access-requests/{found.pk}")
    assert "Which districts?" in consumer_page and "All 31." in consumer_page
    assert "Withdraw the request" in consumer_page and "Approve with terms" not in consumer_page

    # The provider approves with terms.
    response = ex.provider_client.post(
        f"{base}/approve",
        {
            "permitted_uses": "Statistical modelling\nPublishing aggregate results",
            "prohibited_uses": "Selling the data",
            "output_obligations": "Share the paper before publication",
            "retention_days": "30",
            "attribution": "Department of Health, Karnataka",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = DataUseAgreement.objects.get()
    assert response["Location"] == f"/console/ka-health/agreements/{agreement.pk}"
    assert agreement.terms["permitted_uses"] == [
        "Statistical modelling",
        "Publishing aggregate results",
    ]
    assert agreement.terms["retention_days"] == 30 and agreement.terms["onward_transfer"] is False

    for client, slug in ((ex.provider_client, "ka-health"), (ex.consumer_client, "iisc-ai")):
        page = _page(client, f"/console/{slug}/agreements/{agreement.pk}")
        assert agreement.jws in page and "<textarea" in page
        assert "Permitted: Statistical modelling" in page
        assert "/.well-known/jwks.json" in page
        assert f"/api/v1/agreements/{agreement.pk}/status" in page
        assert "Active" in page
    consumer_view = _page(ex.consumer_client, f"/console/iisc-ai/agreements/{agreement.pk}")
    assert "Revoke" not in consumer_view
    # The consumer may not change it.
    response = ex.consumer_client.post(f"/console/iisc-ai/agreements/{agreement.pk}/suspend")
    assert response.status_code == 404

    url = f"/console/ka-health/agreements/{agreement.pk}"
    for action, status in (("suspend", "suspended"), ("resume", "active"), ("revoke", "revoked")):
        response = ex.provider_client.post(f"{url}/{action}")
        assert response.status_code == 302 and response["Location"] == url
        agreement.refresh_from_db()
        assert agreement.status == status
    assert "Revoked" in _page(ex.consumer_client, f"/console/iisc-ai/agreements/{agreement.pk}")
    # A revoked agreement cannot be resumed: the page says so, nothing changes.
    response = ex.provider_client.post(f"{url}/resume", follow=True)
    assert "cannot be resumed" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "revoked"
    assert ex.provider_client.post(f"{url}/explode").status_code == 404


def test_bad_request_input_is_shown_on_its_fields_and_writes_nothing(ex):
    response = ex.consumer_client.post(
        "/console/iisc-ai/access-requests/new",
        _request_form(ex, duration_days="5000", responsible_email="not-an-address"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_duration_days_error"' in page and 'id="id_responsible_email_error"' in page
    # The service's own checks land on their fields too.
    response = ex.consumer_client.post(
        "/console/iisc-ai/access-requests/new",
        _request_form(ex, purpose="ai-training", data_from="2026-03-01", data_to="2026-01-01"),
    )
    assert response.status_code == 400
    assert 'id="id_data_from_error"' in response.content.decode()
    response = ex.consumer_client.post(
        "/console/iisc-ai/access-requests/new", _request_form(ex, purpose="ai-training")
    )
    assert response.status_code == 400
    assert 'id="id_model_name_error"' in response.content.decode()
    open_dataset = publish(ex.provider, slug="open-beds")
    response = ex.consumer_client.post(
        "/console/iisc-ai/access-requests/new", _request_form(ex, datasets=[str(open_dataset.pk)])
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_datasets_error"' in page and "This dataset is open" in page
    assert not AccessRequest.objects.exists()


def test_bad_terms_and_reasons_are_shown_on_their_fields(ex):
    found = _file(ex)
    base = f"/console/ka-health/access-requests/{found.pk}"
    response = ex.provider_client.post(f"{base}/approve", {"retention_days": "-3"})
    assert response.status_code == 400
    assert 'id="id_retention_days_error"' in response.content.decode()
    response = ex.provider_client.post(f"{base}/approve", {"permitted_uses": "x" * 2001})
    assert response.status_code == 400
    assert 'id="id_permitted_uses_error"' in response.content.decode()
    response = ex.provider_client.post(f"{base}/reject", {"reason": "  "})
    assert response.status_code == 400
    assert 'id="id_reason_error"' in response.content.decode()
    response = ex.provider_client.post(f"{base}/message", {"text": ""})
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    found.refresh_from_db()
    assert found.status == "requested" and not DataUseAgreement.objects.exists()
    assert not AccessRequestMessage.objects.exists()


def test_personal_data_asks_for_a_basis(ex):
    personal = publish(
        ex.provider, slug="ward-records", title="Ward records", access_rights="restricted",
        contains_personal_data=True, license="CC-BY-4.0",
    )  # fmt: skip
    response = ex.consumer_client.post(
        "/console/iisc-ai/access-requests/new", _request_form(ex, datasets=[str(personal.pk)])
    )
    assert response.status_code == 302
    base = f"/console/ka-health/access-requests/{AccessRequest.objects.get().pk}"
    assert "Basis for sharing personal data" in _page(ex.provider_client, base)
    response = ex.provider_client.post(f"{base}/approve", {"basis_kind": "deidentified"})
    assert response.status_code == 400
    assert 'id="id_basis_statement_error"' in response.content.decode()
    response = ex.provider_client.post(
        f"{base}/approve",
        {
            "basis_kind": "deidentified",
            "basis_statement": "Names and addresses removed; ages banded by decade.",
        },
    )
    assert response.status_code == 302
    assert DataUseAgreement.objects.get().basis == "deidentified"


def test_reject_and_withdraw(ex):
    rejected = _file(ex)
    response = ex.provider_client.post(
        f"/console/ka-health/access-requests/{rejected.pk}/reject", {"reason": "Not yet public."}
    )
    assert response.status_code == 302
    page = _page(ex.consumer_client, f"/console/iisc-ai/access-requests/{rejected.pk}")
    assert "Not yet public." in page and "Rejected" in page
    response = ex.consumer_client.post(
        "/console/iisc-ai/access-requests/new", _request_form(ex, description="Second try.")
    )
    withdrawn = AccessRequest.objects.get(description="Second try.")
    # The provider cannot withdraw it; the consumer can.
    url = f"/access-requests/{withdrawn.pk}/withdraw"
    assert ex.provider_client.post(f"/console/ka-health{url}").status_code == 404
    assert ex.consumer_client.post(f"/console/iisc-ai{url}").status_code == 302
    withdrawn.refresh_from_db()
    assert withdrawn.status == "withdrawn"


def test_a_third_institution_gets_404_everywhere(ex):
    found = _file(ex)
    ex.provider_client.post(f"/console/ka-health/access-requests/{found.pk}/approve", {})
    agreement = DataUseAgreement.objects.get()
    base = f"/console/other/access-requests/{found.pk}"
    for url in (base, f"/console/other/agreements/{agreement.pk}"):
        assert ex.third_client.get(url).status_code == 404, url
    for url in (
        f"{base}/message", f"{base}/approve", f"{base}/reject", f"{base}/withdraw",
        f"/console/other/agreements/{agreement.pk}/suspend",
        f"/console/other/agreements/{agreement.pk}/revoke",
    ):  # fmt: skip
        assert ex.third_client.post(url, {"text": "hi", "reason": "x"}).status_code == 404, url
    # Nor through the parties' own consoles, of which it is no member.
    assert ex.third_client.get(f"/console/ka-health/access-requests/{found.pk}").status_code == 404
    listing = _page(ex.third_client, "/console/other/access-requests")
    assert str(found.pk) not in listing and "ICU bed use" not in listing
    agreement.refresh_from_db()
    assert agreement.status == "active"


def test_markup_in_a_message_is_escaped(ex):
    found = _file(ex)
    ex.consumer_client.post(
        f"/console/iisc-ai/access-requests/{found.pk}/message",
        {"text": '<script>alert("x")</script><b>bold</b>'},
    )
    page = _page(ex.provider_client, f"/console/ka-health/access-requests/{found.pk}")
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_a_provider_only_institution_gets_no_form(ex):
    page = _page(ex.provider_client, "/console/ka-health/access-requests/new")
    assert "not registered as a consumer" in page and "<form method" not in page.split("<main")[1]
    response = ex.provider_client.post("/console/ka-health/access-requests/new", _request_form(ex))
    assert response.status_code == 403 and not AccessRequest.objects.exists()


def test_the_exchange_policy_fills_the_approval(ex):
    page = _page(ex.provider_client, "/console/ka-health/exchange-policy")
    assert 'name="max_duration_days"' in page
    response = ex.provider_client.post(
        "/console/ka-health/exchange-policy",
        {"max_duration_days": "60", "permitted_uses": "Research only", "retention_days": "9999"},
    )
    assert response.status_code == 400
    assert 'id="id_retention_days_error"' in response.content.decode()
    assert not ExchangePolicy.objects.exists()
    response = ex.provider_client.post(
        "/console/ka-health/exchange-policy",
        {"max_duration_days": "120", "permitted_uses": "Research only", "retention_days": "14"},
    )
    assert response.status_code == 302
    policy = ExchangePolicy.objects.get()
    assert policy.max_duration_days == 120 and policy.terms_template["retention_days"] == 14
    found = _file(ex)
    page = _page(ex.provider_client, f"/console/ka-health/access-requests/{found.pk}")
    assert "Research only</textarea>" in page and 'value="14"' in page
    # Longer than the policy allows: on its field.
    response = ex.consumer_client.post(
        "/console/iisc-ai/access-requests/new", _request_form(ex, duration_days="121")
    )
    assert response.status_code == 400 and "at most 120 days" in response.content.decode()
    # An editor does not see the page (administrators only).
    editor = _member("health.editor2", ex.provider)
    assert editor.get("/console/ka-health/exchange-policy").status_code == 404


def test_request_access_link_from_the_dataset_page(ex):
    url = f"/console/request-access/{ex.dataset.pk}"
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/console/login?")
    response = ex.consumer_client.get(url)
    assert response["Location"] == f"/console/iisc-ai/access-requests/new?dataset={ex.dataset.pk}"
    response = ex.provider_client.get(url)
    assert response.status_code == 200
    assert "not a member of any such institution" in response.content.decode()


def test_a_dataset_named_in_the_address_is_offered_only_if_it_may_be_requested(ex):
    """An outside probe named another institution's rejected dataset by its id and read its
    title in the form (public pages answer 404 for it). Named or listed, only published
    restricted datasets of other institutions are offered."""
    hidden = publish(
        ex.provider, slug="secret", title="Unpublished secret", access_rights="restricted"
    )
    hidden.status = "rejected"
    hidden.save(update_fields=["status"])
    own = publish(ex.third, slug="own", title="Our own data", access_rights="restricted")
    open_one = publish(ex.provider, slug="open", title="Open bed counts", access_rights="open")
    for dataset in (hidden, open_one):
        form = _page(
            ex.consumer_client, f"/console/iisc-ai/access-requests/new?dataset={dataset.pk}"
        )
        assert dataset.title not in form, dataset.slug
    form = _page(ex.third_client, f"/console/other/access-requests/new?dataset={own.pk}")
    assert own.title not in form  # its own
    form = _page(
        ex.consumer_client, f"/console/iisc-ai/access-requests/new?dataset={ex.dataset.pk}"
    )
    assert "ICU bed use" in form
