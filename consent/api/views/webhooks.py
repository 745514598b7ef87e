"""The consent API for an institution's webhooks: endpoints, and the deliveries made to them."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import Pagination
from core.api.serializers import page_of
from registry.api.permissions import HasScope

from ... import selectors
from ...models import WebhookDelivery
from ...services import (
    webhook_endpoint_create,
    webhook_endpoint_disable,
)
from ..examples import EXAMPLES
from ..serializers import (
    WebhookDeliveryOutput,
    WebhookEndpointInput,
    WebhookEndpointOutput,
)
from .common import ERRORS, ERRORS_WRITE, TOKEN_AUTH, status_filter


# --- Webhooks --------------------------------------------------------------------------------
class WebhookEndpointListCreate(APIView):
    permission_classes = [HasScope]
    required_scope = "webhooks:write"

    @extend_schema(
        operation_id="webhooks_list",
        examples=EXAMPLES["webhooks_list"],
        summary="Your institution's webhook endpoints",
        responses={200: WebhookEndpointOutput(many=True), **ERRORS},
        auth=TOKEN_AUTH,
        tags=["webhooks"],
    )
    def get(self, request):
        endpoints = request.user.institution.webhook_endpoints.order_by("created_at")
        return Response(WebhookEndpointOutput(endpoints, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        examples=EXAMPLES["webhooks_create"],
        summary="Receive consent events at a URL",
        description="Every status change of your consent requests and artefacts is POSTed as "
        "JSON, signed as a detached JWS in `X-Suchi-Signature` (keys at "
        "`/.well-known/jwks.json`), with the event id in `X-Suchi-Event-Id` for de-duplication. "
        "Failed deliveries are retried with exponential backoff for 24 hours.",
        request=WebhookEndpointInput,
        responses={201: WebhookEndpointOutput, **ERRORS_WRITE},
        auth=TOKEN_AUTH,
        tags=["webhooks"],
    )
    def post(self, request):
        serializer = WebhookEndpointInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(
            institution=request.user.institution, **serializer.validated_data
        )
        return Response(WebhookEndpointOutput(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetail(APIView):
    permission_classes = [HasScope]
    required_scope = "webhooks:write"

    @extend_schema(
        operation_id="webhooks_disable",
        examples=EXAMPLES["webhooks_disable"],
        summary="Stop deliveries to an endpoint",
        request=None,
        responses={200: WebhookEndpointOutput, **ERRORS},
        auth=TOKEN_AUTH,
        tags=["webhooks"],
    )
    def delete(self, request, pk):
        endpoint = webhook_endpoint_disable(institution=request.user.institution, endpoint_id=pk)
        return Response(WebhookEndpointOutput(endpoint).data)


class WebhookDeliveryList(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = "webhooks:write"
    pagination_class = Pagination
    serializer_class = WebhookDeliveryOutput

    @extend_schema(
        operation_id="webhook_deliveries_list",
        examples=EXAMPLES["webhook_deliveries_list"],
        summary="Deliveries to your endpoints, newest first",
        parameters=[
            OpenApiParameter("status", enum=WebhookDelivery.Status.values, required=False),
        ],
        responses={200: page_of(WebhookDeliveryOutput, "WebhookDeliveryPage"), **ERRORS},
        auth=TOKEN_AUTH,
        tags=["webhooks"],
    )
    def get(self, request):
        wanted = status_filter(request, WebhookDelivery.Status.values)
        qs = selectors.deliveries_of(institution=request.user.institution, status=wanted)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(WebhookDeliveryOutput(page, many=True).data)
