from django.urls import path

from . import (
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
