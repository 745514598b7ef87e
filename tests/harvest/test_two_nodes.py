"""Federation: a national node harvests a state node (another Suchi, its own database, over
real HTTP) through its CKAN API, its DCAT catalogue and its REST API. A change and a
withdrawal on the state node reach the national node on the next run."""

import pytest

from harvest.models import HarvestJob, HarvestRecord
from harvest.services import harvest_job_run, harvest_job_start, harvest_source_create
from registry.models import Dataset

from ..factories import dataset_payload, make_institution
from .node import SuchiNode

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def state_node(tmp_path_factory, source_server):
    node = SuchiNode(tmp_path_factory.mktemp("state-node"), allow=[source_server.host_port])
    node.migrate()
    node.manage(
        "create_institution", "ka-health", "--name", "Health Department, Karnataka",
        "--provider", "--verified",
    )  # fmt: skip
    node.token = node.manage("issue_token", "ka-health", "--scopes", "datasets:write")
    node.start()
    node.ids = {}
    for n in range(5):
        code, body = node.call(
            "POST",
            "/api/v1/datasets",
            node.token,
            dataset_payload(slug=f"beds-{n}", title=f"Hospital beds, district {n}"),
        )
        assert code == 201, body
        assert body["status"] == "published", body  # validated against the local source
        node.ids[n] = body["id"]
    yield node
    node.stop()


def harvest(source) -> HarvestJob:
    job = harvest_job_start(source=source)
    harvest_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "finished", job.error
    return job


@pytest.fixture
def national(settings, state_node):
    settings.SUCHI_SOURCE_ALLOWLIST = [
        *settings.SUCHI_SOURCE_ALLOWLIST,
        f"127.0.0.1:{state_node.port}",
    ]
    return make_institution(slug="national", name="National Data Registry")


@pytest.mark.parametrize(("kind", "path"), [("ckan", ""), ("dcat", "/catalog.ttl"), ("suchi", "")])
def test_national_node_harvests_the_state_node_and_follows_its_changes(
    national, state_node, kind, path
):
    source = harvest_source_create(
        institution=national, name=f"Karnataka ({kind})", kind=kind, url=state_node.url + path
    )
    first = harvest(source)
    assert (first.added, first.failed) == (5, 0), first.errors
    titles = set(Dataset.objects.filter(institution=national).values_list("title", flat=True))
    assert titles == {f"Hospital beds, district {n}" for n in range(5)}
    harvested = Dataset.objects.get(title="Hospital beds, district 0")
    assert harvested.license == "CC-BY-4.0"
    assert harvested.themes == ["HEAL"]
    assert harvested.distributions.get().access_url.endswith("/beds.csv")
    assert harvested.provenance["source"]["kind"] == kind

    again = harvest(source)
    assert (again.added, again.updated, again.unchanged, again.withdrawn) == (0, 0, 5, 0)

    # On the state node: one dataset changes, one is withdrawn.
    code, body = state_node.call(
        "PATCH", f"/api/v1/datasets/{state_node.ids[1]}", state_node.token,
        {"description": f"Now with ICU beds too ({kind}). " + "x" * 100},
    )  # fmt: skip
    assert code == 200 and body["status"] == "published", body
    code, _ = state_node.call("DELETE", f"/api/v1/datasets/{state_node.ids[2]}", state_node.token)
    assert code == 200

    third = harvest(source)
    assert (third.added, third.updated, third.unchanged, third.withdrawn) == (0, 1, 3, 1)
    assert Dataset.objects.filter(institution=national).count() == 5  # no duplicates
    withdrawn = HarvestRecord.objects.get(source=source, status="withdrawn").dataset
    assert withdrawn.title == "Hospital beds, district 2"
    assert withdrawn.status == "withdrawn"
    changed = Dataset.objects.get(institution=national, title="Hospital beds, district 1")
    pending = changed.pending_revision or changed.current_revision
    assert f"ICU beds too ({kind})" in pending.snapshot["description"]

    # Put a district 2 back on the state node for the next parametrisation.
    code, body = state_node.call(
        "POST", "/api/v1/datasets", state_node.token,
        dataset_payload(slug=f"beds-2-{kind}", title="Hospital beds, district 2"),
    )  # fmt: skip
    assert code == 201, body
    state_node.ids[2] = body["id"]


@pytest.mark.parametrize(
    "search",
    [
        "/dataset?q=beds&organization=ka-health&page=2",  # a search page, as a browser shows it
        "/api/3/action/package_search?fq=organization:ka-health&rows=2&start=40",
    ],
)
def test_a_search_of_a_ckan_site_harvests_what_it_finds(national, state_node, search):
    """A CKAN source may be a search, not the whole site (one publisher of a national portal):
    its search page or its package_search URL. Paging stays the harvester's own."""
    source = harvest_source_create(
        institution=national, name="Karnataka health", kind="ckan", url=state_node.url + search
    )
    job = harvest(source)
    assert (job.added, job.failed) == (5, 0), job.errors
    record = HarvestRecord.objects.filter(source=source).first()
    assert record.remote_url.startswith(f"{state_node.url}/dataset/")  # the site's, not the API's
    nobody = harvest_source_create(
        institution=national,
        name="Nobody",
        kind="ckan",
        url=f"{state_node.url}/dataset?organization=nobody",
    )
    assert (harvest(nobody).gathered, Dataset.objects.filter(institution=national).count()) == (
        0,
        5,
    )
