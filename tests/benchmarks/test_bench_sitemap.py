"""The whole sitemap at scale (issue #18): /sitemap.xml and every /sitemaps/datasets-<n>.xml it
names, fetched through the Django test client with each streamed body consumed, over the same
benchmark catalogue as test_bench_search (SUCHI_BENCH_DATASETS synthetic published datasets,
default 1,000,000 on PostgreSQL, 20,000 on SQLite, in `<database>_bench`, kept between runs).

Reported, medians over SUCHI_BENCH_REPEAT runs (default 3):
- the index alone (it refreshes the files' boundaries: one row-number query over the ids);
- the whole sitemap: the index, then every dataset file in turn;
- the first and the deepest dataset file (a ratio near 1: the deep file is read by keyset);
- peak Python memory (tracemalloc) while one full file is streamed;
- for comparison, the deepest file's rows read the old way (ORDER BY id OFFSET … LIMIT …).
"""

import os
import statistics
import time
import tracemalloc
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client

from catalog import sitemaps
from registry.models import Dataset

from .test_bench_search import catalogue, report  # noqa: F401 (the module's fixture)

pytestmark = [pytest.mark.benchmark]

REPEAT = int(os.environ.get("SUCHI_BENCH_SITEMAP_REPEAT", "3"))
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def fetch(client: Client, path: str) -> tuple[float, int, bytes]:
    """(seconds, bytes, the last chunk) of one sitemap document, its streamed body consumed
    chunk by chunk (never held whole)."""
    started = time.perf_counter()
    response = client.get(path)
    assert response.status_code == 200, path
    size, last = 0, b""
    for chunk in response.streaming_content:
        size += len(chunk)
        last = chunk
    return time.perf_counter() - started, size, last


def file_paths(client: Client) -> list[str]:
    response = client.get("/sitemap.xml")
    root = ElementTree.fromstring(b"".join(response.streaming_content))
    locs = [urlsplit(e.findtext("sm:loc", namespaces=NS)).path for e in root]
    assert locs[0].endswith("/pages.xml")
    return locs[1:]


def median_s(samples: list[float]) -> float:
    return round(statistics.median(samples), 3)


def offset_rows(page: int) -> float:
    """The old way: the file's rows at OFFSET (page - 1) * SITEMAP_PAGE_SIZE (with its probe)."""
    published = Dataset.objects.filter(status=Dataset.Status.PUBLISHED).order_by("pk")
    start = (page - 1) * sitemaps.SITEMAP_PAGE_SIZE
    started = time.perf_counter()
    assert published[start : start + 1].exists()
    rows = published.values_list("pk", "modified_at")[start : start + sitemaps.SITEMAP_PAGE_SIZE]
    count = sum(1 for _ in rows.iterator(chunk_size=sitemaps.CHUNK))
    assert count > 0
    return time.perf_counter() - started


def explain(queryset) -> None:
    """EXPLAIN ANALYZE of the SQL Django runs (QuerySet.explain() mangles a window filter)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def test_bench_sitemap(catalogue):  # noqa: F811 (the fixture imported above)
    n = catalogue
    client = Client()
    paths = file_paths(client)  # warm: plans, caches
    assert len(paths) == -(-n // sitemaps.SITEMAP_PAGE_SIZE)
    first, deepest = paths[0], paths[-1]

    # The whole sitemap: the index and every dataset file, REPEAT times.
    index, whole = [], []
    for _ in range(REPEAT):
        started = time.perf_counter()
        seconds, _, _ = fetch(client, "/sitemap.xml")
        index.append(seconds)
        total_bytes = 0
        for path in paths:
            _, size, _ = fetch(client, path)
            total_bytes += size
        whole.append(time.perf_counter() - started)
    # Every published dataset once (counted outside the timed runs).
    urls = 0
    for path in paths:
        body = b"".join(client.get(path).streaming_content)
        urls += body.count(b"<url>")
    assert urls == n, (urls, n)
    report(
        "whole sitemap (index + every file)",
        n=n,
        files=len(paths),
        runs=REPEAT,
        median_s=median_s(whole),
        runs_s=[round(s, 2) for s in whole],
        mb=round(total_bytes / 1e6, 1),
    )
    report(
        "index (refreshes boundaries)",
        median_s=median_s(index),
        runs_s=[round(s, 3) for s in index],
    )

    # The first and the deepest file, alternately.
    firsts, deeps = [], []
    for _ in range(max(REPEAT, 3)):
        firsts.append(fetch(client, first)[0])
        deeps.append(fetch(client, deepest)[0])
    report(
        "first file vs deepest",
        first=first,
        first_median_s=median_s(firsts),
        deepest=deepest,
        deepest_median_s=median_s(deeps),
        deepest_over_first=round(statistics.median(deeps) / statistics.median(firsts), 2),
    )

    # Peak Python memory while the deepest file (SITEMAP_PAGE_SIZE URLs) is streamed.
    peaks = []
    for _ in range(REPEAT):
        tracemalloc.start()
        tracemalloc.reset_peak()
        _, size, last = fetch(client, deepest)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert last.endswith(b"</urlset>\n")
        peaks.append(peak)
    report(
        "peak Python memory, one file streamed",
        file=deepest,
        file_mb=round(size / 1e6, 1),
        peak_mb=round(statistics.median(peaks) / 1e6, 1),
        runs_mb=[round(p / 1e6, 1) for p in peaks],
    )

    # The same deepest rows read the old way, by OFFSET, for comparison.
    page = len(paths)
    old = [offset_rows(page) for _ in range(REPEAT)]
    report(
        "before: deepest file's rows by OFFSET (rows only)",
        page=page,
        median_s=median_s(old),
        runs_s=[round(s, 2) for s in old],
    )
    boundaries = sitemaps.file_boundaries(refresh=True)
    keyset = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        rows = (
            Dataset.objects.filter(status=Dataset.Status.PUBLISHED, pk__gte=boundaries[-1])
            .order_by("pk")
            .values_list("pk", "modified_at")[: sitemaps.SITEMAP_PAGE_SIZE]
        )
        assert sum(1 for _ in rows.iterator(chunk_size=sitemaps.CHUNK)) > 0
        keyset.append(time.perf_counter() - started)
    report(
        "after: deepest file's rows by keyset (rows only)",
        page=page,
        median_s=median_s(keyset),
        runs_s=[round(s, 2) for s in keyset],
    )

    # The plans, for the record (PostgreSQL), and the boundaries' query alone.
    if connection.vendor == "postgresql":
        explain(sitemaps.first_ids())
        explain(rows)
    alone = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        sitemaps.file_boundaries(refresh=True)
        alone.append(time.perf_counter() - started)
    report("boundaries query alone", median_s=median_s(alone), runs_s=[round(s, 3) for s in alone])
