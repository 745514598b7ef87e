from django.urls import path

from . import views

urlpatterns = [
    path("datasets", views.DatasetListCreate.as_view(), name="dataset-list"),
    path("datasets/<uuid:pk>", views.DatasetDetail.as_view(), name="dataset-detail"),
    path(
        "datasets/<uuid:pk>/revisions", views.DatasetRevisions.as_view(), name="dataset-revisions"
    ),
    path(
        "datasets/<uuid:pk>/validations",
        views.DatasetValidations.as_view(),
        name="dataset-validations",
    ),
    path("datasets/<uuid:pk>/validate", views.DatasetValidate.as_view(), name="dataset-validate"),
]
