from django.urls import path

from . import (
    records_openapi,  # noqa: F401 (importing it documents the views)
    records_views,
)

urlpatterns = [
    path("me/records", records_views.MyRecords.as_view(), name="my-records"),
    path("me/close", records_views.MyAccountClose.as_view(), name="my-account-close"),
]
