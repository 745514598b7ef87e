"""The database connection drops, or the database goes down: the request in flight fails with a
clean 503 (Retry-After, the caller's error shape, nothing half-written) and the next request,
once the database answers again, succeeds.

gunicorn serves the app in a child process against a throwaway PostgreSQL server of the test's
own (initdb on a free loopback port): the test terminates the app's backend mid-query, then
crashes the whole server and starts it again. The machine's shared PostgreSQL is never touched.
"""

import json
import threading
import time

import pytest

from ..factories import dataset_payload
from ..pgcluster import ThrowawayPostgres
from .appserver import AppServer

SEED = """
import json
from django.db import transaction
from registry.services import Actor, dataset_register, institution_create, token_issue
from registry.services import validation_run_execute
inst = institution_create(slug="ka-health", name="Health", verified=True)
token = token_issue(institution=inst, name="t", scopes=["datasets:write"]).secret
with transaction.atomic():  # validated before its job would run on commit
    dataset = dataset_register(institution=inst, data=json.loads('''{payload}'''),
                               actor=Actor.system("seed"))
    validation_run_execute(run_id=dataset.validation_runs.get().id, check_sources=False)
print(json.dumps({{"token": token, "dataset": str(dataset.pk)}}))
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with ThrowawayPostgres() as pg:
        url = pg.create_database("suchi")
        # Persistent connections, as in production: the drop hits a connection the worker kept.
        server = AppServer(
            database_url=url, DB_CONN_MAX_AGE="600", STATIC_ROOT=str(tmp_path_factory.mktemp("st"))
        )
        server.manage("migrate", "--noinput", "-v0")
        server.manage("collectstatic", "--noinput", "-v0")
        payload = json.dumps(dataset_payload(slug="births"))
        seeded = server.manage("shell", "-c", SEED.format(payload=payload))
        seeded = json.loads(seeded.strip().splitlines()[-1])
        with server:
            server.pg = pg
            server.token = seeded["token"]
            server.dataset = seeded["dataset"]
            yield server


def _in_flight(server, method, path, body=None, headers=None):
    """Sends a request from a thread; returns the thread and the box its answer lands in."""
    box = {}

    def send():
        box["answer"] = server.request(method, path, body, headers)

    thread = threading.Thread(target=send)
    thread.start()
    return thread, box


def _drop_the_connection_mid_query(server, method, path, body=None, headers=None):
    """Holds a lock the request's query needs, waits until the app's backend is blocked on it,
    terminates that backend (as a failover or a killed connection would), then answers."""
    with server.pg.connect("suchi") as admin:
        admin.execute("LOCK TABLE registry_dataset IN ACCESS EXCLUSIVE MODE")
        thread, box = _in_flight(server, method, path, body, headers)
        deadline = time.monotonic() + 20
        while True:
            with server.pg.connect("suchi", autocommit=True) as probe:
                killed = probe.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = 'suchi' AND wait_event_type = 'Lock' AND pid <> %s",
                    [admin.info.backend_pid],
                ).fetchone()[0]
            if killed or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert killed == 1, "the request never reached the locked table"
        admin.rollback()
    thread.join(30)
    return box["answer"]


def _dataset_count(server) -> int:
    with server.pg.connect("suchi") as conn:
        return conn.execute("SELECT count(*) FROM registry_dataset").fetchone()[0]


def test_a_read_whose_connection_drops_answers_503_and_the_next_succeeds(app):
    status, headers, body = _drop_the_connection_mid_query(
        app, "GET", f"/api/v1/datasets/{app.dataset}"
    )
    assert status == 503, body
    assert headers["Retry-After"] == "5"
    assert json.loads(body)["detail"].startswith("The database is unavailable")
    status, _, body = app.get(f"/api/v1/datasets/{app.dataset}")
    assert status == 200, body
    assert json.loads(body)["slug"] == "births"


def test_a_connection_the_database_closed_between_requests_is_replaced_unseen(app):
    """No 503 for a connection PostgreSQL closed while it sat idle (a restart, a failover, an
    idle timeout): the request's socket poll (core.dbhealth) sees the server's goodbye and the
    first query opens a new one. Costs no `SELECT 1`."""
    for _ in range(6):  # each of the app's threads now keeps a connection
        assert app.get(f"/api/v1/datasets/{app.dataset}")[0] == 200
    with app.pg.connect("suchi", autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = 'suchi' AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert killed >= 1
    time.sleep(0.2)  # the goodbye reaches the app's sockets
    for _ in range(6):
        status, _, body = app.get(f"/api/v1/datasets/{app.dataset}")
        assert status == 200, body


def test_a_write_whose_connection_drops_answers_503_writes_nothing_and_can_be_repeated(app):
    before = _dataset_count(app)
    auth = {"Authorization": f"Bearer {app.token}"}
    payload = dataset_payload(slug="deaths")
    status, _, body = _drop_the_connection_mid_query(app, "POST", "/api/v1/datasets", payload, auth)
    assert status == 503, body
    assert _dataset_count(app) == before  # nothing half-written
    status, _, body = app.request("POST", "/api/v1/datasets", payload, auth)
    assert status == 201, body
    assert _dataset_count(app) == before + 1


def test_a_page_whose_connection_drops_answers_a_503_page(app):
    status, headers, body = _drop_the_connection_mid_query(app, "GET", f"/datasets/{app.dataset}")
    assert status == 503
    assert headers["Content-Type"].startswith("text/html")
    assert "Unavailable for a moment" in body
    assert app.get(f"/datasets/{app.dataset}")[0] == 200


def test_while_the_database_is_down_every_kind_of_caller_gets_a_clean_503(app):
    status, _, body = app.get("/api/v1/datasets")  # the worker now holds a live connection
    assert status == 200, body
    published = json.loads(body)["count"]
    app.pg.stop(mode="immediate")  # a crash: no goodbye to the clients
    try:
        status, headers, body = app.get("/api/v1/datasets")
        assert (status, headers.get("Retry-After")) == (503, "5"), body
        assert "database is unavailable" in json.loads(body)["detail"]

        status, _, body = app.get("/api/3/action/package_search?q=health")
        assert status == 503, body
        assert json.loads(body)["success"] is False

        status, _, body = app.get("/datasets")
        assert status == 503
        assert "Unavailable for a moment" in body

        status, _, body = app.request(
            "POST", "/api/v1/datasets", dataset_payload(slug="marriages"),
            {"Authorization": f"Bearer {app.token}"},
        )  # fmt: skip
        assert status == 503, body

        assert app.get("/healthz")[0] == 200  # the process itself is fine
        status, _, body = app.get("/readyz")
        assert status == 503
        assert json.loads(body)["failing"] == ["database"]
    finally:
        app.pg.start()
    # The first request after the database is back succeeds: no stale connection is reused.
    status, _, body = app.get("/api/v1/datasets")
    assert status == 200, body
    assert json.loads(body)["count"] == published
    assert app.get("/readyz")[0] == 200
    assert "Traceback" not in app.output()
