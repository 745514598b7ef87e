"""The consent API for an institution's webhooks: endpoints, and the deliveries made to them."""

from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.lists import paged, status_filter
from core.api.pagination import Pagination
from core.api.serializers import validated
from registry.api.permissions import HasScope

from ... import selectors
from ...models import WebhookDelivery
from ...services import (
    webhook_endpoint_create,
    webhook_endpoint_disable,
)
from ..serializers import (
    WebhookDeliveryOutput,
    WebhookEndpointInput,
    WebhookEndpointOutput,
)


# --- Webhooks --------------------------------------------------------------------------------
class WebhookEndpointListCreate(APIView):
    permission_classes = [HasScope]
    required_scope = "webhooks:write"

    def get(self, request):
        endpoints = request.user.institution.webhook_endpoints.order_by("created_at")
        return Response(WebhookEndpointOutput(endpoints, many=True).data)

    def post(self, request):
        data = validated(WebhookEndpointInput, request)
        endpoint = webhook_endpoint_create(institution=request.user.institution, **data)
        return Response(WebhookEndpointOutput(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetail(APIView):
    permission_classes = [HasScope]
    required_scope = "webhooks:write"

    def delete(self, request, pk):
        endpoint = webhook_endpoint_disable(institution=request.user.institution, endpoint_id=pk)
        return Response(WebhookEndpointOutput(endpoint).data)


class WebhookDeliveryList(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "webhooks:write"
    pagination_class = Pagination
    serializer_class = WebhookDeliveryOutput

    def get(self, request):
        wanted = status_filter(request, WebhookDelivery.Status.values)
        qs = selectors.deliveries_of(institution=request.user.institution, status=wanted)
        return paged(self, qs, WebhookDeliveryOutput)
