"""Catalogue reads with 0, 1 and 2 streaming replicas (issue #23's benchmark). A throwaway
primary loaded with SUCHI_BENCH_REPLICA_N (50,000) generated datasets, two replicas made from
it with pg_basebackup, and gunicorn (production settings, the answer cache off so every read
reaches a database) serving a closed loop of anonymous catalogue reads: 85 % search over
Zipf-drawn words, 15 % dataset detail. Per configuration: throughput, p50/p95, errors, and the
transactions each server ran (pg_stat_database), which shows who answered.

    make bench PYTEST_ARGS="-k replicas_load"

Everything shares one machine's cores here, so a replica cannot add capacity: what this
shows is the routing under load (reads spread over the replicas, no errors) and its cost;
on separate machines each replica adds its machine's reads (docs/scaling.md).
"""

import asyncio
import os
import random

import pytest

from catalog.synthetic import COMMON_WORDS

from ..integration.appserver import AppServer
from ..pgcluster import ThrowawayPostgres, ThrowawayReplica
from .gunicorn import gunicorn, production_env
from .loadclient import Kind, run_mix

pytestmark = pytest.mark.benchmark

SECONDS = float(os.environ.get("SUCHI_BENCH_REPLICA_SECONDS", "20"))


def _commits(cluster) -> int:
    with cluster.connect("suchi", autocommit=True) as conn:
        return conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = 'suchi'"
        ).fetchone()[0]


def test_catalogue_reads_with_zero_one_and_two_replicas(tmp_path):
    count = int(os.environ.get("SUCHI_BENCH_REPLICA_N", "50000"))
    with ThrowawayPostgres(settings=("max_connections=200",)) as primary:
        url = primary.create_database("suchi")
        AppServer(database_url=url, LOG_LEVEL="ERROR").manage("migrate", "--noinput", "-v0")
        AppServer(database_url=url, LOG_LEVEL="ERROR").manage(
            "generate_datasets", str(count), timeout=1800
        )
        with primary.connect("suchi") as conn:
            ids = [str(row[0]) for row in conn.execute(
                "SELECT id FROM registry_dataset WHERE status = 'published' "
                "ORDER BY random() LIMIT 2000"
            )]  # fmt: skip
            conn.execute("ANALYZE")
            conn.commit()
        with (
            ThrowawayReplica(primary, settings=("max_connections=200",)) as first,
            ThrowawayReplica(primary, settings=("max_connections=200",)) as second,
        ):
            rows = []
            for replicas in ([], [first], [first, second]):
                env = production_env(
                    url,
                    DATABASE_REPLICA_URLS=",".join(r.url("suchi") for r in replicas),
                    SUCHI_ANSWER_CACHE="0",
                    SUCHI_NUM_PROXIES="1",
                    LOG_LEVEL="WARNING",
                )
                with gunicorn(env, workers=3, log=tmp_path / f"g{len(replicas)}.log") as base:
                    rng = random.Random(7)
                    words = [rng.choice(COMMON_WORDS[:200]) for _ in range(800)]
                    kinds = [
                        Kind("search", 85, [f"{base}/api/v1/datasets?q={w}" for w in words]),
                        Kind("detail", 15, [f"{base}/api/v1/datasets/{i}" for i in ids]),
                    ]
                    asyncio.run(run_mix(kinds, 16, 3, forwarded_for=1000))  # warm-up
                    before = [_commits(c) for c in (primary, first, second)]
                    result = asyncio.run(run_mix(kinds, 32, SECONDS, forwarded_for=1000, seed=1))
                    after = [_commits(c) for c in (primary, first, second)]
                rows.append((len(replicas), result, [b - a for a, b in zip(before, after)]))
    print(f"\nreplicas_load: {count:,} datasets, {SECONDS:.0f} s closed loop, 32 clients")
    for n, result, commits in rows:
        print(
            f"replicas_load: {n} replica(s): {result['rps']:.1f} req/s, "
            f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, errors "
            f"{result['errors']}; transactions primary {commits[0]:,}, replica 1 "
            f"{commits[1]:,}, replica 2 {commits[2]:,}"
        )
    for n, result, commits in rows:
        assert result["errors"] == 0, result
        if n == 2:
            assert commits[1] > 0 and commits[2] > 0  # both replicas answered
