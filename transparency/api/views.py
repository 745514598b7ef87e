"""The public statistics API: each series as JSON or CSV, and the metadata quality figures.
Anonymous and read-only; answered from the cache of transparency/cache.py."""

from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from core.api.renderers import CSVRenderer
from core.http import csv_response
from core.replicas import replica_reads

from .. import service
from ..periods import PeriodError, period_from
from ..series import SPECS


class PublicRead(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    csv = False

    def get_renderers(self):
        # JSON first, so that errors stay JSON; CSV at the .csv address.
        return [JSONRenderer(), CSVRenderer()] if self.csv else super().get_renderers()


def answer_of(name: str, params) -> dict:
    """The series `name` for the period `params` ask for; 404 and 400 as the API says."""
    try:
        spec = service.spec_of(name)
    except service.UnknownSeries:
        raise Http404(f"no statistic called {name!r}") from None
    try:
        period = period_from(params)
    except PeriodError as exc:
        raise ValidationError({exc.param: [str(exc)]}) from None
    return service.series_answer(spec, period)


def series_csv(answer: dict):
    names = [c["name"] for c in answer["columns"]]
    return csv_response(
        f"{answer['name']}.csv", names, ([row.get(n) for n in names] for row in answer["rows"])
    )


@replica_reads
class StatsIndex(PublicRead):
    """Every statistic, with its addresses."""

    def get(self, request):
        def link(name, spec_name):
            return reverse(name, kwargs={"name": spec_name}, request=request)

        return Response(
            {
                "series": [
                    {
                        "name": spec.name,
                        "title": str(spec.title),
                        "description": str(spec.description),
                        "kind": spec.kind,
                        "group": spec.group,
                        "uses_period": spec.uses_period,
                        "json": link("stats-series", spec.name),
                        "csv": link("stats-series-csv", spec.name),
                    }
                    for spec in SPECS
                ],
                "quality": reverse("stats-quality", request=request),
            }
        )


@replica_reads
class StatsSeries(PublicRead):
    """One statistic: its columns and rows for the period (`from`, `to`: YYYY-MM)."""

    def get(self, request, name: str):
        answer = answer_of(name, request.query_params)
        return series_csv(answer) if self.csv else Response(answer)


@replica_reads
class QualityCatalogue(PublicRead):
    """The catalogue's FAIR figures and the ranking of publishers (CSV: the ranking)."""

    def get(self, request):
        figures = service.catalogue_quality()
        if self.csv:
            names = ["rank", "slug", "name", "datasets", "average", "rating"]
            return csv_response(
                "quality.csv", names, ([p[n] for n in names] for p in figures["publishers"])
            )
        return Response(figures)


@replica_reads
class QualityPublisher(PublicRead):
    """One publisher's FAIR figures, rank, weakest datasets and the change worth most."""

    def get(self, request, slug: str):
        return Response(service.publisher_quality(slug))
