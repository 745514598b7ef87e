"""Background jobs of the transparency pages."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from . import service
from .periods import period_from
from .series import SPECS


def statistics_warm() -> int:
    """Count every statistic of the default period, and the quality figures, afresh in every
    language the pages speak, replacing what the cache kept: a reader of /stats never waits
    for a count at a million datasets. Returns how many answers were counted."""
    counted = 0
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            period = period_from({})
            for spec in SPECS:
                service.series_answer(spec, period, fresh=True)
                counted += 1
            service.catalogue_quality(fresh=True)
            counted += 1
    return counted


@shared_task(acks_late=True, reject_on_worker_lost=True)
def warm_statistics() -> int:
    return statistics_warm()
