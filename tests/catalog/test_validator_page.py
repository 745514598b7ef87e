"""The page /validate: a form with a file input that works without JavaScript, and the report
in plain language, grouped by the node each result is about."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WITH_VIOLATIONS = FIXTURES / "validator" / "catalogue-with-violations.ttl"


@pytest.fixture
def browser(db):
    return Client(enforce_csrf_checks=True)


def _upload(browser, name: str, content: bytes, media_type: str = ""):
    page = browser.get(reverse("validate-page"))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    return browser.post(
        reverse("validate-page"),
        {
            "csrfmiddlewaretoken": token.decode(),
            "document": SimpleUploadedFile(name, content),
            "media_type": media_type,
        },
    )


def test_the_page_is_a_form_with_a_file_input_and_no_script(browser):
    response = browser.get(reverse("validate-page"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and 'name="media_type"' in html
    assert "csrfmiddlewaretoken" in html
    assert "<script" not in html
    assert "script-src" not in response["Content-Security-Policy"]


def test_an_upload_gets_its_report_grouped_by_focus_node_with_counts(browser):
    response = _upload(browser, "catalogue.ttl", WITH_VIOLATIONS.read_bytes())
    assert response.status_code == 200
    html = response.content.decode()
    assert "does not conform to DCAT-AP 3.0.1: 5 violations" in html
    assert html.count('class="validation-group"') == 4  # five results about four nodes
    assert "&lt;https://data.example.in/record/beds&gt;</code>" in html
    assert "(2 results)" in html
    assert (
        "Dataset &lt;https://data.example.in/d/beds&gt; has no dct:description "
        "(required: at least 1)." in html
    )


def test_the_format_chosen_wins_over_the_file_name(browser):
    response = _upload(browser, "upload.bin", (FIXTURES / "datajson" / "fcc.json").read_bytes(),
                       "application/json")  # fmt: skip
    assert response.status_code == 200
    assert "does not conform to DCAT-US 1.1: 10 violations" in response.content.decode()


def test_a_file_name_that_does_not_tell_the_format_asks_for_it(browser):
    response = _upload(browser, "catalogue", WITH_VIOLATIONS.read_bytes())
    assert response.status_code == 400
    assert "Choose the format" in response.content.decode()


def test_a_file_that_cannot_be_read_says_why(browser):
    response = _upload(browser, "broken.json", b'{"dataset": [')
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was not checked" in html
    assert "line 1, column 14" in html


def test_a_post_without_the_csrf_token_is_refused(browser):
    response = browser.post(
        reverse("validate-page"), {"document": SimpleUploadedFile("c.ttl", b"x")}
    )
    assert response.status_code == 403
