"""The institution console's harvest pages: a job's progress and report (harvest.selectors).
Starting jobs and registering sources stay with the API and `manage.py harvest`."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from catalog.pages import CHECK_TITLES
from harvest.selectors import harvest_job_for, harvest_job_report

from . import labels
from .console import console_context, member_required

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
