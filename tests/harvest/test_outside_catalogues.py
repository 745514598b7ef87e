"""Real documents of publishers and tools Suchi had not been tried on (tests/fixtures/outside/,
README there says where each comes from), found by an outside check: each failed before its fix."""

import json
from pathlib import Path

import pytest

from harvest.models import HarvestRecord
from registry.models import Dataset

from .conftest import datajson_item, serve_json
from .test_bad_sources import harvest
from .test_real_catalogues import validate_everything_queued

pytestmark = pytest.mark.django_db

OUTSIDE = Path(__file__).resolve().parents[1] / "fixtures" / "outside"


def load(name: str):
    return json.loads((OUTSIDE / name).read_text(encoding="utf-8"))


def published(**filters) -> int:
    return Dataset.objects.filter(status__startswith="published", **filters).count()


def test_a_project_open_data_1_0_catalogue_is_read_and_published(owner, catalogue_server):
    """Socrata's data.json of 2013 (Chicago): a top-level array, keywords in one text, a file's
    accessURL with its media type (and `; charset=`) as `format`. Read as nothing at all, the
    job 'finished' with 0 records."""
    records = load("socrata-chicago-2013-pod10.json")
    job = harvest(owner, serve_json(catalogue_server, "/data.json", records))
    assert (job.status, job.gathered) == ("finished", len(records)), job.error
    validate_everything_queued()
    assert published() >= 0.95 * len(records)
    forest = Dataset.objects.get(title="Cook County - Forest Preserve Boundaries")
    assert forest.keywords == ["county", "forest preserves", "gis", "shapefiles", "sustainability"]
    dist = forest.distributions.get()
    assert (dist.media_type, dist.format) == ("application/zip", "ZIP")
    assert dist.download_url.startswith("https://data.cityofchicago.org/api/file_data/")
    assert str(forest.source_issued)[:10] == "2011-06-22"  # releaseDate


@pytest.mark.parametrize("document", [{"datasets": [datajson_item()]}, {"hello": "world"}, "x"])
def test_a_document_with_no_dataset_array_fails_and_withdraws_nothing(
    owner, catalogue_server, document
):
    url = serve_json(catalogue_server, "/data.json", {"dataset": [datajson_item()]})
    first = harvest(owner, url)
    assert first.added == 1
    serve_json(catalogue_server, "/data.json", document)  # the source changes shape
    from harvest.services import harvest_job_run, harvest_job_start

    job = harvest_job_start(source=first.source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "not a data.json catalogue" in job.error
    assert HarvestRecord.objects.get().status == "active"
    assert Dataset.objects.get().status != "withdrawn"


def test_a_source_read_as_empty_keeps_its_datasets(owner, catalogue_server, settings):
    url = serve_json(catalogue_server, "/data.json", {"dataset": [datajson_item()]})
    first = harvest(owner, url)
    serve_json(catalogue_server, "/data.json", {"dataset": []})
    first.source.withdraw_grace_hours = 0
    first.source.save()
    from harvest.services import harvest_job_run, harvest_job_start

    job = harvest_job_start(source=first.source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "listed no datasets this time; its 1 datasets are kept" in job.error
    assert Dataset.objects.get().status != "withdrawn"


def test_a_dcat_us_3_record_keeps_its_contact_period_place_and_landing_page(
    owner, catalogue_server
):
    """DCAT-US 3.0 writes nodes and lists where 1.1 has texts: all four were lost."""
    record = load("dcatus3-complete-example.json")
    job = harvest(owner, serve_json(catalogue_server, "/data.json", {"dataset": [record]}))
    assert (job.status, job.added) == ("finished", 1), (job.error, job.errors)
    dataset = Dataset.objects.get()
    assert (dataset.contact_name, dataset.contact_email) == (
        "Climate Data Support Team",
        "climate-support@example.gov",
    )
    assert (str(dataset.temporal_start), str(dataset.temporal_end)) == ("2024-01-01", "2024-12-31")
    assert dataset.spatial["bbox"] == [-125, 24, -66, 50]
    assert dataset.landing_page == "https://example.gov/datasets/climate-2024"
    assert dataset.source_publisher == "National Climate Data Center"


def test_a_kaggle_croissant_keeps_its_licence_and_keywords(owner, catalogue_server):
    """Kaggle writes its licence as a CreativeWork node: it was read as its @type."""
    url = serve_json(catalogue_server, "/croissant.json", load("croissant-kaggle-catechol.json"))
    job = harvest(owner, url, kind="croissant")
    assert (job.status, job.added) == ("finished", 1), (job.error, job.errors)
    dataset = Dataset.objects.get()
    assert (dataset.license, dataset.license_text) == ("MIT", "")
    assert "task > regression" in dataset.keywords
    assert not any(k.startswith(("sc:", "@")) for k in dataset.keywords)


def test_a_schema_org_dataset_keeps_its_data_downloads_and_defined_terms(owner, catalogue_server):
    """science-on-schema.org (as Zenodo and Dataverse write schema.org): DataDownload files and
    DefinedTerm keywords. The files were dropped; the keywords read as "DefinedTerm"."""
    document = load("schemaorg-esip-dataset-full.jsonld")
    job = harvest(owner, serve_json(catalogue_server, "/d.jsonld", document), kind="croissant")
    assert (job.status, job.added) == ("finished", 1), (job.error, job.errors)
    dataset = Dataset.objects.get()
    assert "OCEANS" in dataset.keywords and "DefinedTerm" not in dataset.keywords
    assert dataset.license == "CC-BY-4.0"
    dist = dataset.distributions.get()
    assert dist.download_url.endswith("/data/larval-krill.tsv")
    assert dist.media_type == "text/tab-separated-values"
    assert (
        dist.checksum_sha256 == "39ae639d33cea4a287198bbcdca5e6856e6607a7c91dc4c54348031be2ad4c51"
    )


def test_a_dkan_package_keeps_its_licence_box_and_frequency(owner, catalogue_server):
    """DKAN's CKAN API (Hauts-de-France, harvested from GeoNetwork by ckanext-spatial): a
    licence given only as license_title (no id), the box as four bbox-* extras and ISO 19115's
    frequency-of-update. The licence was dropped; box and frequency were only kept aside."""
    package = load("dkan-french-w-license.json")["result"]
    package = package[0] if isinstance(package, list) else package
    page = {"success": True, "result": {"count": 1, "results": [package]}}
    serve_json(catalogue_server, "/api/3/action/package_search", page)
    job = harvest(owner, catalogue_server.url(""), kind="ckan")
    assert (job.status, job.added) == ("finished", 1), (job.error, job.errors)
    dataset = Dataset.objects.get()
    assert dataset.license == "LicenseRef-Etalab-LO-1.0"
    assert dataset.spatial["bbox"] == [1.18652344, 48.80546301, 4.65820313, 51.16423318]
    assert dataset.update_frequency == "irregular"  # asNeeded


def test_ckan_periods_and_frequencies_are_read_wherever_sites_keep_them():
    from catalog.standards import ckan_fields

    for extras, period in (
        ({"temporal-extent-begin": "2001-01-01", "temporal-extent-end": "2002-12-31"}, 2002),
        ({"temporal_coverage-from": "2001-01-01", "temporal_coverage-to": "2003-12-31"}, 2003),
        ({"temporal": "2001-01-01/2004-12-31"}, 2004),
    ):
        found = ckan_fields.temporal({}, extras)
        assert (str(found["start"]), str(found["end"])[:4]) == ("2001-01-01", str(period)), extras
    package = {"time_period_coverage_start": "2001-01-01", "time_period_coverage_end": "2005-06-30"}
    assert str(ckan_fields.temporal(package, {})["end"]) == "2005-06-30"
    assert ckan_fields.frequency({"update_freq": "monthly"}, {}) == "monthly"
    assert ckan_fields.frequency({}, {"accrualPeriodicity": "R/P1Y"}) == "R/P1Y"


def test_a_geodcat_record_with_an_abstract_a_named_publisher_and_coded_themes(
    owner, catalogue_server
):
    """As GeoNetwork and ArcGIS Hub write DCAT: dct:abstract for the description, a publisher
    that is only a name, themes of INSPIRE, GEMET and opendata.swiss without labels, and no
    distribution with an address: the dataset's IRI is the way to it. It was rejected."""
    from .test_european_dcat import PREFIXES

    ttl = (
        PREFIXES
        + """
    <https://geo.example.org/records/ab12> a dcat:Dataset ; dct:identifier "ab12" ;
      dct:title "Carnoules mine water chemistry" ;
      dct:abstract "Chemistry of the water of the former mining site of Carnoules." ;
      dct:publisher "HydroSciences Montpellier" ;
      dcat:theme <http://inspire.ec.europa.eu/theme/ef>, <http://www.eionet.europa.eu/gemet/concept/834>,
        <http://opendata.swiss/themes/education> ;
      dcat:distribution <https://geo.example.org/records/ab12#OGC:WMS-stations> ."""
    )
    url = catalogue_server.serve("/geo.ttl", ttl.encode(), "text/turtle")
    job = harvest(owner, url, kind="dcat")
    assert (job.status, job.added) == ("finished", 1), (job.error, job.errors)
    validate_everything_queued()
    dataset = Dataset.objects.get()
    assert dataset.status.startswith("published"), dataset.status
    assert dataset.description.startswith("Chemistry of the water")
    assert dataset.source_publisher == "HydroSciences Montpellier"
    assert dataset.landing_page == "https://geo.example.org/records/ab12"
    assert "EDUC" in dataset.themes or "education" in dataset.keywords
    assert not any(k.startswith("http") for k in dataset.keywords)
    assert dataset.provenance["source_fields"]["dcat:theme"] == [
        "http://inspire.ec.europa.eu/theme/ef",
        "http://www.eionet.europa.eu/gemet/concept/834",
    ]
