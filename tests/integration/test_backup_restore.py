"""The backup and restore of docs/operations.md, run as written: `pg_dump --format=custom` of a
live Suchi database, `pg_restore` into an empty one, then the restored node verifies every
citizen's consent ledger, answers the same searches and keeps registering datasets.

Uses a throwaway PostgreSQL server on a free loopback port (never the shared one).
"""

import json
import subprocess

import pytest

from ..factories import dataset_payload
from ..pgcluster import ThrowawayPostgres
from .appserver import AppServer

TABLES = [
    "registry_institution",
    "registry_dataset",
    "registry_validationrun",
    "consent_citizenprofile",
    "consent_consentrequest",
    "consent_consentartefact",
    "consent_consentevent",
    "consent_signingkey",
]

REGISTER_AND_PUBLISH = """
import json
from django.db import transaction
from registry.models import Institution
from registry.services import Actor, dataset_register, validation_run_execute
inst = Institution.objects.get(slug="ka-health")
with transaction.atomic():
    dataset = dataset_register(institution=inst, data=json.loads('''{payload}'''),
                               actor=Actor.system("after-restore"))
    validation_run_execute(run_id=dataset.validation_runs.get().id, check_sources=False)
dataset.refresh_from_db()
print(dataset.status)
"""


def _counts(pg: ThrowawayPostgres, dbname: str) -> dict[str, int]:
    with pg.connect(dbname) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _search(server: AppServer, query: str) -> tuple[int, list[str]]:
    status, _, body = server.get(f"/api/v1/datasets?{query}&page_size=100")
    assert status == 200, body
    data = json.loads(body)
    return data["count"], sorted(item["id"] for item in data["results"])


@pytest.mark.slow
def test_a_dump_restored_into_an_empty_database_is_the_same_node(tmp_path):
    with ThrowawayPostgres() as pg:
        live = AppServer(database_url=pg.create_database("suchi"), DEBUG="1")
        live.manage("migrate", "--noinput", "-v0")
        live.manage("seed_demo")
        dump = tmp_path / "suchi.dump"
        # The runbook's commands (docs/operations.md, "Back up and restore PostgreSQL").
        subprocess.run(
            [pg.tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", pg.url("suchi")],
            check=True, timeout=120,
        )  # fmt: skip
        restored = AppServer(database_url=pg.create_database("restored"), DEBUG="1")
        subprocess.run(
            [pg.tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={pg.url('restored')}", str(dump)],
            check=True, timeout=120,
        )  # fmt: skip

        counts = _counts(pg, "suchi")
        assert counts["consent_consentevent"] > 0 and counts["registry_dataset"] >= 40, counts
        assert _counts(pg, "restored") == counts
        assert "Ledger intact" in restored.manage("verify_ledger")
        # Nothing to migrate: the dump carried the schema's migration history.
        assert "No migrations to apply" in restored.manage("migrate", "--noinput")

        # The search tables and counters (kept by triggers) came back whole: same answers.
        with live, restored:
            for query in ("q=health", "q=district&license=CC-BY-4.0", "theme=HEAL", ""):
                found = _search(live, query)
                assert found[0] > 0, query
                assert _search(restored, query) == found, query
            # And the triggers are back: a dataset published after the restore is found.
            payload = json.dumps(dataset_payload(slug="after-restore", title="Zyxwvut registry"))
            published = restored.manage("shell", "-c", REGISTER_AND_PUBLISH.format(payload=payload))
            assert published.strip().splitlines()[-1] == "published"
            assert _search(restored, "q=zyxwvut")[0] == 1
            assert _search(restored, "")[0] == _search(live, "")[0] + 1
