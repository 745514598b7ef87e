from django.urls import path, re_path

from . import openapi, views  # noqa: F401 (importing openapi documents the views)

urlpatterns = [
    path("datasets/<anyuuid:pk>", views.DatasetDetail.as_view(), name="dataset-detail"),
    path(
        "datasets/<anyuuid:pk>/revisions",
        views.DatasetRevisions.as_view(),
        name="dataset-revisions",
    ),
    path(
        "datasets/<anyuuid:pk>/validations",
        views.DatasetValidations.as_view(),
        name="dataset-validations",
    ),
    path(
        "datasets/<anyuuid:pk>/validate", views.DatasetValidate.as_view(), name="dataset-validate"
    ),
    # Anything else under /api/v1/ is a JSON 404 that says what exists, not an HTML page.
    re_path(r"^[\s\S]*$", views.api_not_found, name="api-not-found"),
]
