"""The public /stats and quality pages: charts as well-formed SVG with a title and a
description, the numbers in a table beside each, English and Hindi, no script; periods that are
inverted or absurd are refused; the pages pass axe-core in a real browser."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from ..factories import make_institution, publish

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def published(db):
    cache.clear()
    office = make_institution(slug="office", name="Statistics Office")
    for n in range(3):
        publish(office, slug=f"s{n}")
    return office


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, flags=re.S)]


def test_every_chart_is_well_formed_svg_with_a_title_a_description_and_its_table(client, published):
    response = client.get("/stats")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script" not in html
    charts = svgs(html)
    assert len(charts) >= 10
    for chart in charts:
        assert chart.get("role") == "img"
        title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
        assert title is not None and title.text.strip()
        assert desc is not None and desc.text.strip()
        assert chart.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # The numbers beside the chart are the API's.
    access = client.get("/api/v1/stats/datasets-by-access").json()
    figure = html.split('id="datasets-by-access"', 1)[1].split("</figure>", 1)[0]
    assert "<table>" in figure and "<svg" in figure
    for row in access["rows"]:
        assert (
            f'<th scope="row">{row["label"]}</th><td class="num">{row["datasets"]}</td>' in figure
        )
    assert 'href="/api/v1/stats/datasets-by-access.csv"' in figure


def test_the_pages_read_in_hindi(client, published):
    client.cookies["suchi_language"] = "hi"
    for path in ("/stats", "/quality", "/quality/office"):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert '<html lang="hi"' in html
    stats = client.get("/stats").content.decode()
    assert "<h1>आँकड़े</h1>" in stats
    assert "प्रकाशित डेटासेट" in stats  # a chart's title
    assert "महीना" in stats  # a table's column
    for chart in svgs(stats):
        assert re.search("[\u0900-\u097f]", chart.find(f"{SVG}title").text), "title not in Hindi"
    quality = client.get("/quality").content.decode()
    assert "मेटाडेटा की गुणवत्ता" in quality


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-05&to=2026-01",  # inverted
        "from=1850-01",  # before anything was kept
        "to=2999-12",  # far ahead
        "from=2000-01&to=2026-01",  # longer than 120 months
        "from=2026-13",  # no such month
        "from=yesterday",
        "to=2026-1",
        "to=0000-01",  # no such year (a fuzzer found this one a 500)
        "to=1999-12",
        "to=",
    ],
)
def test_periods_inverted_or_absurd_are_refused(client, query):
    api = client.get(f"/api/v1/stats/datasets-published?{query}")
    assert api.status_code == 400, query
    body = api.json()
    assert set(body["errors"]) <= {"from", "to"} and body["detail"]
    if query == "to=":
        assert client.get(f"/stats?{query}").status_code == 200  # a form's blank: the default
        return
    page = client.get(f"/stats?{query}")
    assert page.status_code == 400
    assert "from" in page.content.decode() or "to" in page.content.decode()


def test_the_quality_pages_explain_the_dqv_metrics_they_are_named_by(client, published):
    html = client.get("/quality").content.decode()
    for name in ("findability", "accessibility", "interoperability", "reusability"):
        assert f'id="{name}"' in html and f'id="dimension-{name}"' in html
    assert 'id="fair"' in html
    assert 'href="/quality/office"' in html
    publisher = client.get("/quality/office").content.decode()
    assert "Rank 1 of 1 publishers." in publisher
    assert "The one change that would gain the most" in publisher
    assert client.get("/quality/nobody").status_code == 404


@pytest.mark.parametrize("language", ["en", "hi"])
def test_the_pages_pass_axe_core_in_a_browser(published, live_server, browser, language):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(locale=language)
    context.add_cookies([{"name": "suchi_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    for path in ("/stats", "/quality", "/quality/office"):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        results = Axe().run(page)
        violations = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]
        ]
        assert violations == [], f"{path} ({language}): {violations}"
    context.close()
