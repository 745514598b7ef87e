"""Read replicas, for real: a throwaway primary, a streaming replica made from it with
pg_basebackup, and the app served by gunicorn against both (DATABASE_REPLICA_URLS).

Shown here: anonymous catalogue reads are answered by the replica (its statement log has them,
and with its replay paused they are visibly behind), writes and the writer's own reads go to
the primary, a replica lagging past the bound or stopped is taken out of rotation with reads
falling back to the primary, /readyz says why, and no request answers 5xx. The machine's
shared PostgreSQL is never touched.
"""

import json
import time

import pytest

from ..factories import dataset_payload
from ..pgcluster import ThrowawayPostgres, ThrowawayReplica
from .appserver import AppServer

SEED = """
import json
from django.db import transaction
from registry.services import Actor, dataset_register, institution_create, token_issue
from registry.services import validation_run_execute
inst = institution_create(slug="ka-health", name="Health", verified=True)
token = token_issue(institution=inst, name="t", scopes=["datasets:write"]).secret
ids = []
for slug in ("births", "deaths", "rainfall"):
    with transaction.atomic():  # validated before its job would run on commit
        dataset = dataset_register(institution=inst, data=json.loads('''{payload}''') | {{"slug": slug}},
                                   actor=Actor.system("seed"))
        validation_run_execute(run_id=dataset.validation_runs.get().id, check_sources=False)
    ids.append(str(dataset.pk))
print(json.dumps({{"token": token, "datasets": ids}}))
"""

LOGGED = ("log_statement=all",)


@pytest.fixture(scope="module")
def clusters(tmp_path_factory):
    with ThrowawayPostgres(settings=LOGGED) as primary:
        url = primary.create_database("suchi")
        setup = AppServer(database_url=url, STATIC_ROOT=str(tmp_path_factory.mktemp("st")))
        setup.manage("migrate", "--noinput", "-v0")
        setup.manage("collectstatic", "--noinput", "-v0")
        payload = json.dumps(dataset_payload(slug="births"))
        seeded = json.loads(
            setup.manage("shell", "-c", SEED.format(payload=payload)).strip().splitlines()[-1]
        )
        with ThrowawayReplica(primary, settings=LOGGED) as replica:
            # A commit replayed since the replica started: its lag can be measured from then.
            with primary.connect("suchi", autocommit=True) as conn:
                conn.execute("SELECT txid_current()")
            _caught_up(primary, replica)
            yield primary, replica, seeded, setup.env["STATIC_ROOT"]


def _server(clusters, **env) -> AppServer:
    primary, replica, _, static_root = clusters
    return AppServer(
        database_url=primary.url("suchi"),
        **{
            "DATABASE_REPLICA_URLS": replica.url("suchi"),
            "SUCHI_REPLICA_CHECK_INTERVAL": "0.2",
            "STATIC_ROOT": static_root,
            "DB_CONN_MAX_AGE": "600",
            **env,
        },
    )


def _caught_up(primary, replica, timeout: float = 20) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    with primary.connect(autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = replica.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]
        if done:
            return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def _logged_during(action, *clusters) -> tuple[object, list[str]]:
    """The action's result, and what each cluster logged meanwhile."""
    before = [len(cluster.log()) for cluster in clusters]
    result = action()
    time.sleep(0.1)  # the servers' log lines reach their files
    return result, [cluster.log()[start:] for cluster, start in zip(clusters, before)]


def _readyz_replica(server) -> dict:
    status, _, body = server.get("/readyz")
    assert status == 200, body  # a replica out of rotation never makes the service unready
    return json.loads(body)["replicas"]["replica_1"]


def _until(predicate, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_anonymous_catalogue_reads_come_from_the_replica_writes_and_writers_from_the_primary(
    clusters,
):
    primary, replica, seeded, _ = clusters
    births = seeded["datasets"][0]
    auth = {"Authorization": f"Bearer {seeded['token']}"}
    with _server(clusters, SUCHI_REPLICA_MAX_LAG="3600") as app:
        assert _readyz_replica(app)["in_rotation"] is True

        # An anonymous search is run on the replica, not on the primary.
        (status, _, body), (on_primary, on_replica) = _logged_during(
            lambda: app.get("/api/v1/datasets?q=births"), primary, replica
        )
        assert status == 200, body
        assert "registry_dataset" in on_replica
        assert "registry_dataset" not in on_primary

        # The replica falls behind: its replay is paused. The owner withdraws a dataset.
        replica.execute("SELECT pg_wal_replay_pause()")
        try:
            (status, _, body), (writes,) = _logged_during(
                lambda: app.request("DELETE", f"/api/v1/datasets/{births}", headers=auth), primary
            )
            assert status == 200, body
            assert "UPDATE" in writes and "registry_dataset" in writes
            # The writer reads its own write at once, from the primary ...
            status, _, body = app.get(f"/api/v1/datasets/{births}", **auth)
            assert json.loads(body)["status"] == "withdrawn", body
            # ... an anonymous reader gets the replica's answer, behind by the paused replay,
            for path in (f"/api/v1/datasets/{births}", f"/datasets/{births}.ttl", "/data.json"):
                status, _, body = app.get(path)
                assert status == 200, (path, status, body[:300])
                # Streamed too (data.json): the whole body read from the replica, still listing
                # the dataset the primary has withdrawn.
                assert births in body, path
            status, _, body = app.request(
                "POST", "/api/3/action/package_show", {"id": births}
            )  # CKAN's reads on POST go to the replica too, and leave no writer's pin
            assert status == 200 and json.loads(body)["result"]["id"] == births, body
            # ... and an anonymous client that has just written (its pin cookie) reads the
            # primary.
            status, headers, _ = app.request("POST", "/api/v1/datasets", dataset_payload())
            assert status in (401, 403), status
            pin = headers["Set-Cookie"].split(";")[0]
            assert pin.startswith("suchi_primary=")
            status, _, body = app.get(f"/api/v1/datasets/{births}", Cookie=pin)
            assert status == 410, body
        finally:
            replica.execute("SELECT pg_wal_replay_resume()")
        _caught_up(primary, replica)
        assert app.get(f"/api/v1/datasets/{births}")[0] == 410  # the replica has it now


def test_a_lagging_replica_leaves_the_rotation_and_reads_fall_back_to_the_primary(clusters):
    primary, replica, seeded, _ = clusters
    deaths = seeded["datasets"][1]
    auth = {"Authorization": f"Bearer {seeded['token']}"}
    with _server(clusters, SUCHI_REPLICA_MAX_LAG="1") as app:
        _caught_up(primary, replica)
        assert _until(lambda: _readyz_replica(app)["in_rotation"]), _readyz_replica(app)
        replica.execute("SELECT pg_wal_replay_pause()")
        try:
            status, _, body = app.request("DELETE", f"/api/v1/datasets/{deaths}", headers=auth)
            assert status == 200, body
            # Past the bound, the replica is out and the anonymous reader sees the withdrawal.
            out = _until(lambda: not _readyz_replica(app)["in_rotation"])
            assert out, _readyz_replica(app)
            assert _readyz_replica(app)["reason"].startswith("lagging: "), _readyz_replica(app)
            statuses = {app.get(f"/api/v1/datasets/{deaths}")[0] for _ in range(10)}
            assert statuses == {410}
        finally:
            replica.execute("SELECT pg_wal_replay_resume()")
        # Caught up again: back in rotation.
        _caught_up(primary, replica)
        assert _until(lambda: _readyz_replica(app)["in_rotation"]), _readyz_replica(app)


def test_a_stopped_replica_leaves_the_rotation_without_a_failed_request(clusters):
    _, replica, seeded, _ = clusters
    rainfall = seeded["datasets"][2]
    with _server(clusters, SUCHI_REPLICA_MAX_LAG="3600", SUCHI_REPLICA_CHECK_INTERVAL="2") as app:
        # Each of the app's threads keeps a connection to the replica, checked as healthy.
        for _ in range(6):
            assert app.get(f"/api/v1/datasets/{rainfall}")[0] == 200
        replica.stop(mode="immediate")  # a crash; the last check said "in rotation"
        try:
            answers = [app.get(path)[0] for path in (f"/api/v1/datasets/{rainfall}",) * 10]
            answers += [app.get("/api/v1/datasets?q=rain")[0], app.get("/catalog.ttl")[0]]
            assert set(answers) == {200}, answers
            report = _readyz_replica(app)
            assert report["in_rotation"] is False
            assert report["reason"].startswith(("a query failed: ", "unreachable: ")), report
        finally:
            replica.start()
        assert _until(lambda: _readyz_replica(app)["in_rotation"]), _readyz_replica(app)
