"""Token storage: the secret is never stored in clear; comparison is constant-time."""

import hashlib
import hmac

import pytest

from core.errors import ServiceError
from registry.models import ApiToken
from registry.services import token_issue
from registry.services import tokens as token_service
from registry.services.tokens import TokenInvalid, token_authenticate

pytestmark = pytest.mark.django_db


def test_secret_is_stored_only_as_a_salted_hash(institution):
    issued = token_issue(institution=institution, name="ci", scopes=["datasets:write"])
    _, prefix, secret = issued.secret.split("_", 2)
    row = ApiToken.objects.get(pk=issued.token.pk)
    stored = [str(getattr(row, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(secret in value for value in stored)
    assert row.prefix == prefix
    assert (
        row.secret_hash == hmac.new(row.salt.encode(), secret.encode(), hashlib.sha256).hexdigest()
    )
    # The salt differs per token, so equal secrets would not give equal hashes.
    other = token_issue(institution=institution, name="ci2", scopes=["datasets:write"]).token
    assert other.salt != row.salt


def test_secrets_are_compared_in_constant_time(institution, monkeypatch):
    issued = token_issue(institution=institution, name="ci", scopes=["datasets:write"])
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(token_service.hmac, "compare_digest", spy)
    assert token_authenticate(issued.secret).pk == issued.token.pk
    with pytest.raises(TokenInvalid):
        token_authenticate(issued.secret + "x")
    # An unknown prefix is compared too, so response time does not reveal which prefixes exist.
    with pytest.raises(TokenInvalid):
        token_authenticate("suchi_000000000000_secret")
    assert len(calls) == 3


@pytest.mark.parametrize(("scopes", "field"), [([], "scopes"), (["datasets:delete"], "scopes")])
def test_issuing_with_bad_scopes_is_refused(institution, scopes, field):
    with pytest.raises(ServiceError) as excinfo:
        token_issue(institution=institution, name="x", scopes=scopes)
    assert excinfo.value.field == field
    assert ApiToken.objects.count() == 0
