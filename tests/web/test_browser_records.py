"""Records in a real browser (Playwright driving Debian's Chromium) against a live server: an
institution's editor reports a personal-data breach in the console (DPDP Rules 2025 rule 7)
and the citizen affected is told; a citizen, in Hindi, reads everything Suchi holds about them
on one page (First Schedule) and closes their account."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from consent.models import CitizenProfile, ConsentArtefact
from consent.services import consent_grant
from core.inprocess import drain
from identity.models import Notification
from registry.models import Membership
from rights.breaches import breach_notify
from rights.models import BreachReport

from ..factories import make_citizen
from .conftest import PASSWORD, ask, browser_sign_in, consent_parties

pytestmark = pytest.mark.django_db(transaction=True)

BREACH = {
    "What happened": "A laptop holding discharge summaries was stolen in Mysuru on 1 December.",
    "What it may mean for the citizens": "Someone may read your diagnosis.",
    "What you have done and are doing": "The disk was encrypted; we changed every password.",
    "What the citizens can do": "Be wary of calls quoting your hospital stay.",
    "Who answers their questions": "Dr Anil Kumar, anil.kumar@health.example",
}


def _when(delta: timedelta) -> str:
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def test_an_editor_reports_a_breach_and_the_citizen_is_told(live_server, browser):
    consumer, provider, dataset = consent_parties()
    editor = get_user_model().objects.create_user("health.editor", password=PASSWORD)
    Membership.objects.create(user=editor, institution=provider, role=Membership.Role.EDITOR)
    asha = make_citizen("asha@suchi", PASSWORD)
    consent_grant(citizen=asha, request_id=ask(consumer, asha, [dataset]).pk, actor="test")
    base = live_server.url

    page = browser_sign_in(browser, base, "health.editor", "/console/login")
    page.goto(base + "/console/ka-health/breaches/new")
    assert page.get_by_role("heading", level=1).inner_text() == "Report a breach"
    for label, text in BREACH.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label("When it happened (if known)").fill(_when(-timedelta(days=1)))
    page.get_by_label("When you found it").fill(_when(-timedelta(hours=2)))
    page.get_by_label("Discharge summaries").check()
    page.get_by_role("button", name="Report the breach and tell the citizens").click()

    report = BreachReport.objects.get()
    assert page.url == f"{base}/console/ka-health/breaches/{report.pk}"
    assert f"Breach {report.reference} is reported" in page.inner_text("main")
    assert page.get_by_role("heading", level=1).inner_text() == f"Breach {report.reference}"
    assert page.inner_text("#breach-description") == BREACH["What happened"]
    assert list(report.datasets.all()) == [dataset]
    assert "health.editor" in report.created_by

    assert drain(timeout=20)  # embedded: the notification job runs on the web process's pool
    breach_notify(report_id=report.pk)  # with a broker, what a worker does (else a no-op)
    told = Notification.objects.filter(citizen=asha, kind="breach.reported", about=report.pk)
    assert told.filter(channel="inbox").count() == 1
    page.reload()
    assert "1 citizen affected was told" in page.inner_text("#breach-affected")


def test_a_citizen_in_hindi_reads_her_records_and_closes_her_account(live_server, browser):
    consumer, _provider, dataset = consent_parties()
    sunita = make_citizen("sunita@suchi", PASSWORD, language="hi")
    _request, (artefact,) = consent_grant(
        citizen=sunita, request_id=ask(consumer, sunita, [dataset]).pk, actor="test"
    )
    base = live_server.url

    page = browser_sign_in(browser, base, "sunita@suchi")
    page.goto(base + "/portal/account")
    assert page.get_attribute("html", "lang") == "hi"
    page.get_by_role("link", name="अपने सभी रिकॉर्ड एक पृष्ठ पर पढ़ें").click()
    assert page.url == base + "/portal/export/report"
    assert page.get_attribute("html", "lang") == "hi"
    assert page.get_by_role("heading", level=1).inner_text() == "सूची के पास आपके बारे में जो कुछ है"
    assert "खाता sunita@suchi" in page.inner_text("main .lead")
    consents = page.locator("section[aria-labelledby=consents-h]")
    assert consents.get_by_role("heading", level=2).inner_text() == "आपकी दी गई सहमतियाँ"
    row = consents.locator("tbody tr").filter(has_text="Suraksha Insurance")
    assert "Department of Health, Karnataka" in row.inner_text()
    assert "सक्रिय" in row.inner_text()  # Active

    page.goto(base + "/portal/account")
    page.get_by_role("link", name="मेरा खाता बंद करें").click()
    assert page.url == base + "/portal/account/close"
    page.get_by_label("पुष्टि के लिए अपना हैंडल लिखें").fill("sunita@suchi")
    page.get_by_role("button", name="मेरा खाता बंद करें").click()
    assert page.get_by_role("heading", level=1).inner_text() == "आपका खाता बंद हो गया है"
    assert "रद्द की गई सहमतियाँ: 1" in page.inner_text("main")  # consents revoked: 1

    assert CitizenProfile.objects.get(pk=sunita.pk).closed_at is not None
    artefact.refresh_from_db()
    assert artefact.status == ConsentArtefact.Status.REVOKED
