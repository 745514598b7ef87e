"""Operator commands: create_institution, issue_token, seed_demo."""

import io

import pytest
from django.core.management import CommandError, call_command

from registry.models import Dataset, Institution
from registry.services import token_authenticate

pytestmark = pytest.mark.django_db


def call(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_institution_with_roles():
    call(
        "create_institution",
        "mh-agri",
        "--name",
        "Agriculture Department",
        "--provider",
        "--consumer",
        "--state",
        "MH",
    )
    institution = Institution.objects.get(slug="mh-agri")
    assert (institution.is_provider, institution.is_consumer, institution.state_code) == (
        True,
        True,
        "MH",
    )


def test_create_institution_twice_is_a_clear_error():
    call("create_institution", "mh-agri", "--name", "Agriculture Department")
    with pytest.raises(CommandError, match="slug"):
        call("create_institution", "mh-agri", "--name", "Again")
    assert Institution.objects.count() == 1


def test_create_institution_rejects_unknown_state():
    with pytest.raises(CommandError, match="state"):
        call("create_institution", "x", "--name", "X", "--state", "ZZ")


def test_issue_token_prints_the_token_and_nothing_else():
    call("create_institution", "mh-agri", "--name", "Agriculture Department")
    out, _ = call(
        "issue_token",
        "mh-agri",
        "--scopes",
        "datasets:write,consents:request",
        "--expires-days",
        "30",
    )
    secret = out.strip()
    assert out == secret + "\n"
    token = token_authenticate(secret)
    assert token.scopes == ["consents:request", "datasets:write"]
    assert token.expires_at is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--scopes", "datasets:write"], "No institution"),
        (["mh-agri", "--scopes", "datasets:destroy"], "Unknown scope"),
        (["mh-agri", "--scopes", ","], "at least one scope"),
        (["mh-agri", "--scopes", "datasets:write", "--expires-days", "0"], "positive"),
    ],
)
def test_issue_token_bad_arguments_are_clear_errors(args, message):
    call("create_institution", "mh-agri", "--name", "Agriculture Department")
    with pytest.raises(CommandError, match=message):
        call("issue_token", *args)


def test_seed_demo_publishes_realistic_data_and_is_idempotent(django_user_model):
    call("seed_demo")
    institutions = Institution.objects.count()
    datasets = Dataset.objects.count()
    assert institutions >= 4
    assert datasets >= 45
    assert Dataset.objects.filter(status="published").count() == datasets
    access = set(Dataset.objects.values_list("access_rights", flat=True))
    assert access == {"open", "restricted", "consent"}
    assert Dataset.objects.filter(institution__slug="ka-health", access_rights="consent").exists()
    assert Dataset.objects.filter(
        institution__slug="sahyadri-bank", access_rights="consent"
    ).exists()
    assert django_user_model.objects.get(username="asha@suchi").check_password("asha-demo-2026")

    call("seed_demo")
    assert (Institution.objects.count(), Dataset.objects.count()) == (institutions, datasets)
