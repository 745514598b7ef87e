from django.urls import path

from . import openapi, validate_views, views  # noqa: F401 (importing openapi documents the views)

urlpatterns = [
    path("datasets", views.DatasetCollection.as_view(), name="dataset-list"),
    path(
        "datasets/<anyuuid:pk>/croissant",
        views.DatasetCroissant.as_view(),
        name="dataset-croissant-api",
    ),
    path("institutions", views.InstitutionList.as_view(), name="institution-list"),
    path("institutions/<slug:slug>", views.InstitutionDetail.as_view(), name="institution-detail"),
    path("themes", views.ThemeList.as_view(), name="theme-list"),
    path("licenses", views.LicenceList.as_view(), name="license-list"),
    path("validate/dcat", validate_views.ValidateDcat.as_view(), name="validate-dcat"),
    path(
        "validate/dcat/jobs/<uuid:job_id>",
        validate_views.ValidateDcatJob.as_view(),
        name="validate-dcat-job",
    ),
]
