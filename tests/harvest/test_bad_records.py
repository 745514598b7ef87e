"""Bad records in a real-looking catalogue (issue #17): each is kept, mapped or refused with a
reason a person can read — never a 500, never a lost job, never a half-written record."""

import pytest

from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset, ValidationFinding

from .conftest import serve_json
from .test_real_catalogues import validate_everything_queued

pytestmark = pytest.mark.django_db


def record(identifier: str, **fields) -> dict:
    base = {
        "identifier": identifier,
        "title": f"Record {identifier}",
        "description": f"What record {identifier} holds, in a sentence or two.",
        "keyword": ["test"],
        "accessLevel": "public",
        "landingPage": f"https://example.org/{identifier}",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "contactPoint": {"fn": "Data desk", "hasEmail": "mailto:data@example.org"},
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def harvest(owner, server, records: list[dict]):
    url = serve_json(server, "/bad.json", {"dataset": records})
    source = harvest_source_create(institution=owner, name="bad", kind="datajson", url=url)
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    validate_everything_queued()
    job.refresh_from_db()
    assert job.status == "finished", job.error
    return job


def dataset(identifier: str) -> Dataset:
    return Dataset.objects.get(provenance__remote_id=identifier)


def warnings_of(ds: Dataset) -> set[str]:
    return set(
        ValidationFinding.objects.filter(run__dataset=ds, severity="warning").values_list(
            "field", flat=True
        )
    )


def test_a_record_without_a_title_is_refused_and_the_report_names_it(owner, catalogue_server):
    job = harvest(owner, catalogue_server, [record("no-title", title=None), record("fine")])
    assert job.failed == 1 and job.added == 1
    assert any(line.startswith("no-title: title") for line in job.errors), job.errors
    assert dataset("fine").status == "published"


@pytest.mark.parametrize(
    ("stated", "license", "license_text"),
    [
        ("", "", ""),
        ("Public Domain", "LicenseRef-Public-Domain", ""),
        ("See terms of use", "", "See terms of use"),
        ("https://example.org/our-terms", "", "https://example.org/our-terms"),
        ("http://www.usa.gov/publicdomain/label/1.0/", "LicenseRef-US-Public-Domain", ""),
        ("https://creativecommons.org/publicdomain/zero/1.0/legalcode", "CC0-1.0", ""),
    ],
)
def test_licences_are_mapped_or_kept_verbatim_never_dropped(
    owner, catalogue_server, stated, license, license_text
):
    harvest(owner, catalogue_server, [record("lic", license=stated)])
    ds = dataset("lic")
    assert ds.status == "published"
    assert (ds.license, ds.license_text) == (license, license_text)
    if license_text:
        assert "license_text" in warnings_of(ds)
        finding = ValidationFinding.objects.get(run__dataset=ds, field="license_text")
        assert license_text in finding.message and finding.severity == "warning"
    if not stated:
        assert "license" in warnings_of(ds)


def test_themes_that_are_not_strings_and_free_text_themes(owner, catalogue_server):
    themes = [1, None, {"x": 1}, ["Health"], "Travel and Transportation", "Blue sky thinking"]
    harvest(owner, catalogue_server, [record("themes", theme=themes, keyword=["hospital beds"])])
    ds = dataset("themes")
    assert ds.status == "published"
    assert ds.themes == ["TRAN"]
    assert "Blue sky thinking" in ds.keywords  # an unmatched theme stays, as a keyword
    assert ds.provenance["source_fields"]["theme"][4] == "Travel and Transportation"


@pytest.mark.parametrize(
    ("temporal", "start", "end"),
    [
        ("2014-05", "2014-05-01", "2014-05-31"),
        ("2020-01-01/..", "2020-01-01", None),
        ("2010/2015", "2010-01-01", "2015-12-31"),
        ("2015-06-01T00:00:00Z/2016-06-30T00:00:00Z", "2015-06-01", "2016-06-30"),
        ("R/2010-01-01/P1Y", "2010-01-01", None),
        ("2016/2010", "2016-01-01", None),  # an end before the start is dropped
        ("last year", None, None),
    ],
)
def test_dates_as_real_feeds_write_them(owner, catalogue_server, temporal, start, end):
    harvest(owner, catalogue_server, [record("when", temporal=temporal)])
    ds = dataset("when")
    assert ds.status == "published"
    got = (
        ds.temporal_start.isoformat() if ds.temporal_start else None,
        ds.temporal_end.isoformat() if ds.temporal_end else None,
    )
    assert got == (start, end)
    assert ds.provenance["source_fields"]["temporal"] == temporal  # as written, kept


@pytest.mark.parametrize(
    ("periodicity", "frequency"),
    [("R/P1Y", "annual"), ("irregular", "irregular"), ("R/P1M", "monthly"), ("R/P10Y", "")],
)
def test_update_frequencies(owner, catalogue_server, periodicity, frequency):
    harvest(owner, catalogue_server, [record("freq", accrualPeriodicity=periodicity)])
    assert dataset("freq").update_frequency == frequency


def test_distributions_without_a_url_or_with_an_invalid_media_type(owner, catalogue_server):
    distributions = [
        {"title": "Nowhere", "format": "CSV"},
        {"downloadURL": "https://example.org/a.csv", "mediaType": "not a type", "format": "CSV"},
    ]
    harvest(owner, catalogue_server, [record("dist", distribution=distributions)])
    ds = dataset("dist")
    assert ds.status == "published"
    (only,) = ds.distributions.all()
    assert (only.media_type, only.format) == ("", "CSV")
    kept = ds.provenance["source_fields"]["distribution (no http(s) downloadURL or accessURL)"]
    assert kept == [{"title": "Nowhere", "format": "CSV"}]


def test_no_way_to_reach_the_data_keeps_a_record_out_with_the_reason(owner, catalogue_server):
    harvest(
        owner,
        catalogue_server,
        [record("nowhere", landingPage=None, contactPoint=None, distribution=[])],
    )
    ds = dataset("nowhere")
    assert ds.status == "rejected"
    (finding,) = ValidationFinding.objects.filter(run__dataset=ds, severity="error")
    assert finding.field == "distributions"


def test_ten_thousand_keywords(owner, catalogue_server):
    words = [f"word {n}" for n in range(10_000)]
    harvest(owner, catalogue_server, [record("many", keyword=words)])
    ds = dataset("many")
    assert ds.status == "published"
    assert ds.keywords == words[:50]


def test_html_and_script_in_descriptions_are_escaped_on_pages(owner, catalogue_server, client):
    nasty = '<script>alert("x")</script><img src=x onerror=alert(1)> <b>bold</b>'
    harvest(owner, catalogue_server, [record("html", title=f"T {nasty}", description=nasty)])
    ds = dataset("html")
    # The description's HTML becomes Markdown, its script and image dropped; the title is kept
    # as the source wrote it, and escaped on the page.
    assert ds.status == "published" and ds.description == "**bold**"
    assert ds.title == f"T {nasty}"
    page = client.get(f"/datasets/{ds.pk}", HTTP_ACCEPT="text/html").content.decode()
    assert "<script>alert" not in page and "onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert" in page


def test_an_identifier_repeated_with_different_content_keeps_the_first(owner, catalogue_server):
    job = harvest(
        owner,
        catalogue_server,
        [record("twice", title="First version"), record("twice", title="Second version")],
    )
    assert Dataset.objects.filter(provenance__remote_id="twice").count() == 1
    assert dataset("twice").title == "First version"
    assert job.failed == 1
    assert any("twice" in line and "more than once" in line for line in job.errors)


def test_an_empty_description_is_a_warning_for_a_harvested_record(owner, catalogue_server):
    harvest(owner, catalogue_server, [record("quiet", description="")])
    ds = dataset("quiet")
    assert ds.status == "published"
    assert "description" in warnings_of(ds)


def test_the_rest_of_a_dcat_us_record_is_kept_in_the_provenance(owner, catalogue_server):
    extra = {
        "bureauCode": ["015:11"],
        "programCode": ["015:001"],
        "rights": "Some rows are withheld.",
        "spatial": "-124.7,24.5,-66.9,49.4",
        "describedBy": "https://example.org/dictionary.json",
        "references": ["https://example.org/paper"],
        "publisher": {"name": "Bureau", "subOrganizationOf": {"name": "Department"}},
    }
    harvest(owner, catalogue_server, [record("full", **extra)])
    ds = dataset("full")
    kept = ds.provenance["source_fields"]
    for key, value in extra.items():
        assert kept[key] == value, key
    assert ds.spatial["bbox"] == [-124.7, 24.5, -66.9, 49.4]
