"""The metadata quality dashboards (MQA-style): the FAIR assessment of registry/mqa.py summed
for the whole catalogue and for each publisher, the publishers ranked, and for one publisher the
datasets that lose the most points and the one change that would gain the most.

One grouped statement over the published datasets gives every publisher's figures (one
conditional sum per check over the stored bit mask); the catalogue's are their sum.
"""

from django.db import connections, router
from django.http import Http404

from catalog.selectors import institutions_listed
from registry import mqa
from registry.models import Dataset

WORST_SHOWN = 10

_SUMS = ", ".join(
    f"sum(CASE WHEN fair_met & {check.bit} <> 0 THEN 1 ELSE 0 END)" for check in mqa.CHECKS
)
_BANDS = ", ".join(
    f"sum(CASE WHEN fair_score >= {floor} AND fair_score < {ceiling} THEN 1 ELSE 0 END)"
    for floor, ceiling in zip(
        [floor for floor, _c, _l in mqa.RATINGS],
        [mqa.MAX_POINTS + 1, *[floor for floor, _c, _l in mqa.RATINGS][:-1]],
        strict=True,
    )
)
_SQL = (
    f"SELECT institution_id, count(*), sum(fair_score), {_BANDS}, {_SUMS} "  # noqa: S608
    "FROM {table} WHERE status = %s AND fair_met IS NOT NULL GROUP BY institution_id"
)


def _figures(datasets: int, points: int, bands: list[int], met: list[int]) -> dict:
    average = round(points / datasets, 1) if datasets else 0.0
    checks = []
    for check, count in zip(mqa.CHECKS, met, strict=True):
        checks.append(
            {
                "name": check.name,
                "label": str(check.label),
                "dimension": check.dimension,
                "points": check.points,
                "met": count,
                "share": round(count / datasets, 3) if datasets else 0.0,
                # Points the datasets that miss it would gain, on average over all of them.
                "gain": round((datasets - count) * check.points / datasets, 1) if datasets else 0,
            }
        )
    dimensions = {
        name: {
            "label": str(label),
            "max": mqa.DIMENSION_MAX[name],
            "average": round(sum(c["met"] * c["points"] for c in checks
                                 if c["dimension"] == name) / datasets, 1) if datasets else 0.0,
        }
        for name, label in mqa.DIMENSIONS
    }  # fmt: skip
    best = max(checks, key=lambda c: (c["gain"], c["points"])) if datasets else None
    return {
        "datasets": datasets,
        "average": average,
        "max": mqa.MAX_POINTS,
        "rating": mqa.rating(round(average)),
        "ratings": {code: n for (_f, code, _l), n in zip(mqa.RATINGS, bands, strict=True)},
        "dimensions": dimensions,
        "checks": checks,
        "best_change": {
            **best,
            "advice": str(mqa.CHECKS_BY_NAME[best["name"]].advice),
            "missing": datasets - best["met"],
        }
        if best and best["gain"] > 0
        else None,
    }


def _grouped() -> dict:
    """{institution id: (datasets, points, bands, met counts)} over the published catalogue."""
    connection = connections[router.db_for_read(Dataset)]
    with connection.cursor() as cursor:
        cursor.execute(_SQL.format(table=Dataset._meta.db_table), [Dataset.Status.PUBLISHED.value])
        rows = cursor.fetchall()
    bands = len(mqa.RATINGS)
    return {
        row[0]: (row[1], int(row[2] or 0), [int(v or 0) for v in row[3 : 3 + bands]],
                 [int(v or 0) for v in row[3 + bands :]])
        for row in rows
    }  # fmt: skip


def _ranking(grouped: dict) -> list[dict]:
    institutions = institutions_listed().in_bulk(list(grouped))
    ranked = []
    for pk, (datasets, points, _bands, _met) in grouped.items():
        institution = institutions.get(pk)
        if institution is None:
            continue
        average = round(points / datasets, 1)
        ranked.append(
            {
                "slug": institution.slug,
                "name": institution.name,
                "datasets": datasets,
                "average": average,
                "rating": mqa.rating(round(average)),
            }
        )
    ranked.sort(key=lambda r: (-r["average"], -r["datasets"], r["name"]))
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    return ranked


def catalogue_quality() -> dict:
    """The whole catalogue's figures and the ranking of its publishers."""
    grouped = _grouped()
    datasets = sum(v[0] for v in grouped.values())
    points = sum(v[1] for v in grouped.values())
    bands = [sum(v[2][i] for v in grouped.values()) for i in range(len(mqa.RATINGS))]
    met = [sum(v[3][i] for v in grouped.values()) for i in range(len(mqa.CHECKS))]
    return {**_figures(datasets, points, bands, met), "publishers": _ranking(grouped)}


def publisher_quality(slug: str) -> dict:
    """One publisher's figures, its rank among all, and its datasets that lose the most."""
    institution = institutions_listed().filter(slug=slug).first()
    if institution is None:
        raise Http404("no such institution")
    grouped = _grouped()
    ranking = _ranking(grouped)
    place = next((r for r in ranking if r["slug"] == slug), None)
    datasets, points, bands, met = grouped.get(
        institution.pk, (0, 0, [0] * len(mqa.RATINGS), [0] * len(mqa.CHECKS))
    )
    worst = (
        Dataset.objects.filter(
            institution=institution, status=Dataset.Status.PUBLISHED, fair_met__isnull=False
        )
        .order_by("fair_score", "-modified_at", "id")
        .only("id", "title", "fair_score", "fair_met")[:WORST_SHOWN]
    )
    return {
        "slug": institution.slug,
        "name": institution.name,
        "rank": place["rank"] if place else None,
        "of": len(ranking),
        **_figures(datasets, points, bands, met),
        "worst": [
            {
                "id": str(d.pk),
                "title": d.title,
                "points": d.fair_score,
                "rating": mqa.rating(d.fair_score),
                "lost": mqa.MAX_POINTS - d.fair_score,
                "missing": [
                    {
                        "name": c.name,
                        "label": str(c.label),
                        "points": c.points,
                        "advice": str(c.advice),
                    }
                    for c in mqa.missing(d.fair_met)
                ],
            }
            for d in worst
        ],
    }
