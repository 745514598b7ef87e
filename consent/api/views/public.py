"""The consent API for anyone: the purpose list and the signing keys (JWKS)."""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from rest_framework.response import Response
from rest_framework.views import APIView

from ...keys import jwks
from ...models import PurposeCode
from ..serializers import (
    PurposeOutput,
)


# --- Public ----------------------------------------------------------------------------------
class PurposeList(APIView):
    def get(self, request):
        purposes = PurposeCode.objects.filter(is_active=True)
        return Response(PurposeOutput(purposes, many=True).data)


@cache_control(public=True, max_age=300)
def jwks_view(request):
    """The public keys artefacts and webhooks are signed with (RFC 7517 JWK Set)."""
    response = JsonResponse(jwks())
    response["Content-Type"] = "application/jwk-set+json"
    response["Access-Control-Allow-Origin"] = "*"
    return response
