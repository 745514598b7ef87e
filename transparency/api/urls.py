from django.urls import path

from . import openapi, views  # noqa: F401 (importing openapi documents the views)

urlpatterns = [
    path("stats", views.StatsIndex.as_view(), name="stats-index"),
    path("stats/quality", views.QualityCatalogue.as_view(), name="stats-quality"),
    path("stats/quality.csv", views.QualityCatalogue.as_view(csv=True), name="stats-quality-csv"),
    path(
        "stats/quality/<slug:slug>",
        views.QualityPublisher.as_view(),
        name="stats-quality-publisher",
    ),
    path("stats/<slug:name>.csv", views.StatsSeries.as_view(csv=True), name="stats-series-csv"),
    path("stats/<slug:name>", views.StatsSeries.as_view(), name="stats-series"),
]
