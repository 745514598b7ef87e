"""The primary's write path (issue #23's write-heavy run and its bytes per artefact): consent
requests made through the API and granted by their citizens, in one process against
PostgreSQL, then the bytes the consent tables grew by, per artefact. Figures used by
docs/scaling.md.

    make bench PYTEST_ARGS="-k writes"      # SUCHI_BENCH_GRANTS=1000 by default
"""

import os
import time

import pytest
from django.db import connection

from consent.services import consent_grant

from ..consent.conftest import bearer
from ..factories import (
    consent_request_payload,
    make_citizen,
    make_institution,
    make_token,
    publish_consent_dataset,
)

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db(transaction=True)]


def _consent_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "WHERE c.relkind = 'r' AND (c.relname LIKE 'consent\\_%%' OR c.relname LIKE "
            "'identity\\_%%')"
        )
        return int(cursor.fetchone()[0])


def test_consent_requests_and_grants_on_the_primary():
    if connection.vendor != "postgresql":
        pytest.skip("the write path is measured on PostgreSQL (set DATABASE_URL)")
    grants = int(os.environ.get("SUCHI_BENCH_GRANTS", "1000"))
    consumer = make_institution(
        slug="suraksha", kind="private", is_consumer=True, is_provider=False
    )
    api = bearer(make_token(consumer, scopes=("consents:request",)))
    provider = make_institution(slug="ka-health")
    records = publish_consent_dataset(provider)
    citizens = [make_citizen() for _ in range(max(1, grants // 10))]
    before = _consent_bytes()

    started = time.perf_counter()
    created = []
    for n in range(grants):
        citizen = citizens[n % len(citizens)]
        response = api.post(
            "/api/v1/consent-requests",
            consent_request_payload(citizen.handle, [records]),
            format="json",
        )
        assert response.status_code == 201, response.content
        created.append((citizen, response.json()["id"]))
    requested = time.perf_counter() - started
    for citizen, request_id in created:
        consent_grant(citizen=citizen, request_id=request_id, actor="citizen")
    granted = time.perf_counter() - started - requested
    grown = _consent_bytes() - before
    print(
        f"\nwrites: {grants:,} consent requests through the API in {requested:.1f} s "
        f"({grants / requested:,.0f}/s); granted in {granted:.1f} s ({grants / granted:,.0f}/s: "
        f"a signed artefact, its ledger events, the request's status)"
    )
    print(
        f"writes: the consent and identity tables grew {grown / 1e6:,.1f} MB: "
        f"{grown / grants:,.0f} bytes per requested-and-granted artefact (with indexes)"
    )
