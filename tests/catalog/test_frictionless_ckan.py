"""frictionless's CKAN plugin (`frictionless[ckan]`) reads our CKAN Action API as it reads CKAN:
a package with its resources, and a catalogue from package_search."""

import pytest
from frictionless import Catalog, Package
from frictionless.portals import CkanControl

from ..factories import make_institution, publish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server):
    health = make_institution(slug="ka-health", name="Health Department")
    publish(
        health,
        slug="beds",
        title="District hospital bed occupancy",
        keywords=["hospitals", "beds"],
        distributions=[
            {
                "title": "Daily occupancy",
                "access_url": "https://data.health.example/beds.csv",
                "media_type": "text/csv",
                "format": "CSV",
                "byte_size": 2048,
            },
            {
                "title": "Hospitals",
                "access_url": "https://data.health.example/hospitals.json",
                "media_type": "application/json",
                "format": "JSON",
            },
        ],
    )
    publish(health, slug="dengue", title="Dengue surveillance", keywords=["dengue"])
    return live_server.url


def test_frictionless_reads_a_package_by_ckan_dataset_url(site):
    # The plugin recognises CKAN's /dataset/<name> address and calls package_show on its base.
    package = Package(f"{site}/dataset/ka-health--beds")
    assert package.name == "ka-health--beds"
    assert package.title == "District hospital bed occupancy"
    assert [r.path for r in package.resources] == [
        "https://data.health.example/beds.csv",
        "https://data.health.example/hospitals.json",
    ]
    assert [r.format for r in package.resources] == ["csv", "json"]
    assert package.resources[0].bytes == 2048
    assert {k for k in package.keywords} == {"hospitals", "beds"}
    assert package.licenses[0]["name"] == "CC-BY-4.0"


def test_frictionless_reads_a_package_and_a_catalogue_through_a_control(site):
    package = Package(control=CkanControl(baseurl=site, dataset="ka-health--dengue"))
    assert package.title == "Dengue surveillance"
    catalog = Catalog(control=CkanControl(baseurl=site, organization_name="ka-health"))
    assert sorted(d.package.name for d in catalog.datasets) == [
        "ka-health--beds",
        "ka-health--dengue",
    ]
