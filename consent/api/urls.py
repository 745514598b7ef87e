from django.urls import path

from . import erasure_openapi, openapi  # noqa: F401 (importing them documents the views)
from .views import citizens, consumers, erasure, providers, public, webhooks

urlpatterns = [
    path("purposes", public.PurposeList.as_view(), name="purposes"),
    path("consent-requests", consumers.ConsentRequestListCreate.as_view(), name="consent-requests"),
    path(
        "consent-requests/<anyuuid:pk>",
        consumers.ConsentRequestDetail.as_view(),
        name="consent-request-detail",
    ),
    path(
        "consent-requests/<anyuuid:pk>/cancel",
        consumers.ConsentRequestCancel.as_view(),
        name="consent-request-cancel",
    ),
    path("consent-artefacts", consumers.ArtefactList.as_view(), name="consent-artefacts"),
    path(
        "consent-artefacts/<anyuuid:pk>",
        consumers.ArtefactDetail.as_view(),
        name="consent-artefact",
    ),
    path(
        "consent-artefacts/<anyuuid:pk>/status",
        providers.ArtefactStatus.as_view(),
        name="consent-artefact-status",
    ),
    path(
        "consent-artefacts/<anyuuid:pk>/receipts",
        providers.ArtefactReceipts.as_view(),
        name="consent-artefact-receipts",
    ),
    path(
        "consent-artefacts/<anyuuid:pk>/erasure",
        erasure.ArtefactErasure.as_view(),
        name="consent-artefact-erasure",
    ),
    path("erasures", erasure.ErasureList.as_view(), name="erasures"),
    path("webhooks", webhooks.WebhookEndpointListCreate.as_view(), name="webhooks"),
    path("webhooks/deliveries", webhooks.WebhookDeliveryList.as_view(), name="webhook-deliveries"),
    path("webhooks/<anyuuid:pk>", webhooks.WebhookEndpointDetail.as_view(), name="webhook"),
    path("auth/token", citizens.CitizenToken.as_view(), name="citizen-token"),
    path("me", citizens.Me.as_view(), name="me"),
    path("me/consent-requests", citizens.MyRequests.as_view(), name="my-requests"),
    path("me/consent-requests/<anyuuid:pk>", citizens.MyRequestDetail.as_view(), name="my-request"),
    path(
        "me/consent-requests/<anyuuid:pk>/grant",
        citizens.MyRequestGrant.as_view(),
        name="my-request-grant",
    ),
    path(
        "me/consent-requests/<anyuuid:pk>/withdraw",
        citizens.MyRequestWithdraw.as_view(),
        name="my-request-withdraw",
    ),
    path(
        "me/consent-requests/<anyuuid:pk>/deny",
        citizens.MyRequestDeny.as_view(),
        name="my-request-deny",
    ),
    path("me/consent-artefacts", citizens.MyArtefacts.as_view(), name="my-artefacts"),
    path(
        "me/consent-artefacts/<anyuuid:pk>", citizens.MyArtefactDetail.as_view(), name="my-artefact"
    ),
    path(
        "me/consent-artefacts/<anyuuid:pk>/pause",
        citizens.MyArtefactPause.as_view(),
        name="my-artefact-pause",
    ),
    path(
        "me/consent-artefacts/<anyuuid:pk>/resume",
        citizens.MyArtefactResume.as_view(),
        name="my-artefact-resume",
    ),
    path(
        "me/consent-artefacts/<anyuuid:pk>/revoke",
        citizens.MyArtefactRevoke.as_view(),
        name="my-artefact-revoke",
    ),
    path("me/access-log", citizens.MyAccessLog.as_view(), name="my-access-log"),
    path("me/export", citizens.MyExport.as_view(), name="my-export"),
]
