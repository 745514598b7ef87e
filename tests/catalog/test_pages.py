"""The public HTML pages: /, /datasets, /datasets/<id>, /institutions[/<slug>]."""

import re
from html.parser import HTMLParser

import pytest

from registry.models import Dataset, ValidationFinding
from registry.services import Actor, dataset_withdraw

from ..factories import dataset_payload, make_institution, publish

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def catalogue(db):
    health = make_institution(
        slug="ka-health", name="Health Department", description="Runs the district hospitals."
    )
    transport = make_institution(slug="bmtc", name="Transport Authority")
    return {
        "beds": publish(
            health,
            slug="beds",
            title="District hospital bed occupancy",
            keywords=["hospitals", "beds"],
            description="Beds in **every** district hospital.\n\n"
            "- occupied\n- vacant\n\n[Method](https://health.example/method)",
        ),
        "dengue": publish(
            health,
            slug="dengue",
            title="Dengue weekly surveillance",
            keywords=["dengue"],
            license="ODbL-1.0",
        ),
        "stops": publish(
            transport,
            slug="stops",
            title="Bus stops",
            keywords=["bus stops"],
            themes=["TRAN"],
            distributions=[
                {
                    "title": "Stops (GeoJSON)",
                    "access_url": "https://x.example/s.geojson",
                    "download_url": "https://x.example/s.geojson?download=1",
                    "media_type": "application/geo+json",
                    "format": "GeoJSON",
                }
            ],
        ),
    }


class Outline(HTMLParser):
    """Headings, links and the page language, to check the structure a screen reader sees."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.links: list[dict] = []
        self.lang = None
        self.scripts = 0
        self.inline_styles = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a":
            self.links.append(attrs)
        # A JSON-LD block is data (schema.org markup): browsers never run it.
        if tag == "script" and attrs.get("type") != "application/ld+json":
            self.scripts += 1
        if tag == "style" or "style" in attrs:
            self.inline_styles += 1


def outline(response) -> Outline:
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


def assert_accessible_page(response):
    page = outline(response)
    assert page.lang == "en"
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"heading h{after} follows h{before}"
    assert page.scripts == 0 and page.inline_styles == 0
    assert any(link.get("href") == "#main" for link in page.links)  # the skip link
    assert "script-src" not in response["Content-Security-Policy"]  # none: default-src 'none'
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_home_points_to_the_catalogue_and_the_api_docs(client, catalogue):
    response = client.get("/")
    assert response.status_code == 200
    assert_accessible_page(response)
    hrefs = {link.get("href") for link in outline(response).links}
    assert {"/datasets", "/institutions", "/api/docs/"} <= hrefs
    assert "3 datasets" in response.content.decode()


def test_dataset_list_shows_results_facets_and_a_search_box(client, catalogue):
    response = client.get("/datasets")
    assert response.status_code == 200
    assert_accessible_page(response)
    html = response.content.decode()
    assert '<label for="q">' in html and 'id="q"' in html
    assert "3 datasets found" in html
    for dataset in catalogue.values():
        assert f'href="/datasets/{dataset.pk}"' in html
    # A facet value is a link with its count.
    assert (
        'href="?institution=ka-health">Health Department</a> <span class="count">2</span>' in html
    )


def test_search_and_filters_agree_with_the_api(client, catalogue):
    for params in ({"q": "hospital"}, {"institution": "bmtc"}, {"license": "ODbL-1.0"}):
        api = client.get("/api/v1/datasets", params).json()
        html = client.get("/datasets", params).content.decode()
        assert f"{api['count']} dataset" in html
        for result in api["results"]:
            assert f'href="/datasets/{result["id"]}"' in html


def test_active_filters_are_shown_and_removable(client, catalogue):
    html = client.get("/datasets", {"q": "bus", "institution": "bmtc", "theme": "TRAN"}).content
    html = html.decode()
    # Each filter has a link that drops it and keeps the rest of the search.
    assert 'href="?q=bus&amp;theme=TRAN" aria-label="Remove filter Institution: Transport' in html
    assert 'href="?q=bus&amp;institution=bmtc" aria-label="Remove filter Theme: Transport"' in html
    assert 'href="/datasets?q=bus">Clear all filters' in html
    # The search box keeps the filters when the words change.
    assert '<input type="hidden" name="institution" value="bmtc">' in html


def test_unknown_facet_values_give_an_empty_page_not_an_error(client, catalogue):
    response = client.get("/datasets", {"theme": "NOPE", "institution": "nobody"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 datasets found" in html and "No dataset matches" in html
    assert "Institution: nobody" in html


def test_query_text_is_escaped_everywhere_it_is_echoed(client, catalogue):
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    response = client.get("/datasets", {"q": attack, "keyword": attack})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"cursor": "forged"}, "cursor"),
        ({"cursor": "AAAA" * 50}, "cursor"),
        ({"page": 10**12}, "page"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"page": 2, "cursor": "abc"}, "page"),
        ({"sort": "popularity"}, "sort"),
        ({"q": "a" * 600}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"modified_since": "last week"}, "modified_since"),
    ],
)
def test_bad_paging_or_search_is_a_400_page_naming_the_parameter(client, catalogue, params, param):
    response = client.get("/datasets", params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f"<code>{param}</code>" in html
    assert_accessible_page(response)


def test_relevance_without_words_falls_back_to_the_default_order(client, catalogue):
    assert client.get("/datasets", {"sort": "relevance"}).status_code == 200


def test_paging_uses_numbers_for_shallow_pages_and_walks_every_result(client, catalogue, db):
    health = catalogue["beds"].institution
    for n in range(40):
        publish(health, slug=f"extra-{n}", title=f"Extra dataset {n}")
    first = client.get("/datasets").content.decode()
    assert "43 datasets found" in first
    assert 'href="?page=2" rel="next"' in first
    assert 'href="?page=3">3</a>' in first
    assert 'aria-current="page">1</a>' in first
    seen = set()
    for page in (1, 2, 3):
        html = client.get("/datasets", {"page": page}).content.decode()
        seen |= set(re.findall(r'<h3><a href="/datasets/([0-9a-f-]{36})"', html))
    assert len(seen) == 43
    last = client.get("/datasets", {"page": 3}).content.decode()
    assert 'rel="next"' not in last and 'href="?page=2" rel="prev"' in last


def test_paging_past_the_shallow_pages_follows_cursors(client, catalogue, settings):
    from catalog.api import pagination

    original = pagination.SHALLOW_ROWS
    pagination.SHALLOW_ROWS = 2 * 20  # two numbered pages of 20
    try:
        health = catalogue["beds"].institution
        for n in range(45):
            publish(health, slug=f"extra-{n}", title=f"Extra dataset {n}")
        second = client.get("/datasets", {"page": 2}).content.decode()
        assert 'href="?page=3"' not in second
        link = re.search(r'href="([^"]*cursor=[^"]+)" rel="next"', second).group(1)
        third = client.get(link.replace("&amp;", "&"))
        assert third.status_code == 200
        assert len(re.findall(r'<h3><a href="/datasets/', third.content.decode())) == 8
        assert client.get("/datasets", {"page": 3}).status_code == 400
    finally:
        pagination.SHALLOW_ROWS = original


def test_list_page_query_count_is_constant(client, catalogue, django_assert_num_queries):
    # page (with its joins) + distributions + one statement for the count and all six facets
    with django_assert_num_queries(3):
        client.get("/datasets")
    health = catalogue["beds"].institution
    for n in range(15):
        publish(health, slug=f"extra-{n}", title=f"Extra dataset {n}")
    with django_assert_num_queries(3):
        client.get("/datasets", {"q": "dataset", "institution": "ka-health", "page": 1})


def test_dataset_page_shows_metadata_source_links_quality_and_provenance(client, catalogue):
    dataset = catalogue["stops"]
    response = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT=BROWSER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]
    assert response["Last-Modified"]
    assert_accessible_page(response)
    html = response.content.decode()
    assert "<h1>Bus stops</h1>" in html
    assert '<a href="https://x.example/s.geojson" rel="nofollow noopener">' in html
    assert '<a href="https://x.example/s.geojson?download=1" rel="nofollow noopener">' in html
    assert "Creative Commons Attribution 4.0 International" in html
    assert f"{dataset.quality['score']} out of 100" in html
    assert "Schema documented" in html  # the breakdown
    assert "Transport Authority" in html and "Revision 1: Created" in html
    assert f'href="/datasets/{dataset.pk}.ttl"' in html


def test_dataset_page_says_what_validation_found_in_plain_words(client, catalogue):
    dataset = catalogue["beds"]
    run = dataset.validation_runs.get()
    ValidationFinding.objects.create(
        run=run,
        check_name="reachability",
        severity="warning",
        message="The source answered 404 Not Found.",
        field="distributions[0].access_url",
    )
    html = client.get(f"/datasets/{dataset.pk}").content.decode()
    assert "<strong>Warning</strong> · Source reachable: The source answered 404 Not Found." in html
    assert "The latest check passed." in html


def test_markdown_descriptions_render_and_nothing_runs(client, catalogue, db):
    html = client.get(f"/datasets/{catalogue['beds'].pk}").content.decode()
    assert "<strong>every</strong>" in html and "<li>occupied</li>" in html
    assert '<a href="https://health.example/method" rel="nofollow noopener ugc">Method</a>' in html
    nasty = publish(
        catalogue["beds"].institution,
        slug="nasty",
        title="Nasty",
        description="<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
        '\n\n# Big heading\n\n<a href="https://evil.example" onclick="alert(4)">y</a>',
    )
    html = client.get(f"/datasets/{nasty.pk}").content.decode()
    description = html.split('<div class="description">')[1].split("</div>")[0]
    tags = re.findall(r"<[a-zA-Z][^>]*>", description)
    assert tags, description
    for tag in tags:
        assert re.match(r"<(p|a|br|strong|em|ul|ol|li|code|pre)\b", tag), tag
        assert " on" not in tag and "javascript:" not in tag, tag
    # What was markup is now visible text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in description
    assert "<h1>" not in description and "Big heading" in description


def test_rdf_content_negotiation_still_works_and_json_goes_to_the_api(client, catalogue):
    dataset = catalogue["beds"]
    turtle = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="text/turtle")
    assert turtle["Content-Type"].startswith("text/turtle")
    assert "Accept" in turtle["Vary"]
    jsonld = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="application/ld+json")
    assert jsonld["Content-Type"].startswith("application/ld+json")
    api = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="application/json")
    assert (api.status_code, api["Location"]) == (302, f"/api/v1/datasets/{dataset.pk}")
    assert client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="*/*")["Content-Type"].startswith(
        "text/html"
    )
    assert client.get(f"/datasets/{dataset.pk}")["Content-Type"].startswith("text/html")
    refused = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="image/png")
    assert refused.status_code == 406


def test_withdrawn_dataset_page_is_a_410_and_unknown_a_404(client, catalogue):
    dataset = catalogue["dengue"]
    dataset_withdraw(dataset=dataset, actor=Actor.system("t"))
    gone = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT=BROWSER)
    assert gone.status_code == 410
    assert "This dataset was withdrawn" in gone.content.decode()
    assert_accessible_page(gone)
    # RDF clients keep their own answer.
    assert client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT="text/turtle").status_code == 410
    missing = client.get("/datasets/00000000-0000-0000-0000-000000000000", HTTP_ACCEPT=BROWSER)
    assert missing.status_code == 404
    assert "Not found" in missing.content.decode()
    assert client.get("/datasets/not-a-uuid").status_code == 404


def test_etag_and_304_on_pages(client, catalogue):
    for url in ("/datasets", f"/datasets/{catalogue['beds'].pk}", "/institutions/ka-health"):
        first = client.get(url, HTTP_ACCEPT=BROWSER)
        assert first.status_code == 200 and first["ETag"]
        again = client.get(url, HTTP_ACCEPT=BROWSER, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304


def test_institution_pages(client, catalogue):
    listing = client.get("/institutions")
    assert listing.status_code == 200
    assert_accessible_page(listing)
    html = listing.content.decode()
    assert 'href="/institutions/ka-health">Health Department</a>' in html
    assert "2 datasets" in html and "1 dataset" in html
    page = client.get("/institutions/ka-health")
    assert page.status_code == 200
    assert_accessible_page(page)
    html = page.content.decode()
    assert "Runs the district hospitals." in html
    assert f'href="/datasets/{catalogue["beds"].pk}"' in html
    assert f'href="/datasets/{catalogue["stops"].pk}"' not in html
    assert client.get("/institutions/nobody").status_code == 404


def test_pages_refuse_writes(client, catalogue):
    assert client.post("/datasets").status_code in {403, 405}  # CSRF or method: never a write
    assert client.put("/institutions").status_code == 405


def test_stylesheet_is_served_locally(client, catalogue, live_server):
    import requests

    html = client.get("/").content.decode()
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    assert href.startswith("/static/")
    css = requests.get(live_server.url + href, timeout=10)
    assert css.status_code == 200 and ":focus-visible" in css.text


def test_withdrawn_datasets_are_not_listed(client, catalogue):
    dataset_withdraw(dataset=catalogue["stops"], actor=Actor.system("t"))
    html = client.get("/datasets").content.decode()
    assert "2 datasets found" in html
    assert str(catalogue["stops"].pk) not in html
    assert Dataset.objects.filter(status="withdrawn").count() == 1


def test_a_page_past_the_last_is_a_404_page_not_an_empty_result(client, catalogue):
    response = client.get("/datasets", {"page": 99})
    assert response.status_code == 404
    assert "fewer pages" in response.content.decode()
    assert client.get("/datasets", {"page": 1}).status_code == 200


def test_a_hindi_reader_sees_the_catalogues_own_words_in_hindi(client, catalogue):
    """Themes, access, states, frequency, languages, institution kinds, quality criteria,
    revision kinds and the period covered are words of ours, so Hindi pages say them in Hindi;
    the API keeps its English labels whatever the browser asks."""
    dataset = publish(
        make_institution(slug="deccan-u", name="Deccan University", kind="academic"),
        slug="wards",
        access_rights="restricted",
        spatial={"states": ["MH", "KA"]},
        languages=["en", "mr"],
        temporal={"start": "2020-01-01", "end": None},
    )
    client.cookies["suchi_language"] = "hi"

    html = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT=BROWSER).content.decode()
    for hindi in (
        "स्वास्थ्य",  # HEAL
        "सीमित",  # restricted
        "महाराष्ट्र, कर्नाटक",
        "हर दिन",  # daily
        "अंग्रेज़ी, मराठी",
        "1 जनवरी 2020 से अब तक",
        "लाइसेंस बताया गया",  # a quality criterion
        "संशोधन 1: बनाया गया",
    ):
        assert hindi in html, hindi
    for english in ("Health", "Restricted", "Maharashtra", "Daily", "Marathi", "Licence stated"):
        assert f">{english}<" not in html and f"{english}," not in html, english
    assert "से से" not in html

    listing = client.get("/datasets", {"access": "restricted"}, HTTP_ACCEPT=BROWSER)
    listing = listing.content.decode()
    assert "सीमित" in listing and "स्वास्थ्य" in listing
    # A filter with no hits is not among the facets; its chip is still in Hindi.
    nothing = client.get("/datasets", {"theme": "EDUC", "access": "consent"}, HTTP_ACCEPT=BROWSER)
    nothing = nothing.content.decode()
    assert "शिक्षा, संस्कृति और खेल" in nothing and "हर नागरिक के लिए, उसकी सहमति से" in nothing
    assert "EDUC<" not in nothing and "consent<" not in nothing
    assert "शैक्षणिक" in client.get("/institutions", HTTP_ACCEPT=BROWSER).content.decode()

    api = client.get("/api/v1/datasets", {"access": "restricted"}, HTTP_ACCEPT_LANGUAGE="hi")
    facets = api.json()["facets"]
    assert {"value": "HEAL", "label": "Health", "count": 1} in facets["theme"]
    assert facets["access"][0]["label"] == "Restricted"


def test_a_late_datasets_quality_note_is_said_again_in_hindi_from_its_numbers():
    from datetime import UTC, datetime, timedelta

    from django.utils import translation

    from catalog.templatetags.catalog import quality_note
    from registry.quality import quality_score
    from registry.services.snapshots import snapshot_normalise

    snapshot = snapshot_normalise(
        dataset_payload(update_frequency="weekly"), known_distribution_ids=set()
    )
    quality = quality_score(snapshot, [], modified_at=datetime.now(UTC) - timedelta(days=30))
    late = next(c for c in quality["criteria"] if c["name"] == "up_to_date")
    assert late["note"] == "last updated 30 days ago; expected every 8 days or less"
    with translation.override("hi"):
        assert quality_note(late) == "अंतिम अद्यतन 30 दिन पहले; कम से कम हर 8 दिन में अपेक्षित"


def test_the_page_and_croissant_say_what_the_licence_allows_for_ai_training(client, db):
    dataset = publish(
        make_institution(slug="nc-inst"),
        slug="nc",
        license="CC-BY-NC-4.0",
        access_rights="restricted",
    )
    page = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT=BROWSER).content.decode()
    assert "Training AI models" in page
    assert "Permitted for non-commercial purposes only, with attribution" in page
    croissant = client.get(f"/datasets/{dataset.pk}/croissant.jsonld").json()
    assert "non-commercial purposes only" in croissant["usageInfo"]
    client.cookies["suchi_language"] = "hi"
    page = client.get(f"/datasets/{dataset.pk}", HTTP_ACCEPT=BROWSER).content.decode()
    assert "केवल गैर-व्यावसायिक उद्देश्यों के लिए अनुमति" in page


def test_the_meta_description_is_the_descriptions_words_not_its_markdown(client, db):
    institution = make_institution(slug="meta-inst", name="Meta Institution")
    dataset = publish(
        institution,
        slug="meta",
        title="Meta",
        description='**Bold** words & a "quote" [with a link](https://example.org/x).',
    )
    page = client.get(f"/datasets/{dataset.pk}").content.decode()
    meta = re.search(r'<meta name="description" content="([^"]*)">', page).group(1)
    assert meta == "Bold words &amp; a &quot;quote&quot; with a link."


def test_every_page_names_an_icon_that_is_served(client, db):
    """Without one, every browser asked for /favicon.ico, a 404 in every page's console."""
    import re

    from django.contrib.staticfiles import finders

    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert icon.endswith("favicon.svg")
    assert finders.find("suchi/favicon.svg")


def test_a_findings_names_show_as_code_not_backticks(client, institution):
    """Checks write field names in backticks; the public page, the console's harvest report
    and the validator showed the backticks (a new user's trial)."""
    dataset = publish(
        institution, slug="ticks", languages=[]
    )  # "Missing language (field `languages`)"
    finding = ValidationFinding.objects.filter(run__dataset=dataset, message__contains="`")
    finding = finding.exclude(field="").first()
    assert finding is not None
    page = client.get(f"/datasets/{dataset.pk}").content.decode()
    name = re.search(r"`([^`]+)`", finding.message).group(1)
    assert f"<code>{name}</code>" in page
    assert f"`{name}`" not in page
