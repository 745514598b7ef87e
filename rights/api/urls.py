from django.urls import path

from . import (
    breach_views,
    openapi,  # noqa: F401 (importing openapi documents the views)
    views,
)

urlpatterns = [
    path("me/grievances", views.MyGrievances.as_view(), name="my-grievances"),
    path("me/grievances/<anyuuid:pk>", views.MyGrievanceDetail.as_view(), name="my-grievance"),
    path(
        "me/grievances/<anyuuid:pk>/resolve",
        views.MyGrievanceResolve.as_view(),
        name="my-grievance-resolve",
    ),
    path(
        "me/grievances/<anyuuid:pk>/escalate",
        views.MyGrievanceEscalate.as_view(),
        name="my-grievance-escalate",
    ),
    path("grievances", views.InstitutionGrievances.as_view(), name="grievances"),
    path("grievances/<anyuuid:pk>", views.InstitutionGrievanceDetail.as_view(), name="grievance"),
    path(
        "grievances/<anyuuid:pk>/respond",
        views.InstitutionGrievanceRespond.as_view(),
        name="grievance-respond",
    ),
    path("stats/grievances", views.GrievanceStats.as_view(), name="grievance-stats"),
]

urlpatterns += [
    path("breaches", breach_views.InstitutionBreaches.as_view(), name="breaches"),
    path("breaches/<anyuuid:pk>", breach_views.InstitutionBreachDetail.as_view(), name="breach"),
]
