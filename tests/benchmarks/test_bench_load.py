"""A load run: SUCHI_LOAD_SECONDS (60) of mixed traffic, 80 % catalogue search, 15 % dataset
detail and 5 % consent status checks, over HTTP on loopback against gunicorn with production
settings (DEBUG off, INFO logs and an access log, SUCHI_LOAD_WORKERS = 2 x cores + 1 workers,
PROMETHEUS_MULTIPROC_DIR set, the PostgreSQL connection options of docs/operations.md) on
PostgreSQL and Redis. Target (issue #8): 0 errors.

The traffic comes from 1,000 client addresses behind one proxy: the server runs with
SUCHI_NUM_PROXIES=1 and each request carries an `X-Forwarded-For` address, so the anonymous rate
limit stays on at its default (1,200 a minute per address) and is paid for on every anonymous
request, as in a deployment behind a load balancer. Status checks carry the provider's token.

Gunicorn's workers are the Dockerfile's sync workers (SUCHI_LOAD_THREADS > 1: gthread), which
answer `Connection: close`, so each request opens a connection, as behind a proxy that does not
pool its upstream connections.

Three phases, each asserted error-free: 10 s of warm-up, SUCHI_LOAD_SECONDS closed-loop with
SUCHI_LOAD_CONCURRENCY (32) clients (the throughput ceiling: latency there is mostly queueing),
and as long again open-loop at half the ceiling's rate (latency at a load the server absorbs;
SUCHI_LOAD_OPEN_FRACTION=0 skips it; SUCHI_LOAD_OPEN_RATE=150 offers a fixed 150 requests a second
instead, as a goal that names a rate does). Then /metrics must have counted every request in
its latency histogram, summed over all workers, and one address over the limit must get 429s.
Last, in process with the answer cache off, the SQL floor of each request class (tests/benchmarks/
sqlfloor.py): the API's time over the same statements run directly, for SUCHI_LOAD_FLOOR_SAMPLES
(15) URLs a class.

The catalogue (SUCHI_LOAD_DATASETS, default 50,000 datasets from `generate_datasets --prefix
load`, with a provider, a consumer and 200 consent artefacts, 10 % paused and 10 % revoked) is
kept between runs in the database SUCHI_LOAD_DATABASE (default `<database>_bench_load`); set
SUCHI_LOAD_RELOAD=1 to drop and reload it.
"""

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from catalog.search.postgres import facet_counts_fold
from catalog.synthetic import COMMON_WORDS, FORMATS, LICENCES, Zipf, generate_datasets, vocabulary
from consent.models import ConsentArtefact
from consent.services import artefact_pause, artefact_revoke, consent_grant
from registry import vocabularies
from registry.models import Dataset, Institution

from ..consent.conftest import bearer
from ..factories import (
    consent_request_payload,
    make_citizen,
    make_institution,
    make_token,
    publish_consent_dataset,
)
from ..integration.worker import database_url
from .databases import recreate_postgres_database
from .gunicorn import ROOT, gunicorn, production_env
from .sqlfloor import sql_floor

pytestmark = [pytest.mark.benchmark]

SECONDS = float(os.environ.get("SUCHI_LOAD_SECONDS", "60"))
DATASETS = int(os.environ.get("SUCHI_LOAD_DATASETS", "50000"))
CONCURRENCY = int(os.environ.get("SUCHI_LOAD_CONCURRENCY", "32"))
WORKERS = int(os.environ.get("SUCHI_LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# 1 thread: gunicorn's sync workers, as the Dockerfile runs them; more: gthread.
THREADS = int(os.environ.get("SUCHI_LOAD_THREADS", "1"))
OPEN_FRACTION = float(os.environ.get("SUCHI_LOAD_OPEN_FRACTION", "0.5"))
OPEN_RATE = float(os.environ.get("SUCHI_LOAD_OPEN_RATE", "0"))  # requests a second; 0: the fraction
FLOOR_SAMPLES = int(os.environ.get("SUCHI_LOAD_FLOOR_SAMPLES", "15"))
FLOOR_REPEAT = 5
CLIENT_ADDRESSES = 1000
ANON_LIMIT = 1200  # SUCHI_ANON_RATE's default, a minute per client address
MIX = {"search": 80, "detail": 15, "status": 5}
ROUTES = {
    "search": "api/v1/datasets",
    "detail": "api/v1/datasets/<anyuuid:pk>",
    "status": "api/v1/consent-artefacts/<anyuuid:pk>/status",
}
PREFIX = "load"
# The connection options docs/operations.md recommends for search.
PG_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0 -c work_mem=64MB"
CONSENT_CITIZENS, CONSENT_PER_CITIZEN = 10, 20


@dataclass
class Catalogue:
    datasets: int
    provider: Institution
    artefacts: dict[str, list[str]]  # ids by status


def _consent_artefacts() -> tuple[Institution, dict[str, list[str]]]:
    """The provider and its artefacts by status, made once per database: 200 granted
    artefacts for 10 citizens, of which 10 % paused and 10 % revoked."""
    provider = Institution.objects.filter(slug="consent-provider-load").first()
    if provider is None:
        provider = make_institution(slug="consent-provider-load", name="Load provider")
        consumer = make_institution(
            slug="consent-insurer-load", name="Load insurer", is_consumer=True, is_provider=False
        )
        datasets = [publish_consent_dataset(provider) for _ in range(3)]
        requester = bearer(make_token(consumer, scopes=("consents:request",)))
        for c in range(CONSENT_CITIZENS):
            citizen = make_citizen(f"load-citizen-{c}@suchi")
            for i in range(CONSENT_PER_CITIZEN):
                created = requester.post(
                    "/api/v1/consent-requests",
                    consent_request_payload(citizen.handle, [datasets[i % len(datasets)]]),
                    format="json",
                )
                assert created.status_code == 201, created.content
                _, (artefact,) = consent_grant(
                    citizen=citizen, request_id=created.json()["id"], actor="load"
                )
                if i % 10 == 8:
                    artefact_pause(citizen=citizen, artefact_id=artefact.pk, actor="load")
                elif i % 10 == 9:
                    artefact_revoke(citizen=citizen, artefact_id=artefact.pk, actor="load")
    by_status: dict[str, list[str]] = {}
    for pk, status in ConsentArtefact.objects.filter(provider=provider).values_list("pk", "status"):
        by_status.setdefault(status, []).append(str(pk))
    return provider, by_status


@pytest.fixture(scope="module")
def catalogue(django_db_blocker, signing_key_file):
    """Point the default connection at the load database, loaded and with consent artefacts."""
    missing = [
        need
        for need, there in (
            ("PostgreSQL (set DATABASE_URL=postgres://…)", connection.vendor == "postgresql"),
            ("Redis (set REDIS_URL=redis://…)", bool(settings.REDIS_URL)),
        )
        if not there
    ]
    if missing:
        pytest.skip("the load run needs " + " and ".join(missing))
    with django_db_blocker.unblock():
        saved = connection.settings_dict["NAME"]
        name = os.environ.get("SUCHI_LOAD_DATABASE") or (
            f"{saved.removeprefix('test_')}_bench_load"
        )
        connection.close()
        recreate_postgres_database(name, drop=os.environ.get("SUCHI_LOAD_RELOAD") == "1")
        connection.settings_dict["NAME"] = name
        try:
            call_command("migrate", verbosity=0)
            loaded = Dataset.objects.filter(
                institution__slug__startswith=f"{PREFIX}-", status="published"
            ).count()
            if loaded == 0:
                started = time.perf_counter()
                generate_datasets(count=DATASETS, prefix=PREFIX)
                print(
                    f"\nBENCH load: generated {DATASETS:,} datasets into {name} in "
                    f"{time.perf_counter() - started:.0f} s"
                )
            elif loaded != DATASETS:
                pytest.fail(
                    f"{name} holds {loaded:,} load datasets, not {DATASETS:,}: "
                    "set SUCHI_LOAD_RELOAD=1 to reload it"
                )
            with connection.cursor() as cursor:
                facet_counts_fold(cursor)  # as beat does every minute in production
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                SUCHI_SIGNING_KEY_FILE=str(signing_key_file),
            ):
                provider, artefacts = _consent_artefacts()
            yield Catalogue(datasets=DATASETS, provider=provider, artefacts=artefacts)
        finally:
            connection.close()
            connection.settings_dict["NAME"] = saved


def _search_queries(rng: random.Random, count: int) -> list[dict]:
    """What people type and click: words drawn by the catalogue's own Zipf law (so common words
    come up often and the long tail of place names now and then), some two-word queries, facet
    filters with and without words, and the first few pages of common searches."""
    words = Zipf(vocabulary(), s=1.0)
    institutions = list(
        Institution.objects.filter(slug__startswith=f"{PREFIX}-").values_list("slug", flat=True)
    )
    filters = {
        "theme": list(vocabularies.themes()),
        "license": [code for code, weight in LICENCES if weight],
        "format": [f[0] for f in FORMATS],
        "state": list(vocabularies.states()),
        "institution": institutions,
        "access": ["open", "restricted", "consent"],
    }

    def a_filter() -> dict:
        name = rng.choice(list(filters))
        return {name: rng.choice(filters[name])}

    queries = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.55:
            query = {"q": words.draw(rng, 1)[0]}
        elif roll < 0.65:
            query = {"q": " ".join(words.draw(rng, 2))}
        elif roll < 0.80:
            query = {"q": words.draw(rng, 1)[0], **a_filter()}
        elif roll < 0.90:
            query = {**a_filter(), **a_filter()}
        else:
            # A later page of a search with many results: an unfiltered listing or a common word.
            query = {"page": rng.randint(2, 5)}
            if rng.random() < 0.7:
                query["q"] = rng.choice(COMMON_WORDS[:40])
        if rng.random() < 0.1:
            query["sort"] = rng.choice(["-modified", "title"])
        queries.append(query)
    return queries


def _get_json(url: str, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, headers={"Accept": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _load(mix_file, duration: float, rate: float = 0, forwarded_for: int = CLIENT_ADDRESSES):
    done = subprocess.run(
        [
            sys.executable, "-m", "tests.benchmarks.loadclient", "--mix", str(mix_file),
            "--concurrency", str(CONCURRENCY), "--duration", str(duration),
            "--rate", str(rate), "--forwarded-for", str(forwarded_for),
            "--seed", str(int(time.time())),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=duration + 120, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    # The machine is shared: the 1-minute load average as the phase ends says how busy it was.
    result["load_average"] = os.getloadavg()[0]
    return result


def _line(name: str, r: dict) -> str:
    def ms(value):
        return "-" if value is None else f"{value:.1f}"

    cache = r.get("cache") or {}
    hits = cache.get("hit", 0) + cache.get("revalidated", 0)
    answered = hits + cache.get("miss", 0)
    rate = f"  cache hits {hits / answered:.0%} of {answered:,}" if answered else ""
    return (
        f"{name:<8} {r['requests']:>7,} requests {r['rps']:>7.1f}/s  p50 {ms(r['p50_ms'])} ms  "
        f"p95 {ms(r['p95_ms'])} ms  p99 {ms(r['p99_ms'])} ms  errors {r['errors']}  "
        f"{r['statuses']}  retried {r['retried']}{rate}"
    )


def _report(title: str, result: dict) -> None:
    print(
        f"\nBENCH load {title}: {result['seconds']:.1f} s, {result['concurrency']} connections, "
        f"load average {result['load_average']:.2f} at the end"
    )
    print("BENCH   " + _line("all", result))
    for name, figures in result["kinds"].items():
        print("BENCH   " + _line(name, figures))


def _histogram_counts(text: str) -> dict[tuple[str, str], float]:
    """Requests counted by suchi_http_request_duration_seconds, by (route, status class)."""
    counts: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != "suchi_http_request_duration_seconds":
            continue
        for sample in family.samples:
            if sample.name.endswith("_count"):
                key = (sample.labels["route"], sample.labels["status"])
                counts[key] = counts.get(key, 0) + sample.value
    return counts


def test_mixed_load_on_gunicorn_postgres_and_redis(catalogue, tmp_path):
    rng = random.Random(8)
    token = make_token(catalogue.provider, scopes=("consents:verify",))
    detail_ids = [
        str(pk)
        for pk in Dataset.objects.filter(status="published")
        .order_by("?")
        .values_list("pk", flat=True)[:5000]
    ]
    queries = _search_queries(rng, 3000)
    artefact_ids = [pk for ids in catalogue.artefacts.values() for pk in ids]
    assert set(catalogue.artefacts) == {"active", "paused", "revoked"}, catalogue.artefacts.keys()

    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    env = production_env(
        f"{database_url()}?options={quote(PG_OPTIONS)}",
        LOG_LEVEL="INFO",
        SUCHI_NUM_PROXIES="1",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    env.pop("SUCHI_ANON_RATE", None)  # the default, 1,200 a minute per client address
    env.pop("SUCHI_METRICS_TOKEN", None)
    log = tmp_path / "gunicorn.log"
    options = ("--threads", str(THREADS), "--access-logfile", "-")
    with gunicorn(env, workers=WORKERS, options=options, log=log) as base:
        search_urls = [f"{base}/api/v1/datasets?{urlencode(q)}" for q in queries]
        # Some readers follow `next` links (cursors, signed by the server) past the first page.
        setup_searches = 0
        for query in queries[:60]:
            page = _get_json(f"{base}/api/v1/datasets?{urlencode(query)}")
            setup_searches += 1
            if page["next"]:
                search_urls.append(page["next"])
        status = _get_json(
            f"{base}/api/v1/consent-artefacts/{catalogue.artefacts['paused'][0]}/status",
            {"Authorization": f"Bearer {token}"},
        )
        assert status["status"] == "paused", status
        mix = {
            "kinds": [
                {"name": "search", "weight": MIX["search"], "urls": search_urls},
                {
                    "name": "detail",
                    "weight": MIX["detail"],
                    "urls": [f"{base}/api/v1/datasets/{pk}" for pk in detail_ids],
                },
                {
                    "name": "status",
                    "weight": MIX["status"],
                    "urls": [f"{base}/api/v1/consent-artefacts/{pk}/status" for pk in artefact_ids],
                    "headers": [f"Authorization: Bearer {token}"],
                },
            ]
        }
        mix_file = tmp_path / "mix.json"
        mix_file.write_text(json.dumps(mix))

        runs = {"warm-up": _load(mix_file, 10)}
        runs["closed loop"] = closed = _load(mix_file, SECONDS)
        if OPEN_RATE or OPEN_FRACTION:
            rate = round(OPEN_RATE or closed["rps"] * OPEN_FRACTION)
            runs[f"open loop at {rate}/s"] = _load(mix_file, SECONDS, rate=rate)
        with urllib.request.urlopen(f"{base}/metrics", timeout=30) as response:
            counted = _histogram_counts(response.read().decode())

        # The rate limit was on: one address alone is refused past 1,200 requests a minute.
        started = time.perf_counter()
        one_address = _requests_from_one_address(base, ANON_LIMIT + 100)
        one_address_seconds = time.perf_counter() - started

    floors = _sql_floors(rng, queries, detail_ids, catalogue.artefacts["active"], token)
    print(
        f"\nBENCH load: {catalogue.datasets:,} datasets, {len(artefact_ids)} artefacts "
        f"{ {k: len(v) for k, v in catalogue.artefacts.items()} }, gunicorn {WORKERS} workers "
        f"x {THREADS} thread(s), {CLIENT_ADDRESSES:,} client addresses; "
        f"{len(search_urls):,} search URLs, {len(detail_ids):,} dataset ids"
    )
    for title, result in runs.items():
        _report(title, result)
    print(
        f"BENCH load SQL floor, in process with the answer cache off, {FLOOR_SAMPLES} URLs a "
        f"class, {FLOOR_REPEAT} requests each (medians over the URLs):"
    )
    print("BENCH   | class | API p50 ms | SQL p50 ms | API ÷ SQL |")
    for kind, (api_ms, sql_ms, ratio) in floors.items():
        print(f"BENCH   | {kind} | {api_ms:.1f} | {sql_ms:.1f} | {ratio:.2f} |")
    print(f"BENCH load /metrics request counts by (route, status): {counted}")
    print(
        f"BENCH load one address, {len(one_address)} requests in {one_address_seconds:.1f} s: "
        f"first refusal at request {one_address.index(429) + 1 if 429 in one_address else '-'}"
    )

    for title, result in runs.items():
        assert result["errors"] == 0, (title, result)
    # /metrics under several workers: the histogram counted each request the clients sent.
    for kind, route in ROUTES.items():
        sent = sum(r["kinds"][kind]["requests"] for r in runs.values())
        sent += setup_searches if kind == "search" else 1 if kind == "status" else 0
        assert counted.get((route, "2xx")) == sent, (kind, counted, sent)
    assert not [key for key in counted if key[1] == "5xx"], counted
    assert one_address[:ANON_LIMIT] == [200] * ANON_LIMIT, one_address_seconds
    assert set(one_address[ANON_LIMIT:]) == {429}, one_address_seconds


def _sql_floors(rng, queries, detail_ids, artefact_ids, token) -> dict:
    """Per request class, in process with the answer cache off and the server's connection
    options: the medians over sampled URLs of the API's time, of the same statements run
    directly, and of their ratio (issue #22's "API time ÷ the same SQL")."""
    with connection.cursor() as cursor:
        for option in PG_OPTIONS.split("-c ")[1:]:
            cursor.execute("SELECT set_config(%s, %s, false)", option.strip().split("="))
    samples = {
        "search": [("/api/v1/datasets", q, None) for q in rng.sample(queries, FLOOR_SAMPLES)],
        "detail": [(f"/api/v1/datasets/{pk}", {}, None) for pk in detail_ids[:FLOOR_SAMPLES]],
        "status": [
            (f"/api/v1/consent-artefacts/{pk}/status", {}, {"Authorization": f"Bearer {token}"})
            for pk in artefact_ids[:FLOOR_SAMPLES]
        ],
    }
    floors = {}
    with override_settings(SUCHI_ANSWER_CACHE=False, DEBUG=False):
        for kind, urls in samples.items():
            measured = [
                sql_floor(url, params, repeat=FLOOR_REPEAT, headers=headers)
                for url, params, headers in urls
            ]
            floors[kind] = (
                statistics.median(statistics.median(m.api) for m in measured) * 1000,
                statistics.median(statistics.median(m.sql) for m in measured) * 1000,
                statistics.median(m.ratio for m in measured),
            )
    return floors


def _requests_from_one_address(base: str, n: int) -> list[int]:
    """The statuses of n anonymous requests in a row from one client address."""
    server = urlsplit(base)
    conn = http.client.HTTPConnection(server.hostname, server.port, timeout=30)
    headers = {"Accept": "application/json", "X-Forwarded-For": "192.0.2.1"}
    statuses = []
    for _ in range(n):
        conn.request("GET", "/api/v1/themes", headers=headers)  # reconnects if closed
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    conn.close()
    return statuses
