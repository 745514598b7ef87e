"""The institution console's harvest pages: a source added, a job started, a job's progress
and report (harvest.services, harvest.selectors)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from catalog.pages import CHECK_TITLES
from core.errors import Conflict, ServiceError
from harvest.models import HarvestSource
from harvest.selectors import harvest_job_for, harvest_job_report
from harvest.services import harvest_job_start, harvest_source_create

from . import labels
from .console import console_context, member_required, overview_page
from .forms_harvest import HarvestSourceForm
from .outcomes import refusal_on

OUTCOME_LABELS = {
    "published": _("Published"),
    "published_with_warnings": _("Published with warnings"),
    "rejected": _("Rejected"),
    "not_validated": _("Could not be validated"),
    "pending": _("Waiting for validation"),
}


@member_required()
@require_GET
def harvest_job(request, pk):
    job = harvest_job_for(institution=request.institution, job_id=pk)
    if job is None:
        raise Http404
    report = harvest_job_report(job=job)
    progress = report["progress"]
    for group in report["findings"]:
        group["check_title"] = CHECK_TITLES.get(group["check"], group["check"])
    context = console_context(
        request,
        job=job,
        status_label=labels.HARVEST_JOB_STATUS.get(job.status, job.status),
        progress=progress,
        # One bar for the whole job: gathering is unbounded, so it counts imports and
        # validations, which have totals once the source has been read.
        done=progress["imported"] + progress["validated"],
        total=(progress["to_import"] or 0) + progress["to_validate"],
        outcomes=[(OUTCOME_LABELS[key], n, key) for key, n in report["outcomes"].items()],
        findings=report["findings"],
        # Refresh while something is still moving (no JavaScript needed).
        refresh=not progress["settled"],
    )
    return render(request, "web/console/harvest_job.html", context)


@member_required()
@require_POST
def harvest_source_add(request):
    """Register a catalogue to harvest; refused, the overview again with the form's reasons."""
    form = HarvestSourceForm(request.POST)
    if form.is_valid():
        try:
            source = harvest_source_create(institution=request.institution, **form.cleaned_data)
        except ServiceError as exc:
            refusal_on(form, exc)
        else:
            messages.success(
                request,
                gettext("%(name)s is added. Harvest it now, or wait for its schedule.")
                % {"name": source.name},
            )
            return redirect("console-overview", request.institution.slug)
    return overview_page(request, harvest_form=form, http_status=400)


@member_required()
@require_POST
def harvest_source_run(request, pk):
    """Start a job of one of the institution's sources, and show its progress."""
    source = get_object_or_404(HarvestSource, pk=pk, institution=request.institution)
    try:
        job = harvest_job_start(source=source)
    except (Conflict, ServiceError) as exc:
        messages.error(request, exc.message)
        return redirect("console-overview", request.institution.slug)
    return redirect("console-harvest-job", request.institution.slug, job.pk)
