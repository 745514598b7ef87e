"""Every public statistic against a catalogue and a consent, exchange and grievance history
built here through the real services and APIs, at known dates: the numbers the API gives are
the numbers this history has (worked out by hand below, not recomputed by the same code)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache

from registry.models import Dataset
from registry.services import Actor, dataset_withdraw

from ..consent.conftest import bearer, citizen_client
from ..factories import (
    consent_request_payload,
    make_citizen,
    make_institution,
    make_token,
    publish,
    publish_consent_dataset,
)

pytestmark = pytest.mark.django_db
PERIOD = "from=2026-01&to=2026-06"


def at(year: int, month: int, day: int, hour: int = 10):
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=UTC), tick=True)


def series(client, name: str, query: str = PERIOD) -> dict:
    cache.clear()  # each answer counted afresh, not the one kept a moment ago
    response = client.get(f"/api/v1/stats/{name}?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def column(answer: dict, name: str) -> list:
    return [row[name] for row in answer["rows"]]


def by_value(answer: dict) -> dict:
    count = answer["columns"][-1]["name"]
    return {row["value"]: row[count] for row in answer["rows"]}


@pytest.fixture
def catalogue(db):
    alpha = make_institution(slug="alpha", name="Alpha Department")
    beta = make_institution(slug="beta", name="Beta Board")
    d1 = publish(alpha, slug="d1", themes=["HEAL"])
    d2 = publish(alpha, slug="d2", themes=["HEAL", "EDUC"], access_rights="restricted")
    d3 = publish(beta, slug="d3", themes=["AGRI"], license="CC0-1.0")
    gone = publish(beta, slug="d4", themes=["AGRI"])
    dataset_withdraw(dataset=gone, actor=Actor.system("test"))
    for dataset, when in ((d1, (2026, 2, 15)), (d2, (2026, 2, 20)), (d3, (2026, 4, 1))):
        Dataset.objects.filter(pk=dataset.pk).update(published_at=datetime(*when, tzinfo=UTC))
    Dataset.objects.filter(pk=gone.pk).update(published_at=datetime(2026, 3, 1, tzinfo=UTC))
    return alpha, beta


def test_catalogue_series_count_the_published_datasets(client, catalogue):
    published = series(client, "datasets-published")
    assert column(published, "month") == [f"2026-0{m}" for m in range(1, 7)]
    assert column(published, "published") == [0, 2, 0, 1, 0, 0]  # the withdrawn one is not
    assert column(published, "total") == [0, 2, 2, 3, 3, 3]
    assert published["period"] == {"from": "2026-01", "to": "2026-06"}

    assert by_value(series(client, "datasets-by-institution")) == {"alpha": 2, "beta": 1}
    assert by_value(series(client, "datasets-by-theme")) == {"HEAL": 2, "EDUC": 1, "AGRI": 1}
    assert by_value(series(client, "datasets-by-licence")) == {"CC-BY-4.0": 2, "CC0-1.0": 1}
    assert by_value(series(client, "datasets-by-format")) == {"CSV": 3}
    assert by_value(series(client, "datasets-by-access")) == {"open": 2, "restricted": 1}
    assert by_value(series(client, "link-checks")) == {"ok": 3, "failing": 0, "unknown": 0}
    Dataset.objects.filter(slug="d3").update(check_status="failing")
    assert by_value(series(client, "link-checks")) == {"ok": 2, "failing": 1, "unknown": 0}


def test_rejections_count_failed_runs_by_the_check_that_failed_them(client, institution, api):
    from ..factories import dataset_payload, run_queued_validations

    for n in (1, 2):  # open data under a licence that is not open: refused by the licence check
        body = dataset_payload(slug=f"closed-{n}", license="CC-BY-NC-ND-4.0")
        assert api.post("/api/v1/datasets", body, format="json").status_code == 201
    run_queued_validations()
    now = datetime.now(UTC)
    rejected = series(client, "rejections", f"from={now:%Y-%m}&to={now:%Y-%m}")
    assert by_value(rejected) == {"licence": 2}
    assert rejected["rows"][0]["label"] == "Licence"
    earlier = series(client, "rejections", "from=2025-01&to=2025-02")
    assert earlier["rows"] == []


# Long: the whole history, month by month, then every figure it should give.
def test_consent_agreement_and_grievance_series_follow_the_history(client, db):
    hospital = make_institution(slug="hospital", name="District Hospital")
    insurer = make_institution(
        slug="insurer", name="Insurer", kind="private", is_consumer=True, is_provider=False
    )
    insurer_api = bearer(
        make_token(insurer, scopes=("consents:request", "consents:verify", "grievances:answer"))
    )
    records = publish_consent_dataset(hospital, title="Discharge summaries")
    for handle in ("asha@suchi", "ravi@suchi"):
        make_citizen(handle)

    def ask(handle):
        response = insurer_api.post(
            "/api/v1/consent-requests", consent_request_payload(handle, [records]), format="json"
        )
        assert response.status_code == 201, response.content
        return response.json()["id"]

    with at(2026, 3, 10):
        first, second = ask("asha@suchi"), ask("ravi@suchi")
    with at(2026, 3, 12):  # 48 hours after asking
        granted = citizen_client("asha@suchi").post(
            f"/api/v1/me/consent-requests/{first}/grant", {}, format="json"
        )
        assert granted.status_code == 200, granted.content
    with at(2026, 3, 20):
        third = ask("asha@suchi")
    with at(2026, 4, 1):  # Ravi answers after 22 days, Asha after 12
        ravi = citizen_client("ravi@suchi")
        assert ravi.post(f"/api/v1/me/consent-requests/{second}/deny").status_code == 200
        asha = citizen_client("asha@suchi")
        assert asha.post(f"/api/v1/me/consent-requests/{third}/deny").status_code == 200
    with at(2026, 5, 2):
        artefact = granted.json()[0]["id"]
        revoked = citizen_client("asha@suchi").post(
            f"/api/v1/me/consent-artefacts/{artefact}/revoke"
        )
        assert revoked.status_code == 200, revoked.content
        filed = citizen_client("asha@suchi").post(
            "/api/v1/me/grievances",
            {"institution": "insurer", "subject": "Records kept", "text": "Please erase them."},
            format="json",
        )
        assert filed.status_code == 201, filed.content
    with at(2026, 5, 6):  # answered four days after filing
        answer = insurer_api.post(
            f"/api/v1/grievances/{filed.json()['id']}/respond", {"text": "Erased."}, format="json"
        )
        assert answer.status_code == 200, answer.content
    with at(2026, 6, 1):
        resolved = citizen_client("asha@suchi").post(
            f"/api/v1/me/grievances/{filed.json()['id']}/resolve", {}, format="json"
        )
        assert resolved.status_code == 200, resolved.content

    consent = series(client, "consent-by-month")
    assert column(consent, "requests") == [0, 0, 3, 0, 0, 0]
    assert column(consent, "grants") == [0, 0, 1, 0, 0, 0]
    assert column(consent, "denials") == [0, 0, 0, 2, 0, 0]
    assert column(consent, "revocations") == [0, 0, 0, 0, 1, 0]
    assert column(consent, "expiries") == [0] * 6
    hours = column(consent, "median_response_hours")
    assert hours[0:2] == [None, None] and hours[4:] == [None, None]
    assert hours[2] == pytest.approx(48, abs=0.2)
    assert hours[3] == pytest.approx((22 + 12) / 2 * 24, abs=0.2)  # the median of two

    grievances = series(client, "grievances-by-month")
    assert column(grievances, "filed") == [0, 0, 0, 0, 1, 0]
    assert column(grievances, "resolved") == [0, 0, 0, 0, 0, 1]
    assert column(grievances, "median_answer_days")[4] == pytest.approx(4, abs=0.1)

    agreements = series(client, "agreements-by-month")
    assert all(sum(row[c] for c in row if c != "month") == 0 for row in agreements["rows"])


def test_agreement_series_counts_requests_and_their_outcomes(client, db):
    provider = make_institution(slug="ka-health", name="Health")
    consumer = make_institution(slug="lab", name="Lab", is_consumer=True, is_provider=False)
    provider_api = bearer(make_token(provider, scopes=("access:review",)))
    consumer_api = bearer(make_token(consumer, scopes=("access:request",)))
    data = [
        publish(provider, slug=f"icu-{n}", access_rights="restricted", license="CC-BY-4.0")
        for n in (1, 2)
    ]
    body = {
        "purpose": "research",
        "description": "Modelling ICU demand across districts.",
        "duration_days": 30,
    }

    def ask(dataset):
        response = consumer_api.post(
            "/api/v1/access-requests", {**body, "datasets": [str(dataset.pk)]}, format="json"
        )
        assert response.status_code == 201, response.content
        return response.json()["id"]

    with at(2026, 2, 3):
        one, two = ask(data[0]), ask(data[1])
    with at(2026, 3, 3):
        approved = provider_api.post(f"/api/v1/access-requests/{one}/approve", {}, format="json")
        assert approved.status_code == 200, approved.content
        rejected = provider_api.post(
            f"/api/v1/access-requests/{two}/reject", {"reason": "Not for this."}, format="json"
        )
        assert rejected.status_code == 200, rejected.content
    with at(2026, 3, 20):
        agreement = approved.json()["agreement"]["id"]
        revoked = provider_api.post(
            f"/api/v1/agreements/{agreement}/revoke", {"reason": "Terms broken."}, format="json"
        )
        assert revoked.status_code == 200, revoked.content

    agreements = series(client, "agreements-by-month")
    assert column(agreements, "requests") == [0, 2, 0, 0, 0, 0]
    assert column(agreements, "approvals") == [0, 0, 1, 0, 0, 0]
    assert column(agreements, "rejections") == [0, 0, 1, 0, 0, 0]
    assert column(agreements, "revocations") == [0, 0, 1, 0, 0, 0]


def test_csv_has_the_same_numbers_as_json(client, catalogue):
    answer = series(client, "datasets-published")
    response = client.get(f"/api/v1/stats/datasets-published.csv?{PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "month,published,total"
    assert lines[1:] == [f"{r['month']},{r['published']},{r['total']}" for r in answer["rows"]]


def test_figures_are_kept_for_a_while_then_counted_again(client, catalogue, settings):
    settings.SUCHI_STATS_TTL = 600
    cache.clear()
    first = client.get("/api/v1/stats/datasets-by-access").json()
    alpha = catalogue[0]
    publish(alpha, slug="later")
    kept = client.get("/api/v1/stats/datasets-by-access").json()
    assert kept == first  # within the TTL: the kept answer, with the time it was counted
    cache.clear()
    counted = client.get("/api/v1/stats/datasets-by-access").json()
    assert by_value(counted)["open"] == by_value(first)["open"] + 1
    assert counted["computed_at"] >= first["computed_at"]


def test_the_index_names_every_series_with_its_addresses(client):
    index = client.get("/api/v1/stats").json()
    names = [s["name"] for s in index["series"]]
    assert "datasets-published" in names and "consent-by-month" in names
    for entry in index["series"]:
        assert client.get(entry["json"]).status_code == 200, entry["name"]
        assert client.get(entry["csv"]).status_code == 200, entry["name"]


def test_beat_counts_every_statistic_again_in_every_language(client, catalogue, settings):
    from transparency.series import SPECS
    from transparency.tasks import warm_statistics

    settings.SUCHI_STATS_TTL = 600
    cache.clear()
    assert warm_statistics() == (len(SPECS) + 1) * 2  # English and Hindi
    before = client.get("/api/v1/stats/datasets-by-access").json()
    publish(catalogue[0], slug="later")
    assert client.get("/api/v1/stats/datasets-by-access").json() == before  # kept
    warm_statistics()
    after = client.get("/api/v1/stats/datasets-by-access").json()
    assert by_value(after)["open"] == by_value(before)["open"] + 1


def test_re_checks_of_published_datasets_are_not_rejections(client, catalogue):
    from registry.models import ValidationRun

    d1 = Dataset.objects.get(slug="d1")
    run = d1.validation_runs.get()
    recheck = ValidationRun.objects.create(
        dataset=d1, revision=run.revision, status=ValidationRun.Status.FAILED,
        trigger=ValidationRun.Trigger.RECHECK, queued_at=run.queued_at,
        finished_at=datetime(2026, 3, 5, tzinfo=UTC),
    )  # fmt: skip
    recheck.findings.create(check_name="reachability", severity="error", message="gone")
    assert series(client, "rejections")["rows"] == []


def test_periods_are_counted_month_by_month_and_kept_so(
    client, catalogue, settings, django_assert_max_num_queries
):
    settings.SUCHI_STATS_TTL = 600
    cache.clear()
    url = "/api/v1/stats/datasets-published"
    first = client.get(f"{url}?from=2026-01&to=2026-06").json()
    with django_assert_max_num_queries(0):  # every month of it already counted
        inside = client.get(f"{url}?from=2026-02&to=2026-05").json()
    assert inside["rows"] == first["rows"][1:5]
    with django_assert_max_num_queries(2):  # only July and August are counted
        longer = client.get(f"{url}?from=2026-01&to=2026-08").json()
    assert longer["rows"][:6] == first["rows"]
    assert [r["total"] for r in longer["rows"][6:]] == [3, 3]
