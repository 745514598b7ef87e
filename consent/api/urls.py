from django.urls import path

from registry.api import urls as _registry_urls  # noqa: F401  (registers the anyuuid converter)

from . import views

urlpatterns = [
    path("purposes", views.PurposeList.as_view(), name="purposes"),
    path("consent-requests", views.ConsentRequestListCreate.as_view(), name="consent-requests"),
    path(
        "consent-requests/<anyuuid:pk>",
        views.ConsentRequestDetail.as_view(),
        name="consent-request-detail",
    ),
    path(
        "consent-requests/<anyuuid:pk>/cancel",
        views.ConsentRequestCancel.as_view(),
        name="consent-request-cancel",
    ),
    path("consent-artefacts", views.ArtefactList.as_view(), name="consent-artefacts"),
    path("consent-artefacts/<anyuuid:pk>", views.ArtefactDetail.as_view(), name="consent-artefact"),
    path(
        "consent-artefacts/<anyuuid:pk>/status",
        views.ArtefactStatus.as_view(),
        name="consent-artefact-status",
    ),
    path(
        "consent-artefacts/<anyuuid:pk>/receipts",
        views.ArtefactReceipts.as_view(),
        name="consent-artefact-receipts",
    ),
    path("webhooks", views.WebhookEndpointListCreate.as_view(), name="webhooks"),
    path("webhooks/deliveries", views.WebhookDeliveryList.as_view(), name="webhook-deliveries"),
    path("webhooks/<anyuuid:pk>", views.WebhookEndpointDetail.as_view(), name="webhook"),
    path("auth/token", views.CitizenToken.as_view(), name="citizen-token"),
    path("me", views.Me.as_view(), name="me"),
    path("me/consent-requests", views.MyRequests.as_view(), name="my-requests"),
    path("me/consent-requests/<anyuuid:pk>", views.MyRequestDetail.as_view(), name="my-request"),
    path(
        "me/consent-requests/<anyuuid:pk>/grant",
        views.MyRequestGrant.as_view(),
        name="my-request-grant",
    ),
    path(
        "me/consent-requests/<anyuuid:pk>/withdraw",
        views.MyRequestWithdraw.as_view(),
        name="my-request-withdraw",
    ),
    path(
        "me/consent-requests/<anyuuid:pk>/deny",
        views.MyRequestDeny.as_view(),
        name="my-request-deny",
    ),
    path("me/consent-artefacts", views.MyArtefacts.as_view(), name="my-artefacts"),
    path("me/consent-artefacts/<anyuuid:pk>", views.MyArtefactDetail.as_view(), name="my-artefact"),
    path(
        "me/consent-artefacts/<anyuuid:pk>/pause",
        views.MyArtefactPause.as_view(),
        name="my-artefact-pause",
    ),
    path(
        "me/consent-artefacts/<anyuuid:pk>/resume",
        views.MyArtefactResume.as_view(),
        name="my-artefact-resume",
    ),
    path(
        "me/consent-artefacts/<anyuuid:pk>/revoke",
        views.MyArtefactRevoke.as_view(),
        name="my-artefact-revoke",
    ),
    path("me/access-log", views.MyAccessLog.as_view(), name="my-access-log"),
    path("me/export", views.MyExport.as_view(), name="my-export"),
]
