"""The public transparency pages: /stats (every statistic as a chart with its table beside it)
and the metadata quality dashboards (/quality, /quality/<publisher>). Server-rendered, no
script; English and Hindi like the other public pages."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from catalog.pages import public_page
from catalog.standards import dcat
from catalog.views import NEGOTIATED, negotiated, rdf_response
from core.replicas import replica_reads
from registry import mqa

from . import charts, service
from .periods import PeriodError, period_from
from .series import GROUPS, SPECS, Column


def _display(value, column: Column) -> str:
    if value is None:
        return "-"
    if column.unit in ("count",):
        return f"{value:,}"
    if column.unit in ("hours", "days"):
        return f"{value:,.1f}"
    if column.unit == "date":
        return str(value)[:16].replace("T", " ")
    return str(value)


def _cell(value, column: Column) -> dict:
    numeric = column.unit in ("count", "hours", "days")
    return {"text": _display(value, column), "numeric": numeric, "month": column.unit == "month"}


def _figure(spec, answer: dict, query: str) -> dict:
    shown = [c for c in spec.columns if c.name != "value"]
    return {
        "name": spec.name,
        "title": spec.title,
        "description": spec.description,
        "notes": spec.notes,
        "chart": charts.chart_for(spec, answer["rows"]),
        "columns": shown,
        "rows": [[_cell(row.get(c.name), c) for c in shown] for row in answer["rows"]],
        "csv": reverse("stats-series-csv", kwargs={"name": spec.name}) + query,
        "json": reverse("stats-series", kwargs={"name": spec.name}) + query,
    }


def _bad_period(request, exc: PeriodError):
    context = {"title": _("Those dates cannot be shown"), "message": str(exc), "param": exc.param}
    return render(request, "catalog/error.html", context, status=400)


@replica_reads
@public_page
def stats(request):
    try:
        # A form sent with a month left blank means that month's default.
        period = period_from({k: v for k, v in request.GET.items() if v.strip()})
    except PeriodError as exc:
        return _bad_period(request, exc)
    query = "?" + request.GET.urlencode() if request.GET else ""
    groups, computed = [], []
    for code, title in GROUPS.items():
        figures = []
        for spec in (s for s in SPECS if s.group == code):
            answer = service.series_answer(spec, period)
            computed.append(answer["computed_at"])
            figures.append(_figure(spec, answer, query if spec.uses_period else ""))
        groups.append({"code": code, "title": title, "figures": figures})
    context = {
        "groups": groups,
        "period": period.as_params(),
        "computed_at": min(computed)[:16].replace("T", " ") if computed else "",
    }
    return render(request, "transparency/stats.html", context)


def _dimension_chart(chart_id: str, figures: dict) -> str:
    rows = [{"label": d["label"], "points": d["average"]} for d in figures["dimensions"].values()]
    return charts.bars(chart_id, _("Average points by FAIR dimension"), rows, "points")


def _rating_chart(figures: dict) -> str:
    rows = [
        {"label": str(mqa.RATING_LABELS[code]), "datasets": n}
        for code, n in figures["ratings"].items()
    ]
    return charts.bars("chart-ratings", _("Datasets by rating"), rows, "datasets")


def _methodology() -> list[dict]:
    return [
        {
            "code": code,
            "label": label,
            "max": mqa.DIMENSION_MAX[code],
            "checks": [c for c in mqa.CHECKS if c.dimension == code],
        }
        for code, label in mqa.DIMENSIONS
    ]


@replica_reads
@negotiated({k: v for k, v in NEGOTIATED.items() if v != "json"})
@public_page
def quality(request, fmt: str):
    """The catalogue's quality dashboard; in RDF, the FAIR metrics its DQV names."""
    if fmt != "html":
        return rdf_response(dcat.quality_graph(settings.SUCHI_SITE_URL), fmt)
    figures = service.catalogue_quality()
    context = {
        "figures": figures,
        "rating_label": mqa.RATING_LABELS[figures["rating"]],
        "dimension_chart": _dimension_chart("chart-dimensions", figures),
        "rating_chart": _rating_chart(figures),
        "methodology": _methodology(),
        "max_points": mqa.MAX_POINTS,
        "rating_labels": {code: str(label) for code, label in mqa.RATING_LABELS.items()},
    }
    return render(request, "transparency/quality.html", context)


@replica_reads
@public_page
def quality_publisher(request, slug: str):
    try:
        figures = service.publisher_quality(slug)
    except Http404:
        raise Http404(_("No institution has that address.")) from None
    context = {
        "figures": figures,
        "rating_label": mqa.RATING_LABELS[figures["rating"]],
        "dimension_chart": _dimension_chart("chart-dimensions", figures),
        "max_points": mqa.MAX_POINTS,
        "rating_labels": {code: str(label) for code, label in mqa.RATING_LABELS.items()},
    }
    return render(request, "transparency/quality_publisher.html", context)
