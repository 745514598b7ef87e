from django.urls import path

from . import (
    openapi,  # noqa: F401 (importing openapi documents the views)
    views,
)

urlpatterns = [
    path("auth/otp", views.OtpRequest.as_view(), name="auth-otp"),
    path("auth/otp/verify", views.OtpVerify.as_view(), name="auth-otp-verify"),
]
