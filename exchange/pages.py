"""The public register of data-use agreements as a page (English and Hindi, no scripts): who
holds which agreement, on which datasets, for which purpose, until when. The API's
/api/v1/agreements/register and its CSV say the same."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from catalog.pages import public_page

from . import labels, selectors
from .terms import purposes

PAGE_SIZE = 50


@public_page
def register_page(request):
    paginator = Paginator(selectors.agreements_register(), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    names = {code: purpose for code, purpose in purposes().items()}
    for agreement in page.object_list:
        agreement.purpose_entry = names.get(agreement.purpose, {"name": agreement.purpose})
        agreement.status_label = labels.AGREEMENT_STATUS.get(agreement.status, agreement.status)
    return render(request, "exchange/register.html", {"page": page, "count": paginator.count})


urlpatterns = [path("agreements", register_page, name="agreements-register-page")]
