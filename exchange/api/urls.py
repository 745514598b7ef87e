from django.urls import path

from . import (
    openapi,  # noqa: F401 (importing openapi documents the views)
    views,
)

urlpatterns = [
    path("access-requests", views.AccessRequestListCreate.as_view(), name="access-requests"),
    path(
        "access-requests/<anyuuid:pk>", views.AccessRequestDetail.as_view(), name="access-request"
    ),
    path(
        "access-requests/<anyuuid:pk>/approve",
        views.AccessRequestApprove.as_view(),
        name="access-request-approve",
    ),
    path(
        "access-requests/<anyuuid:pk>/reject",
        views.AccessRequestReject.as_view(),
        name="access-request-reject",
    ),
    path(
        "access-requests/<anyuuid:pk>/withdraw",
        views.AccessRequestWithdraw.as_view(),
        name="access-request-withdraw",
    ),
    path(
        "access-requests/<anyuuid:pk>/messages",
        views.AccessRequestMessages.as_view(),
        name="access-request-messages",
    ),
    path("agreements", views.AgreementList.as_view(), name="agreements"),
    path("agreements/register", views.AgreementRegister.as_view(), name="agreements-register"),
    path(
        "agreements/register.csv",
        views.AgreementRegister.as_view(csv=True),
        name="agreements-register-csv",
    ),
    path("agreements/<anyuuid:pk>", views.AgreementDetail.as_view(), name="agreement"),
    path(
        "agreements/<anyuuid:pk>/status", views.AgreementStatus.as_view(), name="agreement-status"
    ),
    path(
        "agreements/<anyuuid:pk>/receipts",
        views.AgreementReceipts.as_view(),
        name="agreement-receipts",
    ),
    *[
        path(
            f"agreements/<anyuuid:pk>/{action}",
            views.AgreementTransition.as_view(action=action),
            name=f"agreement-{action}",
        )
        for action in ("suspend", "resume", "revoke")
    ],
    path("exchange-policy", views.ExchangePolicyView.as_view(), name="exchange-policy"),
]
