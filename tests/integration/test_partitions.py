"""The record tables partitioned by month (core/partitions.py, PostgreSQL): rows land in the
partition of their month, either side of a boundary; a month not yet created is caught by the
default partition and moved out when its month is made; an old month past retention is
detached (or dropped), and nothing younger than seven years can be."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from consent.models import WebhookDelivery, WebhookEndpoint
from core.partitions import (
    RetentionError,
    add_months,
    convert_to_monthly,
    partition_name,
    partitions,
    partitions_detach,
    partitions_ensure,
    this_month,
)

from ..factories import make_institution

pytestmark = pytest.mark.django_db

TABLE = "consent_webhookdelivery"


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("partitioning is PostgreSQL's (the PostgreSQL CI run covers it)")


@pytest.fixture
def endpoint():
    return WebhookEndpoint.objects.create(
        institution=make_institution(), url="https://example.org/hooks"
    )


def _delivery(endpoint, at: datetime) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event_id=uuid.uuid4(), event_type="artefact.issued", body="{}",
        next_attempt_at=at, created_at=at,
    )  # fmt: skip


def _home(delivery) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [delivery.pk])
        row = cursor.fetchone()
    return row[0] if row else None


def test_every_record_table_is_partitioned_by_month_with_a_default():
    for table in settings.SUCHI_PARTITIONED:
        with connection.cursor() as cursor:
            cursor.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [table])
            assert cursor.fetchone()[0] == "p", table
        names = {p.name for p in partitions(table)}
        assert partition_name(table, this_month()) in names
        assert partition_name(table, add_months(this_month(), 3)) in names
        assert f"{table}_default" in names


def test_rows_either_side_of_a_month_boundary_land_in_their_own_months(endpoint):
    next_month = add_months(this_month(), 1)
    boundary = datetime(next_month.year, next_month.month, 1, tzinfo=UTC)
    before = _delivery(endpoint, boundary - timedelta(microseconds=1))
    after = _delivery(endpoint, boundary)
    assert _home(before) == partition_name(TABLE, this_month())
    assert _home(after) == partition_name(TABLE, next_month)
    # The ORM reads them back through the parent, by id alone.
    assert WebhookDelivery.objects.get(pk=before.pk).created_at == before.created_at


def test_a_row_beyond_the_made_months_waits_in_the_default_and_moves_to_its_month(endpoint):
    far = add_months(this_month(), 6)
    row = _delivery(endpoint, datetime(far.year, far.month, 15, tzinfo=UTC))
    assert _home(row) == f"{TABLE}_default"
    assert partitions_ensure(TABLE, months_ahead=6) >= 1
    assert _home(row) == partition_name(TABLE, far)


def test_old_months_past_retention_are_detached_and_younger_ones_refused(endpoint):
    eight_years_ago = add_months(this_month(), -96)
    partitions_ensure(TABLE, since=eight_years_ago)
    old = _delivery(endpoint, datetime(eight_years_ago.year, eight_years_ago.month, 2, tzinfo=UTC))
    six_years_ago = add_months(this_month(), -72)
    young = _delivery(endpoint, datetime(six_years_ago.year, six_years_ago.month, 2, tzinfo=UTC))

    # Seven years are kept whatever the setting says: a month six years old cannot go.
    with pytest.raises(RetentionError, match="keeps 84 months"):
        partitions_detach(TABLE, before=add_months(six_years_ago, 1))
    assert _home(old) and _home(young)  # nothing was detached
    with pytest.raises(CommandError, match="refused to detach"):
        call_command("partitions", "--detach-before", f"{add_months(six_years_ago, 1):%Y-%m}")

    detached = partitions_detach(TABLE, before=add_months(eight_years_ago, 1))
    assert detached == [partition_name(TABLE, eight_years_ago)]
    assert _home(old) is None  # gone from the table …
    with connection.cursor() as cursor:  # … kept, detached, for the archive
        cursor.execute(f"SELECT count(*) FROM {detached[0]}")
        assert cursor.fetchone()[0] == 1
    assert _home(young) == partition_name(TABLE, six_years_ago)

    dropped = partitions_detach(TABLE, before=add_months(eight_years_ago, 2), drop=True)
    assert dropped == [partition_name(TABLE, add_months(eight_years_ago, 1))]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [dropped[0]])
        assert cursor.fetchone()[0] is None


def test_the_retention_setting_cannot_go_below_seven_years(settings):
    settings.SUCHI_PARTITIONED = {**settings.SUCHI_PARTITIONED, TABLE: 12}
    five_years_ago = add_months(this_month(), -60)
    partitions_ensure(TABLE, since=five_years_ago)
    with pytest.raises(RetentionError):
        partitions_detach(TABLE, before=add_months(five_years_ago, 1))


def test_the_command_lists_and_extends_the_partitions():
    call_command("partitions", "--ensure", "4", stdout=io.StringIO())
    fifth = partition_name(TABLE, add_months(this_month(), 4))
    assert fifth in {p.name for p in partitions(TABLE)}
    listing = io.StringIO()
    call_command("partitions", "--table", TABLE, stdout=listing)
    lines = [line.split("\t") for line in listing.getvalue().splitlines()]
    assert [TABLE, f"{add_months(this_month(), 4):%Y-%m}", fifth, "0"] in lines
    assert [TABLE, "default", f"{TABLE}_default", "0"] in lines


def test_the_conversion_keeps_rows_keys_indexes_and_the_id_sequence():
    """convert_to_monthly, as the migrations ran it, on a table of the same shape with rows of
    three months: every row kept in its month, the unique rule and foreign key still hold,
    and new rows continue the id sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE scratch_events (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            " owner_id bigint NOT NULL REFERENCES registry_institution (id),"
            " seq integer NOT NULL CHECK (seq >= 0), created_at timestamptz NOT NULL,"
            " CONSTRAINT scratch_seq_unique UNIQUE (owner_id, seq))"
        )
        cursor.execute("CREATE INDEX scratch_by_seq ON scratch_events (seq)")
        owner = make_institution()
        for seq, month in enumerate((-2, -1, 0)):
            start = add_months(this_month(), month)
            cursor.execute(
                "INSERT INTO scratch_events (owner_id, seq, created_at) VALUES (%s, %s, %s)",
                [owner.pk, seq, datetime(start.year, start.month, 3, tzinfo=UTC)],
            )
        with connection.schema_editor() as editor:
            convert_to_monthly(editor, "scratch_events")
        cursor.execute("SELECT id, seq, tableoid::regclass::text FROM scratch_events ORDER BY id")
        rows = cursor.fetchall()
        assert [(i, s) for i, s, _ in rows] == [(1, 0), (2, 1), (3, 2)]
        assert [home for *_, home in rows] == [
            partition_name("scratch_events", add_months(this_month(), m)) for m in (-2, -1, 0)
        ]
        now = datetime.now(UTC)
        cursor.execute(
            "INSERT INTO scratch_events (owner_id, seq, created_at) VALUES (%s, 3, %s) "
            "RETURNING id",
            [owner.pk, now],
        )
        assert cursor.fetchone()[0] == 4
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'scratch_events'")
        assert {"scratch_events_pkey", "scratch_seq_unique", "scratch_by_seq"} <= {
            row[0] for row in cursor.fetchall()
        }
        with pytest.raises(IntegrityError), transaction.atomic():  # (owner, seq) at that time
            cursor.execute(
                "INSERT INTO scratch_events (owner_id, seq, created_at) VALUES (%s, 3, %s)",
                [owner.pk, now],
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute(
                "INSERT INTO scratch_events (owner_id, seq, created_at) VALUES (-1, 9, now())"
            )
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
