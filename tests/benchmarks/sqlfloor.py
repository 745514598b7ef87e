"""The SQL floor of a request: the request timed in process, then the very statements it ran
timed again directly on the same connection (issue #12's and #22's "API ÷ SQL")."""

import statistics
import time
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient


@dataclass
class Floor:
    body: dict
    statements: int
    api: list[float]  # seconds, one a request
    sql: list[float]  # seconds, all the request's statements once

    @property
    def ratio(self) -> float:
        return statistics.median(self.api) / statistics.median(self.sql)


def sql_floor(url: str, params: dict | None = None, *, repeat: int, headers=None) -> Floor:
    """Time the request `repeat` times (after one to warm plans and caches), then its
    statements run directly, `repeat` times."""
    client = APIClient(headers=headers)
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    statements = [q["sql"] for q in captured.captured_queries]
    api, sql = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, params)
        api.append(time.perf_counter() - started)
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
            sql.append(time.perf_counter() - started)
    return Floor(response.json(), len(statements), api, sql)
