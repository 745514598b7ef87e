from django.urls import path

from . import (
    guardian_openapi,  # noqa: F401 (importing it documents the views)
    guardian_views,
    linking_views,
    openapi,  # noqa: F401 (importing openapi documents the views)
    views,
)

urlpatterns = [
    path("auth/otp", views.OtpRequest.as_view(), name="auth-otp"),
    path("auth/otp/verify", views.OtpVerify.as_view(), name="auth-otp-verify"),
    path(
        "linking-endpoint",
        linking_views.ProviderLinkingEndpoint.as_view(),
        name="linking-endpoint",
    ),
    path("links/notices", linking_views.ProviderLinkNotice.as_view(), name="link-notices"),
    path("me/links", linking_views.MyLinks.as_view(), name="my-links"),
    path("me/links/providers", linking_views.MyLinkProviders.as_view(), name="my-link-providers"),
    path("me/links/discover", linking_views.MyLinkDiscover.as_view(), name="my-link-discover"),
    path(
        "me/links/discoveries/<anyuuid:pk>/choose",
        linking_views.MyLinkChoose.as_view(),
        name="my-link-choose",
    ),
    path(
        "me/links/discoveries/<anyuuid:pk>/confirm",
        linking_views.MyLinkConfirm.as_view(),
        name="my-link-confirm",
    ),
    path("me/links/<anyuuid:pk>", linking_views.MyLinkDetail.as_view(), name="my-link"),
]

W = "me/wards/<anyuuid:pk>"
urlpatterns += [
    path("me/guardians", guardian_views.MyGuardians.as_view(), name="my-guardians"),
    path("me/wards", guardian_views.MyWards.as_view(), name="my-wards"),
    path(f"{W}/confirm", guardian_views.MyWardConfirm.as_view(), name="my-ward-confirm"),
    path(f"{W}/decline", guardian_views.MyWardDecline.as_view(), name="my-ward-decline"),
    path(f"{W}/end", guardian_views.MyWardEnd.as_view(), name="my-ward-end"),
    path(f"{W}/consent-requests", guardian_views.MyWardRequests.as_view(), name="my-ward-requests"),
    path(
        f"{W}/consent-requests/<anyuuid:request_id>/grant",
        guardian_views.MyWardRequestGrant.as_view(),
        name="my-ward-request-grant",
    ),
    path(
        f"{W}/consent-requests/<anyuuid:request_id>/deny",
        guardian_views.MyWardRequestDeny.as_view(),
        name="my-ward-request-deny",
    ),
    path(
        f"{W}/consent-artefacts",
        guardian_views.MyWardArtefacts.as_view(),
        name="my-ward-artefacts",
    ),
    path(
        f"{W}/consent-artefacts/<anyuuid:artefact_id>/revoke",
        guardian_views.MyWardArtefactRevoke.as_view(),
        name="my-ward-artefact-revoke",
    ),
]
