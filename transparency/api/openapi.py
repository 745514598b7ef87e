"""The statistics API in the OpenAPI document (core.api.schema). Imported by urls.py."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from core.api.schema import Operations, by_mount, one_mount
from core.api.serializers import ErrorOutput

from ..series import SPECS
from .examples import EXAMPLES
from .views import QualityCatalogue, QualityPublisher, StatsIndex, StatsSeries

anyone = Operations(examples=EXAMPLES, auth=[{}], tags=["statistics"])
NAMES = [spec.name for spec in SPECS]
MONTH = "^[0-9]{4}-(0[1-9]|1[0-2])$"  # YYYY-MM
PERIOD = [
    OpenApiParameter("name", str, OpenApiParameter.PATH, enum=NAMES),
    OpenApiParameter(
        "from", str, pattern=MONTH, description="First month (default: 11 months before `to`)"
    ),
    OpenApiParameter("to", str, pattern=MONTH, description="Last month (default: this month)"),
]
SeriesOutput = inline_serializer(
    "StatsSeriesOutput",
    {
        "name": serializers.CharField(),
        "title": serializers.CharField(),
        "description": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=["monthly", "categories", "table"]),
        "group": serializers.CharField(),
        "notes": serializers.ListField(child=serializers.CharField()),
        "columns": serializers.ListField(child=serializers.DictField()),
        "period": serializers.DictField(allow_null=True),
        "computed_at": serializers.DateTimeField(),
        "rows": serializers.ListField(child=serializers.DictField()),
    },
)
FiguresOutput = inline_serializer(
    "FairFiguresOutput",
    {
        "datasets": serializers.IntegerField(),
        "average": serializers.FloatField(),
        "max": serializers.IntegerField(),
        "rating": serializers.ChoiceField(choices=["excellent", "good", "sufficient", "bad"]),
        "ratings": serializers.DictField(child=serializers.IntegerField()),
        "dimensions": serializers.DictField(),
        "checks": serializers.ListField(child=serializers.DictField()),
        "best_change": serializers.DictField(allow_null=True),
        "computed_at": serializers.DateTimeField(),
        "publishers": serializers.ListField(child=serializers.DictField(), required=False),
        "worst": serializers.ListField(child=serializers.DictField(), required=False),
        "rank": serializers.IntegerField(allow_null=True, required=False),
    },
)
IndexOutput = inline_serializer(
    "StatsIndexOutput",
    {
        "series": serializers.ListField(child=serializers.DictField()),
        "quality": serializers.URLField(),
    },
)


def csv_response(description: str) -> dict:
    return {(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=description)}


anyone(
    StatsIndex, "get", "stats_index", "Every public statistic", {200: IndexOutput},
    description="The statistics `/stats` shows, each with its JSON and CSV address.",
)  # fmt: skip
by_mount(
    StatsSeries,
    "get",
    "csv",
    {
        False: one_mount(
            anyone, StatsSeries, "get", "stats_series", "One statistic",
            {200: SeriesOutput, 400: ErrorOutput, 404: ErrorOutput}, parameters=PERIOD,
            description="Monthly series cover the period `from`..`to` (at most 120 months, "
            "none before 2000-01, none over a year ahead; otherwise 400 naming the parameter). "
            "Figures may be up to `SUCHI_STATS_TTL` seconds old; `computed_at` says when.",
        ),
        True: one_mount(
            anyone, StatsSeries, "get", "stats_series_csv", "One statistic, as CSV",
            {**csv_response("The columns' names, then one row a month or category. Cells a "
                            "spreadsheet would run as formulas start with `'`."),
             400: ErrorOutput, 404: ErrorOutput},
            parameters=PERIOD,
        ),
    },
)  # fmt: skip
by_mount(
    QualityCatalogue,
    "get",
    "csv",
    {
        False: one_mount(
            anyone, QualityCatalogue, "get", "stats_quality",
            "Metadata quality of the catalogue (FAIR, MQA weights)", {200: FiguresOutput},
            description="Average FAIR points of the published datasets (of 405), by dimension "
            "and check, the change that would gain the most, and every publisher ranked.",
        ),
        True: one_mount(
            anyone, QualityCatalogue, "get", "stats_quality_csv",
            "The ranking of publishers by metadata quality, as CSV",
            csv_response("rank, slug, name, datasets, average, rating"),
        ),
    },
)  # fmt: skip
anyone(
    QualityPublisher, "get", "stats_quality_publisher", "Metadata quality of one publisher",
    {200: FiguresOutput, 404: ErrorOutput},
    description="Its rank, average FAIR points by dimension and check, its datasets that lose "
    "the most points with what each lacks, and the one change that would gain the most.",
)  # fmt: skip
