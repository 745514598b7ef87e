"""Breach intimation (DPDP Act 2023 s.8(6), Rules 2025 rule 7) through the API: an institution
reports a breach naming a dataset, and each of 1,000 affected citizens is told once (inbox, and
e-mail through a real SMTP server where they verified an address), in their language, with the
five things rule 7(1) lists and no record; citizens of other institutions' consents are not
told; a second run tells no one again; bad input is refused naming the field, writing nothing;
another institution cannot read the report.

With a broker nothing runs in the test process by itself, so each test tells the citizens
with breach_notify (a no-op when the embedded default already did it on commit) and delivers
the due e-mails itself, as the workers would."""

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from consent.models import CitizenProfile, ConsentArtefact, ConsentRequest
from consent.services import consent_grant
from core.inprocess import drain
from identity.models import Notification, VerifiedIdentifier
from identity.notifications import notification_deliver, notifications_due
from rights.breaches import breach_notices_sweep, breach_notify
from rights.models import BreachReport

from ..consent.conftest import bearer
from ..factories import make_institution, make_token, publish_consent_dataset
from ..identity.test_notifications import reachable
from ..web.conftest import ask

pytestmark = pytest.mark.django_db(transaction=True)
KIND = "breach.reported"
CITIZENS = 1000
TEXTS = {
    "description": "On 2 December a storage bucket exposed scanned discharge summaries.",
    "consequences": "Someone may have read your diagnosis and the dates of your stay.",
    "mitigation": "We closed the bucket on 3 December and rotated its keys.",
    "safety_steps": "Be wary of calls quoting your hospital stay; we never ask for an OTP.",
    "contact": "Meera Rao, data protection officer, dpo@suraksha.example",
}
LABELS = [
    "What happened:",
    "What it may mean for you:",
    "What Suraksha Insurance has done and is doing:",
    "What you can do to protect yourself:",
    "Who can answer your questions:",
]


@pytest.fixture
def parties(db):
    """A provider and its consent dataset; Suraksha and Bima, two consumers of it, each with a
    token that may report breaches."""
    provider = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    suraksha = make_institution(
        slug="suraksha", name="Suraksha Insurance", kind="private", is_consumer=True,
        is_provider=False,
    )  # fmt: skip
    bima = make_institution(
        slug="bima", name="Bima Insurance", kind="private", is_consumer=True, is_provider=False
    )
    dataset = publish_consent_dataset(provider, title="Discharge summaries")
    return {
        "provider": provider,
        "suraksha": suraksha,
        "bima": bima,
        "dataset": dataset,
        "suraksha_api": bearer(make_token(suraksha, scopes=("breaches:report",))),
        "bima_api": bearer(make_token(bima, scopes=("breaches:report",))),
        "provider_api": bearer(make_token(provider, scopes=("breaches:report",))),
    }


def _grant(consumer, citizen, dataset) -> ConsentArtefact:
    request = ask(consumer, citizen, [dataset])
    _request, (artefact,) = consent_grant(citizen=citizen, request_id=request.pk, actor="test")
    return artefact


def _copies(template: ConsentArtefact, n: int, prefix: str, *, consumer=None) -> list:
    """n citizens, each with a copy of the template's request and artefact (for setup only:
    the ledger, signatures and notifications of a real grant are skipped)."""
    User = get_user_model()
    User.objects.bulk_create(User(username=f"{prefix}{i}@suchi") for i in range(n))
    users = User.objects.filter(username__startswith=prefix).order_by("pk")
    CitizenProfile.objects.bulk_create(CitizenProfile(user=u, handle=u.username) for u in users)
    citizens = list(CitizenProfile.objects.filter(handle__startswith=prefix).order_by("pk"))
    request = template.request
    consumer_id = consumer.pk if consumer else template.consumer_id

    def clone(obj, **changes):
        fields = {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}
        return type(obj)(**{**fields, "id": uuid.uuid4(), **changes})

    requests = [
        clone(request, citizen_id=c.pk, citizen_handle=c.handle, consumer_id=consumer_id)
        for c in citizens
    ]
    ConsentRequest.objects.bulk_create(requests)
    artefacts = [
        clone(template, request_id=r.pk, citizen_id=c.pk, consumer_id=consumer_id,
              status="revoked" if i % 7 == 0 else "active")
        for i, (r, c) in enumerate(zip(requests, citizens, strict=True))
    ]  # fmt: skip
    ConsentArtefact.objects.bulk_create(artefacts)
    through = ConsentArtefact.datasets.through
    through.objects.bulk_create(
        through(consentartefact_id=a.pk, dataset_id=d)
        for a in artefacts
        for d in template.datasets.values_list("pk", flat=True)
    )
    return citizens


def _report(api, **body):
    payload = {**TEXTS, "discovered_at": timezone.now().isoformat(), **body}
    response = api.post("/api/v1/breaches", payload, format="json")
    drain()  # embedded: the job runs on the web process's pool; wait for it (no-op with a broker)
    return response


def _deliver() -> Counter:
    outcomes: Counter = Counter()
    while due := notifications_due():
        for notification_id in due:
            outcomes[notification_deliver(notification_id=notification_id)] += 1
    return outcomes


def _inbox_counts(report_id) -> dict:
    rows = (
        Notification.objects.filter(about=report_id, kind=KIND, channel="inbox")
        .values("citizen")
        .annotate(n=Count("pk"))
    )
    return {row["citizen"]: row["n"] for row in rows}


def test_a_breach_naming_a_dataset_reaches_each_of_1000_citizens_once(smtp, parties, asha, ravi):
    dataset = parties["dataset"]
    template = _grant(parties["suraksha"], asha, dataset)
    _grant(parties["suraksha"], ravi, dataset)
    many = _copies(template, CITIZENS - 2, "bulk")
    outsiders = _copies(template, 5, "outsider", consumer=parties["bima"])
    affected = [asha, ravi, *many]
    now = timezone.now()
    emailed = {f"c{c.pk}@example.in": c for c in [*many[::10], *outsiders]}
    VerifiedIdentifier.objects.bulk_create(
        VerifiedIdentifier(citizen=c, kind="email", value=address, verified_at=now)
        for address, c in emailed.items()
    )
    reachable(asha, email="asha@example.in")
    reachable(ravi, email="ravi@example.in")
    expected_mail = {a for a, c in emailed.items() if c not in outsiders}
    expected_mail |= {"asha@example.in", "ravi@example.in"}

    response = _report(
        parties["suraksha_api"],
        datasets=[str(dataset.pk)],
        occurred_at=(now - timedelta(days=2)).isoformat(),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("BRC-") and len(body["reference"]) == 17
    assert response["Location"] == f"/api/v1/breaches/{body['id']}"
    assert body["datasets"] == [{"id": str(dataset.pk), "title": "Discharge summaries"}]
    assert {k: body[k] for k in TEXTS} == TEXTS

    told = breach_notify(report_id=body["id"])  # embedded: already done on commit, so 0
    assert told in (0, CITIZENS)
    assert breach_notify(report_id=body["id"]) == 0  # a second run tells no one again
    counts = _inbox_counts(body["id"])
    assert counts == {c.pk: 1 for c in affected}
    assert not set(counts) & {c.pk for c in outsiders}

    outcomes = _deliver()
    assert set(outcomes) <= {"delivered"}
    received = Counter(m["To"] for m in smtp.messages)
    assert received == dict.fromkeys(expected_mail, 1)
    (to_ravi,) = [m for m in smtp.messages if m["To"] == "ravi@example.in"]
    assert to_ravi["Content-Language"] == "hi"
    (to_asha,) = [m for m in smtp.messages if m["To"] == "asha@example.in"]
    assert to_asha["Content-Language"] == "en"
    assert to_asha["Subject"] == "Suraksha Insurance reports a breach of your personal data"

    assert breach_notify(report_id=body["id"]) == 0
    assert _deliver() == Counter()
    report = BreachReport.objects.get(pk=body["id"])
    assert report.affected == CITIZENS and report.notified_at is not None
    shown = parties["suraksha_api"].get(f"/api/v1/breaches/{body['id']}").json()
    assert shown["affected"] == CITIZENS
    assert shown["delivery"]["inbox"] == {"pending": 0, "sent": CITIZENS, "failed": 0}
    assert shown["delivery"]["email"] == {"pending": 0, "sent": len(expected_mail), "failed": 0}


def test_the_message_holds_the_five_rule_7_items_and_no_record(parties, asha, ravi):
    artefact = _grant(parties["suraksha"], asha, parties["dataset"])
    _grant(parties["suraksha"], ravi, parties["dataset"])
    # The provider names one artefact only: its citizen is told, no one else.
    response = _report(parties["provider_api"], artefacts=[str(artefact.pk)])
    assert response.status_code == 201, response.content
    report_id = response.json()["id"]
    breach_notify(report_id=report_id)
    (inbox,) = Notification.objects.filter(about=report_id, kind=KIND, channel="inbox")
    assert inbox.citizen_id == asha.pk
    assert inbox.subject == "Department of Health, Karnataka reports a breach of your personal data"
    labels = [
        label.replace("Suraksha Insurance", "Department of Health, Karnataka") for label in LABELS
    ]
    for label, (field, text) in zip(labels, TEXTS.items(), strict=True):
        assert f"{label} {text}" in inbox.body, field
    assert response.json()["reference"] in inbox.body
    assert inbox.link.endswith("/portal/inbox") and inbox.link in inbox.body
    for record in (str(artefact.pk), str(parties["dataset"].pk), artefact.jws, asha.handle):
        assert record not in inbox.body


def test_a_notice_job_that_was_lost_is_queued_again_and_tells_no_one_twice(parties, asha):
    artefact = _grant(parties["suraksha"], asha, parties["dataset"])
    response = _report(parties["provider_api"], artefacts=[str(artefact.pk)])
    assert response.status_code == 201, response.content
    report_id = response.json()["id"]
    breach_notify(report_id=report_id)
    # The worker died before it recorded the report as told.
    BreachReport.objects.filter(pk=report_id).update(notified_at=None, affected=0)
    assert breach_notices_sweep() == []  # not lost yet: it may still be running
    assert breach_notices_sweep(now=timezone.now() + timedelta(minutes=11)) == [report_id]
    drain()
    breach_notify(report_id=report_id)  # what a worker does with the job (the embedded one did)
    report = BreachReport.objects.get(pk=report_id)
    assert report.notified_at is not None and report.affected == 1
    assert _inbox_counts(report_id) == {asha.pk: 1}


def test_a_consumer_tells_only_the_citizens_of_its_own_consents(parties, asha, ravi):
    dataset = parties["dataset"]
    _grant(parties["suraksha"], asha, dataset)
    _grant(parties["bima"], ravi, dataset)
    response = _report(parties["bima_api"], datasets=[str(dataset.pk)])
    assert response.status_code == 201, response.content
    breach_notify(report_id=response.json()["id"])
    assert _inbox_counts(response.json()["id"]) == {ravi.pk: 1}


def test_bad_input_is_refused_naming_the_field_and_writes_nothing(parties, asha):
    dataset = parties["dataset"]
    own = _grant(parties["suraksha"], asha, dataset)
    others = _grant(parties["bima"], asha, dataset)
    stranger = make_institution(slug="sahyadri", name="Sahyadri Hospital")
    unrelated = publish_consent_dataset(stranger, title="Admissions")
    api = parties["suraksha_api"]
    named = {"datasets": [str(dataset.pk)]}
    later = (timezone.now() + timedelta(days=1)).isoformat()
    cases = [
        ({**named, "description": ""}, "description"),
        ({**named, "consequences": "   "}, "consequences"),
        ({**named, "mitigation": 42}, "mitigation"),
        ({**named, "safety_steps": ""}, "safety_steps"),
        ({**named, "contact": ""}, "contact"),
        ({}, "datasets"),
        ({"datasets": [], "artefacts": []}, "datasets"),
        ({"datasets": [str(unrelated.pk)]}, "datasets[0]"),
        ({"datasets": [str(dataset.pk), str(uuid.uuid4())]}, "datasets[1]"),
        ({"datasets": ["not-an-id"]}, "datasets[0]"),
        ({"artefacts": [str(own.pk), str(others.pk)]}, "artefacts[1]"),
        ({**named, "discovered_at": later}, "discovered_at"),
        ({**named, "occurred_at": later}, "occurred_at"),
        ({**named, "discovered_at": None}, "discovered_at"),
        ({**named, "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        response = _report(api, **body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"], (body, response.json())
    # Another's artefact is refused as one that does not exist.
    missing = _report(api, artefacts=[str(uuid.uuid4())]).json()["errors"]["artefacts[0]"]
    theirs = _report(api, artefacts=[str(others.pk)]).json()["errors"]["artefacts[0]"]
    assert missing == theirs
    assert not BreachReport.objects.exists()
    assert not Notification.objects.filter(kind=KIND).exists()


def test_another_institution_cannot_read_the_report_and_none_is_deleted(parties, asha):
    _grant(parties["suraksha"], asha, parties["dataset"])
    body = _report(parties["suraksha_api"], datasets=[str(parties["dataset"].pk)]).json()
    url = f"/api/v1/breaches/{body['id']}"
    assert parties["bima_api"].get(url).status_code == 404
    assert parties["bima_api"].get("/api/v1/breaches").json()["count"] == 0
    listed = parties["suraksha_api"].get("/api/v1/breaches").json()
    assert [r["reference"] for r in listed["results"]] == [body["reference"]]
    assert parties["suraksha_api"].delete(url).status_code == 405
    unscoped = bearer(make_token(parties["suraksha"], scopes=("grievances:answer",)))
    assert unscoped.get(url).status_code == 403
    assert BreachReport.objects.filter(pk=body["id"]).exists()


def test_the_list_reads_a_page_in_six_queries_however_many_reports(
    parties, asha, django_assert_num_queries
):
    """The token, the count, the page, its datasets, its artefacts, its delivery counts."""
    _grant(parties["suraksha"], asha, parties["dataset"])
    api = parties["suraksha_api"]
    for reports in (1, 2, 3):
        _report(api, datasets=[str(parties["dataset"].pk)])
        api.get("/api/v1/breaches")  # the token's last use is recorded once in a while
        with django_assert_num_queries(6):
            assert api.get("/api/v1/breaches").json()["count"] == reports
