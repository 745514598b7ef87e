from django.urls import path

from . import (
    breach_views,
    nomination_openapi,  # noqa: F401 (importing it documents the views)
    nomination_views,
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

N = "me/nominations/<anyuuid:pk>"
urlpatterns += [
    path("me/nomination", nomination_views.MyNomination.as_view(), name="my-nomination"),
    path("me/nominations", nomination_views.MyNominations.as_view(), name="my-nominations"),
    path(f"{N}/accept", nomination_views.MyNominationAccept.as_view(), name="my-nomination-accept"),
    path(
        f"{N}/decline",
        nomination_views.MyNominationDecline.as_view(),
        name="my-nomination-decline",
    ),
    path(f"{N}/report", nomination_views.MyNominationReport.as_view(), name="my-nomination-report"),
    path(
        f"{N}/consent-artefacts",
        nomination_views.MyNominationArtefacts.as_view(),
        name="my-nomination-artefacts",
    ),
    path(
        f"{N}/consent-artefacts/<anyuuid:artefact_id>/revoke",
        nomination_views.MyNominationArtefactRevoke.as_view(),
        name="my-nomination-artefact-revoke",
    ),
    path(
        f"{N}/records",
        nomination_views.MyNominationRecords.as_view(),
        name="my-nomination-records",
    ),
]
