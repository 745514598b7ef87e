"""Examples for the statistics API in the OpenAPI document (figures from the demo data)."""

from drf_spectacular.utils import OpenApiExample

SITE = "https://suchi.example.in"


def ok(name: str, value, media_type: str = "application/json") -> OpenApiExample:
    return OpenApiExample(
        name, value=value, response_only=True, status_codes=["200"], media_type=media_type
    )


INDEX = {
    "series": [
        {
            "name": "datasets-published",
            "title": "Datasets published",
            "description": "Datasets in the catalogue by the month they were first published, "
            "with the total.",
            "kind": "monthly",
            "group": "catalogue",
            "uses_period": True,
            "json": f"{SITE}/api/v1/stats/datasets-published",
            "csv": f"{SITE}/api/v1/stats/datasets-published.csv",
        }
    ],
    "quality": f"{SITE}/api/v1/stats/quality",
}
SERIES = {
    "name": "datasets-by-access",
    "title": "Datasets by access",
    "description": "Open to all, restricted to agreements, or per citizen under consent.",
    "kind": "categories",
    "group": "catalogue",
    "notes": [],
    "columns": [
        {"name": "value", "label": "Code", "unit": "text"},
        {"name": "label", "label": "Name", "unit": "text"},
        {"name": "datasets", "label": "Datasets", "unit": "count"},
    ],
    "period": None,
    "computed_at": "2026-12-07T05:10:00+00:00",
    "rows": [
        {"value": "open", "label": "Open", "datasets": 42},
        {"value": "restricted", "label": "Restricted", "datasets": 5},
        {"value": "consent", "label": "Per citizen, under consent", "datasets": 3},
    ],
}
SERIES_CSV = "value,label,datasets\r\nopen,Open,42\r\nrestricted,Restricted,5\r\n"
CHECK = {
    "name": "keywords",
    "label": "Keywords",
    "dimension": "findability",
    "points": 30,
    "met": 48,
    "share": 0.96,
    "gain": 1.2,
}
DIMENSIONS = {
    "findability": {"label": "Findability", "max": 100, "average": 91.2},
    "accessibility": {"label": "Accessibility", "max": 100, "average": 40.0},
    "interoperability": {"label": "Interoperability", "max": 110, "average": 96.4},
    "reusability": {"label": "Reusability", "max": 75, "average": 70.1},
    "contextuality": {"label": "Contextuality", "max": 20, "average": 18.3},
}
FIGURES = {
    "datasets": 50,
    "average": 316.0,
    "max": 405,
    "rating": "good",
    "ratings": {"excellent": 12, "good": 35, "sufficient": 3, "bad": 0},
    "dimensions": DIMENSIONS,
    "checks": [CHECK],
    "best_change": {
        **CHECK,
        "name": "access_url_reachable",
        "label": "Access URLs answer",
        "dimension": "accessibility",
        "points": 50,
        "met": 20,
        "share": 0.4,
        "gain": 30.0,
        "advice": "fix the access URLs that do not answer",
        "missing": 30,
    },
    "computed_at": "2026-12-07T05:10:00+00:00",
}
QUALITY = {
    **FIGURES,
    "publishers": [
        {
            "slug": "ka-health",
            "name": "Department of Health and Family Welfare, Karnataka",
            "datasets": 12,
            "average": 331.5,
            "rating": "good",
            "rank": 1,
        }
    ],
}
PUBLISHER = {
    **FIGURES,
    "slug": "ka-health",
    "name": "Department of Health and Family Welfare, Karnataka",
    "rank": 1,
    "of": 8,
    "worst": [
        {
            "id": "4d58708b-16ae-475e-a387-32658679dbe5",
            "title": "Drug stock levels at public health facilities",
            "points": 255,
            "rating": "good",
            "lost": 150,
            "missing": [
                {
                    "name": "access_url_reachable",
                    "label": "Access URLs answer",
                    "points": 50,
                    "advice": "fix the access URLs that do not answer",
                }
            ],
        }
    ],
}
EXAMPLES = {
    "stats_index": [ok("Every statistic", INDEX)],
    "stats_series": [ok("Datasets by access", SERIES)],
    "stats_series_csv": [ok("Datasets by access, as CSV", SERIES_CSV, "text/csv")],
    "stats_quality": [ok("The catalogue's quality", QUALITY)],
    "stats_quality_csv": [
        ok("The ranking", "rank,slug,name,datasets,average,rating\r\n", "text/csv")
    ],
    "stats_quality_publisher": [ok("One publisher", PUBLISHER)],
}
