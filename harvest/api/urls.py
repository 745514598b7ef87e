from django.urls import path, register_converter

from . import openapi, views  # noqa: F401 (importing openapi documents the views)


class JobIdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(JobIdConverter, "jobid")

urlpatterns = [
    path("harvest-sources", views.HarvestSourceListCreate.as_view(), name="harvest-sources"),
    path(
        "harvest-sources/<anyuuid:pk>", views.HarvestSourceDetail.as_view(), name="harvest-source"
    ),
    path(
        "harvest-sources/<anyuuid:pk>/jobs",
        views.HarvestSourceJobs.as_view(),
        name="harvest-source-jobs",
    ),
    path("harvest-jobs/<jobid:pk>", views.HarvestJobDetail.as_view(), name="harvest-job"),
    path(
        "harvest-jobs/<jobid:pk>/abort", views.HarvestJobAbort.as_view(), name="harvest-job-abort"
    ),
]
