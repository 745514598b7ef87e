"""Synthetic published datasets for benchmarks and load tests, bulk-loaded.

Words follow a Zipf law over a vocabulary of common domain words followed by a long tail of
made-up place names, so that some words match most datasets and many match a handful: the
spread a real catalogue's search sees. Institutions, themes, licences, formats, access rights,
states, keywords and dates vary the same way. Every dataset is published and complete as the
API shows it: a row, its distributions and an applied `create` revision holding its snapshot.

Rows are written with COPY on PostgreSQL and executemany on SQLite, in batches, each batch in
its own transaction. Generated datasets are not scheduled for source re-checks (their sources
do not exist) and their institutions' slugs start with the given prefix.
"""

import bisect
import itertools
import json
import random
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction

from registry import mqa, vocabularies
from registry.models import Dataset, DatasetRevision, Distribution, Institution
from registry.services import institution_create

from ..search.postgres import SEARCH_TABLES, facet_counts_fold
from .words import (
    COMMON_WORDS,
    DEPARTMENTS,
    EPOCH,
    FORMATS,
    FREQUENCIES,
    LICENCES,
    THEME_TOPICS,
    Zipf,
    iter_words,
    vocabulary,
)

__all__ = [
    "COMMON_WORDS",
    "FORMATS",
    "LICENCES",
    "Zipf",
    "generate_datasets",
    "iter_words",
    "vocabulary",
]


def _weighted(pairs: list[tuple]) -> tuple[list, list[float]]:
    return [p[:-1] for p in pairs], list(itertools.accumulate(p[-1] for p in pairs))


@dataclass
class Generated:
    institutions: int
    datasets: int
    distributions: int


class _Plan:
    """Everything random about the catalogue, derived from one seed."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)  # noqa: S311 (reproducible test data)
        self.words = vocabulary(seed)
        self.text = Zipf(self.words, s=1.0)
        self.places = Zipf(self.words[len(COMMON_WORDS) :], s=0.9)
        self.topics = {t: Zipf(w.split(), s=0.6) for t, w in THEME_TOPICS.items()}
        self.licences, self.licence_cum = _weighted([p for p in LICENCES if p[1]])
        self.formats, self.format_cum = _weighted(FORMATS)
        self.states = list(vocabularies.states())
        self.theme_codes = list(vocabularies.themes())

    def pick(self, items: list, cum: list[float]):
        return items[bisect.bisect(cum, self.rng.random() * cum[-1])][0]


def _create_institutions(plan: _Plan, count: int, prefix: str) -> list[tuple]:
    """(id, slug, themes) of `count` new verified provider institutions."""
    made = []
    states = vocabularies.states()
    for n in range(count):
        department, kind, themes = DEPARTMENTS[n % len(DEPARTMENTS)]
        state = plan.states[(n // len(DEPARTMENTS)) % len(plan.states)]
        slug = f"{prefix}-{n:05d}-{state.lower()}"
        institution = institution_create(
            slug=slug,
            name=f"{department}, {states[state]['name']} ({n})",
            kind=kind,
            state_code=state,
            website=f"https://{slug}.example.in",
            description=f"Synthetic {department.lower()} publisher for load tests.",
            verified=True,
        )
        made.append((institution.id, slug, themes, state))
    return made


def _sentence(plan: _Plan) -> str:
    words = plan.text.draw(plan.rng, plan.rng.randint(7, 14))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


# Long: one line per field of a dataset row, drawn in a fixed order so a seed reproduces the
# catalogue.
def _dataset(plan: _Plan, institution: tuple, n: int) -> tuple[dict, list[dict]]:
    """One dataset's columns and its distributions' columns."""
    rng = plan.rng
    inst_id, inst_slug, inst_themes, inst_state = institution
    themes = [rng.choice(inst_themes)]
    if rng.random() < 0.25:
        themes.append(rng.choice(plan.theme_codes))
    themes = list(dict.fromkeys(themes))
    topic = plan.topics[themes[0]]
    place = plan.places.draw(rng, 1)[0]
    year = rng.randint(2005, 2026)
    head = topic.draw(rng, 2)
    extra = plan.text.draw(rng, rng.randint(1, 2))
    title = f"{head[0].capitalize()} {head[1]} {' '.join(extra)} in {place.capitalize()}, {year}"
    description = " ".join(_sentence(plan) for _ in range(rng.randint(2, 5)))
    keywords = list(
        dict.fromkeys(topic.draw(rng, rng.randint(1, 3)) + plan.text.draw(rng, rng.randint(1, 3)))
    )
    if rng.random() < 0.3:
        keywords.append(place)
    access = rng.choices(["open", "restricted", "consent"], weights=[85, 11, 4])[0]
    states = [inst_state] if rng.random() < 0.9 else rng.sample(plan.states, rng.randint(1, 3))
    created = EPOCH - timedelta(seconds=rng.randint(0, 6 * 365 * 86400))
    published = created + timedelta(seconds=rng.randint(60, 86400))
    modified = published + timedelta(
        seconds=rng.randint(0, max(0, int((EPOCH - published).total_seconds())))
    )
    start = date(year, 1, 1)
    slug = f"{head[0]}-{head[1]}-{place}-{year}-{n}"[:100]
    dataset_id = uuid.uuid4()
    row = {
        "id": dataset_id,
        "institution_id": inst_id,
        "slug": slug,
        "title": title,
        "description": description,
        "keywords": keywords,
        "themes": themes,
        "license": plan.pick(plan.licences, plan.licence_cum),
        "license_text": "",
        "access_rights": access,
        "contains_personal_data": access == "consent" or rng.random() < 0.03,
        "spatial": {"states": states, "districts": [], "bbox": None},
        "temporal_start": start,
        "temporal_end": None
        if rng.random() < 0.4
        else date(min(year + rng.randint(0, 5), 2026), 12, 31),
        "update_frequency": rng.choice(FREQUENCIES),
        "languages": ["en"] if rng.random() < 0.8 else ["en", "hi"],
        "contact_name": "Data cell",
        "contact_email": f"data@{inst_slug}.example.in",
        "landing_page": f"https://{inst_slug}.example.in/data/{slug}",
        "conforms_to": [],
        "version": f"1.{rng.randint(0, 9)}",
        "status": Dataset.Status.PUBLISHED.value,
        "current_revision_id": None,
        "pending_revision_id": None,
        "created_at": created,
        "modified_at": modified,
        "published_at": published,
        "withdrawn_at": None,
        "quality_score": rng.randint(40, 100),
        "quality": {},
        "ml_ready": False,
        "data_card": {},
        "last_checked_at": None,
        "next_check_at": None,
        "check_status": "unknown",
        "source_failures": 0,
        "provenance": {},
        "source_issued": "",
        "source_modified": "",
        "source_identifier": "",
        "source_publisher": "",
    }
    distributions = []
    count = rng.choices([1, 2, 3], weights=[60, 30, 10])[0]
    for position in range(count):
        fmt, media_type, ext = plan.formats[
            bisect.bisect(plan.format_cum, rng.random() * plan.format_cum[-1])
        ]
        url = f"https://{inst_slug}.example.in/files/{slug}/{position}" + (f".{ext}" if ext else "")
        distributions.append(
            {
                "id": uuid.uuid4(),
                "dataset_id": dataset_id,
                "position": position,
                "title": f"{title} ({fmt})",
                "description": "",
                "access_url": url,
                "download_url": url if ext else "",
                "media_type": media_type,
                "format": fmt,
                "byte_size": rng.randint(1_000, 500_000_000),
                "checksum_sha256": "",
                "schema": None,
            }
        )
    fair = mqa.assess_row(row, distributions)
    row["fair_score"], row["fair_met"] = fair["points"], fair["met"]
    return row, distributions


def _snapshot(row: dict, distributions: list[dict]) -> dict:
    """The revision snapshot, in the shape registry.services.dataset_snapshot gives."""
    snapshot = {
        key: row[key]
        for key in ("slug", "title", "description", "keywords", "themes", "license",
                    "license_text", "access_rights", "contains_personal_data", "spatial",
                    "update_frequency", "languages", "landing_page", "conforms_to", "version")
    }  # fmt: skip
    snapshot["temporal"] = {
        "start": row["temporal_start"].isoformat(),
        "end": row["temporal_end"].isoformat() if row["temporal_end"] else None,
    }
    snapshot["contact_point"] = {"name": row["contact_name"], "email": row["contact_email"]}
    snapshot["distributions"] = [
        {
            "id": str(d["id"]),
            **{k: v for k, v in d.items() if k not in ("id", "dataset_id", "position")},
        }
        for d in distributions
    ]
    return snapshot


@dataclass
class _Batch:
    """One batch's rows, ready for _Writer.write."""

    size: int
    datasets: list
    revisions: list
    distributions: list


def _draw_batch(plan: _Plan, publishers: Zipf, writer: "_Writer", start: int, revision_ids):
    """The next len(revision_ids) datasets, drawn in order from the plan. Pure Python: it may
    run in another thread than the one that writes (never two draws at once: one random
    stream)."""
    rows, dists, revisions = [], [], []
    for i, institution in enumerate(publishers.draw(plan.rng, len(revision_ids))):
        row, its_dists = _dataset(plan, institution, start + i)
        row["current_revision_id"] = revision_ids[i]
        rows.append(row)
        dists += its_dists
        revisions.append(
            {
                "id": revision_ids[i],
                "dataset_id": row["id"],
                "number": 1,
                "kind": DatasetRevision.Kind.CREATE.value,
                "status": DatasetRevision.Status.APPLIED.value,
                "snapshot": _snapshot(row, its_dists),
                "actor_user_id": None,
                "actor_token_id": None,
                "actor_label": "system: generate_datasets",
                "created_at": row["created_at"],
            }
        )
    return _Batch(
        size=len(rows),
        datasets=writer.prepare(Dataset, rows),
        revisions=writer.prepare(DatasetRevision, revisions),
        distributions=writer.prepare(Distribution, dists),
    )


class _Writer:
    """Appends rows to a table: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def reserve_ids(self, model, n: int) -> list[int]:
        """n fresh primary keys for an auto-increment table. Call inside the batch's
        transaction (SQLite has one writer, so max(id) stays ours until it commits)."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, n],
                )
                return [r[0] for r in cursor.fetchall()]
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
            start = cursor.fetchone()[0] + 1
            return list(range(start, start + n))

    def prepare(self, model, rows: list[dict]) -> list:
        """The rows as the writer sends them: on PostgreSQL, COPY's values in column order
        (pure Python, so it can run beside a write); elsewhere the rows as they are."""
        if not self.postgres:
            return rows
        fields = model._meta.concrete_fields
        json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
        names = [f.attname for f in fields]
        return [
            [json.dumps(row[name]) if name in json_fields else row[name] for name in names]
            for row in rows
        ]

    def write(self, model, prepared: list) -> None:
        fields = model._meta.concrete_fields
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in prepared:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    [
                        [f.get_db_prep_save(row[f.attname], connection) for f in fields]
                        for row in prepared
                    ],
                )

    def finish(self, models) -> None:
        """Leave search ready: on PostgreSQL the triggers' facet deltas folded into the counters
        (as beat would within a minute: until then every search adds them up), then fresh
        planner statistics and a visibility map for the new rows and the search tables."""
        tables = [model._meta.db_table for model in models]
        with connection.cursor() as cursor:
            if self.postgres:
                facet_counts_fold(cursor)
                tables += list(SEARCH_TABLES)
            for table in tables:
                # VACUUM cannot run inside a transaction (a caller's, or a test's).
                vacuum = self.postgres and not connection.in_atomic_block
                cursor.execute(f"VACUUM ANALYZE {table}" if vacuum else f"ANALYZE {table}")


# From this many datasets a load on PostgreSQL builds the dataset table's GIN indexes (search
# vector, keywords, themes, states) once at the end instead of row by row.
BULK_INDEX_AT = 100_000


@contextmanager
def _gin_indexes_deferred(count: int, at: int):
    """Drop the dataset table's GIN indexes for a large load and build them again from their
    own definitions at the end, also when the load fails. Outside a transaction only (a
    caller's would hold the table locked), and never for small loads."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or count < at:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s AND indexdef LIKE %s",
            [Dataset._meta.db_table, "% USING gin %"],
        )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in found:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")


def generate_datasets(
    *,
    count: int,
    institutions: int | None = None,
    seed: int = 0,
    prefix: str = "gen",
    batch_size: int = 10_000,
    progress: Callable[[int], None] | None = None,
    defer_indexes_at: int = BULK_INDEX_AT,
) -> Generated:
    """Create `count` published datasets (with distributions and revisions) under new
    institutions whose slugs start with `prefix`. The same seed gives the same catalogue (but
    fresh ids, so that one database can hold several)."""
    if count < 0:
        raise ValueError("count must not be negative")
    plan = _Plan(seed)
    n_institutions = institutions or min(max(count // 1000, 1), 2000)
    with transaction.atomic():
        made = _create_institutions(plan, n_institutions, prefix)
    publishers = Zipf(made, s=0.8)
    writer = _Writer()
    done = distributions = 0
    # On PostgreSQL the next batch is drawn in a thread while the database takes this one (the
    # draw is pure Python and the wait for the database frees the interpreter). Drawn in turn,
    # the draw was 217 s of a 1M load's 871 s; drawn ahead, the load took 806 s.
    ahead = ThreadPoolExecutor(max_workers=1) if writer.postgres else None

    def draw_next(start: int) -> Future | None:
        if ahead is None or start >= count:
            return None
        ids = writer.reserve_ids(DatasetRevision, min(batch_size, count - start))
        return ahead.submit(_draw_batch, plan, publishers, writer, start, ids)

    try:
        with _gin_indexes_deferred(count, defer_indexes_at):
            drawn = draw_next(0)
            while done < count:
                with transaction.atomic():
                    if drawn is None:  # SQLite: one writer, so ids are reserved in the batch
                        ids = writer.reserve_ids(DatasetRevision, min(batch_size, count - done))
                        batch = _draw_batch(plan, publishers, writer, done, ids)
                    else:
                        batch = drawn.result()
                        drawn = draw_next(done + batch.size)
                    writer.write(Dataset, batch.datasets)
                    writer.write(DatasetRevision, batch.revisions)
                    writer.write(Distribution, batch.distributions)
                done += batch.size
                distributions += len(batch.distributions)
                if progress:
                    progress(done)
    finally:
        if ahead is not None:
            ahead.shutdown(cancel_futures=True)
    writer.finish([Institution, Dataset, DatasetRevision, Distribution])
    return Generated(institutions=len(made), datasets=done, distributions=distributions)
