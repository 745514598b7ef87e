"""Signing in with a one-time code (no password): ask for a code, then verify it."""

from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.serializers import validated

from ..models import OTP_TTL
from ..services import otp_issue, otp_verify
from ..signup import sign_up_declare
from .serializers import OtpRequestInput, OtpVerifyInput


class OtpRequest(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        data = validated(OtpRequestInput, request)
        otp_issue(
            identifier=data["identifier"], request=request._request, language=data["language"]
        )
        # The same answer whether or not an account exists for the identifier.
        return Response(
            {
                "detail": "A code was sent, if the identifier can receive one.",
                "expires_in": OTP_TTL,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class OtpVerify(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        data = validated(OtpVerifyInput, request)
        return Response(
            otp_verify(
                identifier=data["identifier"],
                code=data["code"],
                language=data["language"],
                new_account=lambda citizen: sign_up_declare(
                    citizen, birth_date=data["birth_date"], guardian=data["guardian"]
                ),
            )
        )
