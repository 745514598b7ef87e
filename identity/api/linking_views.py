"""Account discovery and linking (identity.linking): providers register where they answer;
citizens discover, link and delink; providers send signed notices."""

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from consent.api.serializers import LinkedAccountOutput
from consent.api.views.common import CitizenView
from consent.models import AccountLink
from consent.selectors import links_of_citizen
from core.api.lists import paged, status_filter
from core.api.serializers import validated
from registry.api.permissions import HasScope

from ..linking import (
    link_confirm,
    link_delink,
    link_discover,
    link_provider_notice,
    link_start,
    linking_endpoint_disable,
    linking_endpoint_set,
)
from ..models import LinkingEndpoint
from .serializers import (
    DiscoverInput,
    LinkChooseInput,
    LinkConfirmInput,
    LinkingEndpointInput,
    LinkingEndpointOutput,
    LinkProviderOutput,
    LinkSessionOutput,
)


class ProviderLinkingEndpoint(APIView):
    permission_classes = [HasScope]
    required_scope = "consents:verify"

    def get(self, request):
        endpoint = LinkingEndpoint.objects.filter(institution=request.user.institution).first()
        if endpoint is None:
            return Response({"detail": "No linking endpoint is registered."}, status=404)
        return Response(LinkingEndpointOutput(endpoint).data)

    def put(self, request):
        data = validated(LinkingEndpointInput, request)
        endpoint = linking_endpoint_set(
            institution=request.user.institution,
            url=data["url"],
            public_jwk=data["public_jwk"],
        )
        return Response(LinkingEndpointOutput(endpoint).data)

    def delete(self, request):
        endpoint = linking_endpoint_disable(institution=request.user.institution)
        return Response(LinkingEndpointOutput(endpoint).data)


@method_decorator(csrf_exempt, name="dispatch")
class ProviderLinkNotice(APIView):
    """Signed by the provider's own key, not a token: the signature is the credential."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request):
        link = link_provider_notice(
            provider_slug=request.headers.get("X-Suchi-Provider", ""),
            body=request.body,
            signature=request.headers.get("X-Suchi-Signature", ""),
        )
        return Response({"link_reference": link.link_reference, "status": link.status})


class MyLinks(CitizenView):
    serializer_class = LinkedAccountOutput

    def get(self, request):
        wanted = status_filter(request, AccountLink.Status.values)
        qs = links_of_citizen(citizen=self.citizen, status=wanted)
        return paged(self, qs, LinkedAccountOutput)


class MyLinkProviders(CitizenView):
    serializer_class = LinkProviderOutput

    def get(self, request):
        qs = (
            LinkingEndpoint.objects.select_related("institution")
            .filter(is_active=True)
            .order_by("institution__name")
        )
        return paged(self, qs, LinkProviderOutput)


class MyLinkDiscover(CitizenView):
    def post(self, request):
        data = validated(DiscoverInput, request)
        session = link_discover(
            citizen=self.citizen,
            provider_slug=data["provider"],
            kinds=data["identifiers"],
        )
        return Response(LinkSessionOutput(session).data, status=status.HTTP_201_CREATED)


class MyLinkChoose(CitizenView):
    def post(self, request, pk):
        data = validated(LinkChooseInput, request)
        session = link_start(citizen=self.citizen, session_id=pk, references=data["accounts"])
        return Response(LinkSessionOutput(session).data)


class MyLinkConfirm(CitizenView):
    pagination_class = None  # answers the links just made, all of them

    def post(self, request, pk):
        data = validated(LinkConfirmInput, request)
        links = link_confirm(citizen=self.citizen, session_id=pk, code=data["code"])
        return Response(LinkedAccountOutput(links, many=True).data, status=status.HTTP_201_CREATED)


class MyLinkDetail(CitizenView):
    def get(self, request, pk):
        link = links_of_citizen(citizen=self.citizen).filter(pk=pk).first()
        if link is None:
            return Response({"detail": "No such linked account."}, status=404)
        return Response(LinkedAccountOutput(link).data)

    def delete(self, request, pk):
        link = link_delink(
            citizen=self.citizen, link_id=pk, actor=f"citizen: {self.citizen.handle}"
        )
        return Response(LinkedAccountOutput(link).data)
