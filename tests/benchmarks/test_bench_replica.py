"""Replication lag under a bulk load (issue #23): a throwaway primary and a streaming replica
made from it with pg_basebackup; `generate_datasets N` loads the primary while both servers'
WAL positions are sampled every 50 ms. For each primary position sampled at time t, its lag is
the time until the replica had replayed past it. Printed: the load's rate with a replica
attached, WAL written, and the lag's median, p95 and maximum.

    make bench PYTEST_ARGS="-k replica"          # SUCHI_BENCH_REPLICA_N=50000 by default

Both servers run with fsync off (tests/pgcluster.py), as a loopback stand-in for two machines.
"""

import os
import statistics
import threading
import time

import pytest

from ..integration.appserver import AppServer
from ..pgcluster import ThrowawayPostgres, ThrowawayReplica

pytestmark = pytest.mark.benchmark


def _sampler(primary, replica, stop: threading.Event, out: dict) -> None:
    with primary.connect(autocommit=True) as p, replica.connect(autocommit=True) as r:
        while not stop.is_set():
            now = time.monotonic()
            out["primary"].append((now, p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]))
            replayed = r.execute("SELECT pg_last_wal_replay_lsn()").fetchone()[0]
            out["replica"].append((time.monotonic(), replayed))
            time.sleep(0.05)


def _lsn(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def _lags(samples: dict) -> list[float]:
    replica = [(t, _lsn(lsn)) for t, lsn in samples["replica"]]
    lags, j = [], 0
    for t, lsn in ((t, _lsn(lsn)) for t, lsn in samples["primary"]):
        while j < len(replica) and (replica[j][1] < lsn or replica[j][0] < t):
            j += 1
        if j == len(replica):
            break
        lags.append(replica[j][0] - t)
    return lags


def test_replication_lag_while_the_primary_loads_datasets(tmp_path):
    count = int(os.environ.get("SUCHI_BENCH_REPLICA_N", "50000"))
    with ThrowawayPostgres() as primary:
        setup = AppServer(database_url=primary.create_database("suchi"), LOG_LEVEL="ERROR")
        setup.manage("migrate", "--noinput", "-v0")
        with ThrowawayReplica(primary) as replica:
            samples: dict = {"primary": [], "replica": []}
            stop = threading.Event()
            sampler = threading.Thread(target=_sampler, args=(primary, replica, stop, samples))
            with primary.connect(autocommit=True) as conn:
                start_lsn = _lsn(conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0])
            sampler.start()
            started = time.monotonic()
            printed = setup.manage("generate_datasets", str(count), timeout=3600)
            loaded = time.monotonic() - started
            with primary.connect(autocommit=True) as conn:
                end = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
            deadline = time.monotonic() + 300
            while _lsn(samples["replica"][-1][1]) < _lsn(end) and time.monotonic() < deadline:
                time.sleep(0.1)
            caught_up = time.monotonic() - started
            stop.set()
            sampler.join()
            with replica.connect("suchi") as conn:
                on_replica = conn.execute(
                    "SELECT count(*) FROM registry_dataset WHERE status = 'published'"
                ).fetchone()[0]
    lags = sorted(_lags(samples))
    wal_mb = (_lsn(end) - start_lsn) / 1e6
    print(f"\n{printed.strip().splitlines()[-1]}")
    print(
        f"replica: {count:,} datasets loaded in {loaded:.1f} s ({count / loaded:,.0f}/s) with a "
        f"streaming replica attached; {wal_mb:,.0f} MB of WAL ({wal_mb / loaded:.1f} MB/s); the "
        f"replica had all of it {caught_up - loaded:.2f} s after the load ended"
    )
    print(
        f"replica: lag over {len(lags)} samples: median {statistics.median(lags) * 1000:.0f} ms, "
        f"p95 {lags[int(len(lags) * 0.95)] * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms"
    )
    assert on_replica == count
