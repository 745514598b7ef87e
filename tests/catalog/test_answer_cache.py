"""Anonymous searches are answered from the cache, and revalidated with ETags, under the
catalogue's version (registry/version.py, core/response_cache.py): never stale. A publish, an
update, a withdrawal, an institution's new name and a bulk update in raw SQL are each visible
on the very next request, through a real HTTP client against a live server. PostgreSQL keeps
the version; the embedded default (SQLite) caches nothing."""

import pytest
import requests
from django.db import connection, transaction

from registry.models import Dataset, ValidationRun
from registry.services import Actor, dataset_update, dataset_withdraw, validation_run_execute

from ..factories import make_institution, publish

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = Actor.system("test")


@pytest.fixture
def catalogue(live_server):
    if connection.vendor != "postgresql":
        pytest.skip("the catalogue's version is kept on PostgreSQL (the PostgreSQL CI run)")
    institution = make_institution(slug="ka-health", name="Health Department, Karnataka")
    first = publish(institution, slug="icu-beds", title="ICU beds in district hospitals")
    return {"url": f"{live_server.url}/api/v1/datasets", "institution": institution, "first": first}


def search(url: str, **headers) -> requests.Response:
    return requests.get(url, params={"q": "hospitals"}, headers=headers, timeout=30)


def titles(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(item["title"] for item in response.json()["results"])


def validated(dataset: Dataset) -> None:
    with transaction.atomic():
        for run_id in ValidationRun.objects.filter(dataset=dataset, status="queued").values_list(
            "id", flat=True
        ):
            validation_run_execute(run_id=run_id, check_sources=False)


def test_a_repeat_is_a_hit_and_a_client_holding_it_gets_304(catalogue):
    first = search(catalogue["url"])
    assert first.headers["X-Suchi-Cache"] == "miss"
    assert first.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    etag = first.headers["ETag"]
    again = search(catalogue["url"])
    assert again.headers["X-Suchi-Cache"] == "hit"
    assert (again.headers["ETag"], again.content) == (etag, first.content)
    assert again.headers["Content-Type"] == first.headers["Content-Type"]

    held = search(catalogue["url"], **{"If-None-Match": etag})
    assert held.status_code == 304 and held.content == b""
    assert held.headers["ETag"] == etag
    assert search(catalogue["url"], **{"If-None-Match": f"W/{etag}"}).status_code == 304
    assert search(catalogue["url"], **{"If-None-Match": '"other"'}).status_code == 200


def test_every_change_is_visible_on_the_very_next_request(catalogue):
    url, institution = catalogue["url"], catalogue["institution"]
    before = search(url)
    assert titles(before) == ["ICU beds in district hospitals"]
    assert search(url).headers["X-Suchi-Cache"] == "hit"
    etag = before.headers["ETag"]

    # Published.
    second = publish(institution, slug="opd", title="Outpatients in hospitals")
    after = search(url, **{"If-None-Match": etag})
    assert after.status_code == 200, "a stale 304 after a publish"
    assert titles(after) == ["ICU beds in district hospitals", "Outpatients in hospitals"]

    # Updated (the change is shown once it passes validation).
    search(url)
    dataset_update(
        dataset=second, data={"title": "Outpatient visits to hospitals"}, actor=ACTOR, partial=True
    )
    validated(second)
    assert titles(search(url)) == [
        "ICU beds in district hospitals",
        "Outpatient visits to hospitals",
    ]

    # The institution's new name.
    search(url)
    institution.name = "Department of Health, Karnataka"
    institution.save(update_fields=["name"])
    names = {item["institution"]["name"] for item in search(url).json()["results"]}
    assert names == {"Department of Health, Karnataka"}

    # A bulk change in raw SQL, past the ORM.
    search(url)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registry_dataset SET title = 'ICU beds (bulk)' WHERE id = %s",
            [catalogue["first"].pk],
        )
    assert "ICU beds (bulk)" in titles(search(url))

    # Withdrawn.
    search(url)
    dataset_withdraw(dataset=second, actor=ACTOR)
    assert titles(search(url)) == ["ICU beds (bulk)"]


def test_a_dataset_is_cached_and_its_withdrawal_is_410_at_once(catalogue):
    url = f"{catalogue['url']}/{catalogue['first'].pk}"
    first = requests.get(url, timeout=30)
    assert first.headers["X-Suchi-Cache"] == "miss"
    again = requests.get(url, timeout=30)
    assert again.headers["X-Suchi-Cache"] == "hit" and again.content == first.content
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    dataset_withdraw(dataset=catalogue["first"], actor=ACTOR)
    gone = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert gone.status_code == 410, gone.status_code


def test_only_anonymous_json_reads_are_cached(catalogue):
    url = catalogue["url"]
    search(url)
    assert search(url).headers["X-Suchi-Cache"] == "hit"
    # A signed-in caller and the browsable API are answered afresh, never from the cache.
    signed = search(url, Authorization="Bearer not-a-token")
    assert "X-Suchi-Cache" not in signed.headers
    html = search(url, Accept="text/html")
    assert "X-Suchi-Cache" not in html.headers
    # The API speaks English whatever the reader's language (pages follow it): one answer.
    hindi = search(url, **{"Accept-Language": "hi"})
    assert hindi.headers["X-Suchi-Cache"] == "hit"
    assert hindi.content == search(url).content
    # A bad query is a 400, never kept.
    bad = requests.get(url, params={"sort": "nonsense"}, timeout=30)
    assert bad.status_code == 400
    assert requests.get(url, params={"sort": "nonsense"}, timeout=30).headers.get(
        "X-Suchi-Cache"
    ) in (None, "miss")


def test_the_cache_can_be_switched_off(catalogue, settings):
    settings.SUCHI_ANSWER_CACHE = False
    search(catalogue["url"])
    assert "X-Suchi-Cache" not in search(catalogue["url"]).headers


def test_a_ckan_harvesters_repeat_is_a_304_until_a_dataset_changes(catalogue, live_server):
    import ckanapi

    action = f"{live_server.url}/api/3/action/package_search"
    first = requests.get(action, params={"q": "hospitals"}, timeout=30)
    assert first.status_code == 200 and first.json()["result"]["count"] == 1
    etag = first.headers["ETag"]
    repeat = requests.get(action, params={"q": "hospitals"}, headers={"If-None-Match": etag})
    assert repeat.status_code == 304
    # CKAN's own client reads the cached answer as it read the first.
    remote = ckanapi.RemoteCKAN(live_server.url)
    assert remote.action.package_search(q="hospitals")["count"] == 1
    publish(catalogue["institution"], slug="opd", title="Outpatients in hospitals")
    changed = requests.get(action, params={"q": "hospitals"}, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["result"]["count"] == 2
    assert remote.action.package_search(q="hospitals")["count"] == 2
    # An error is neither kept nor tagged.
    missing = requests.get(f"{live_server.url}/api/3/action/package_show", params={"id": "no"})
    assert missing.status_code == 404 and "X-Suchi-Cache" not in missing.headers
