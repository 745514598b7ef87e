"""The breach API (DPDP Act 2023 s.8(6), DPDP Rules 2025 rule 7): an institution reports a
personal-data breach and reads its own reports, with how the citizens' notifications fared
(scope `breaches:report`). There is no delete: reports are kept for the Data Protection Board."""

from django.urls import reverse
from rest_framework import generics, status
from rest_framework.response import Response

from core.api.pagination import Pagination
from core.api.serializers import validated
from registry.api.permissions import HasScope
from registry.services import Actor

from ..breaches import breach_report_stated
from ..selectors import breach_delivery, breaches_of_institution
from .serializers import BreachInput, BreachOutput

SCOPE = "breaches:report"


def _rendered(reports) -> list:
    return BreachOutput(
        reports, many=True, context={"delivery": breach_delivery(r.pk for r in reports)}
    ).data


class InstitutionBreaches(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = SCOPE
    pagination_class = Pagination
    serializer_class = BreachOutput

    def get(self, request):
        qs = breaches_of_institution(institution=request.user.institution)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(_rendered(page))

    def post(self, request):
        data = validated(BreachInput, request)
        institution = request.user.institution
        report = breach_report_stated(
            data, institution=institution, actor=Actor.for_token(request.auth).label
        )
        report = breaches_of_institution(institution=institution).get(pk=report.pk)
        (body,) = _rendered([report])
        return Response(
            body,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("breach", args=[report.pk])},
        )


class InstitutionBreachDetail(generics.GenericAPIView):
    permission_classes = [HasScope]
    required_scope = SCOPE

    def get(self, request, pk):
        qs = breaches_of_institution(institution=request.user.institution)
        (body,) = _rendered([generics.get_object_or_404(qs, pk=pk)])
        return Response(body)
