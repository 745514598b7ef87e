"""Figures computed once and shared for a while: a statistic at a million datasets costs a scan,
and it may be a few minutes old (Sahamati publishes monthly; MQA weekly). Each answer is kept
in the shared cache (Redis in production) for SUCHI_STATS_TTL seconds under its name, its
parameters, the language and the build, and says when it was computed. With the cache down,
figures are computed afresh.

A monthly series is kept month by month (`months_remembered`), not period by period: any
period is put together from the months already counted, and only the months missing are
counted (in one statement). So the entries are bounded (a few hundred months a series), and
asking for ever new periods neither fills the cache nor costs more than the months asked for.
"""

import hashlib
import logging
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from core.build import build_id

logger = logging.getLogger(__name__)


def ttl() -> int:
    return settings.SUCHI_STATS_TTL


def _key(parts: tuple) -> str:
    described = repr((parts, translation.get_language() or "", build_id()))
    return "stats:" + hashlib.blake2b(described.encode(), digest_size=16).hexdigest()


def remembered(parts: tuple, compute, *, fresh: bool = False) -> tuple[object, datetime, bool]:
    """(value, when it was computed, whether it came from the cache). `fresh` computes anew
    and replaces what was kept (the warming task)."""
    key = _key(parts)
    if not fresh and ttl() > 0:
        try:
            kept = cache.get(key)
        except Exception:
            logger.warning("stats cache unavailable", exc_info=True)
            kept = None
        if kept is not None:
            return kept[0], kept[1], True
    value, now = compute(), timezone.now()
    if ttl() > 0:
        try:
            cache.set(key, (value, now), ttl())
        except Exception:
            logger.warning("stats cache unavailable", exc_info=True)
    return value, now, False


def _bucket_key(name: str, month: str) -> str:
    described = repr(("month", name, month, build_id()))
    return "stats:" + hashlib.blake2b(described.encode(), digest_size=16).hexdigest()


def months_remembered(name: str, months: list[str], compute, *, fresh: bool = False):
    """(the rows of `months`, each month's row as `compute(first, last)` counts it, and when
    the oldest of them was counted). `compute` is asked only for the months not kept, as one
    span from the first missing to the last."""
    keys = {month: _bucket_key(name, month) for month in months}
    kept: dict = {}
    if not fresh and ttl() > 0:
        try:
            kept = cache.get_many(list(keys.values()))
        except Exception:
            logger.warning("stats cache unavailable", exc_info=True)
    missing = [month for month in months if keys[month] not in kept]
    if missing:
        now = timezone.now()
        first, last = (date(int(m[:4]), int(m[5:]), 1) for m in (missing[0], missing[-1]))
        counted = {row["month"]: (row, now) for row in compute(first, last)}
        new = {keys[month]: entry for month, entry in counted.items() if month in keys}
        kept.update(new)
        if ttl() > 0:
            try:
                cache.set_many(new, ttl())
            except Exception:
                logger.warning("stats cache unavailable", exc_info=True)
    rows = [kept[keys[month]][0] for month in months]
    return rows, min(kept[keys[month]][1] for month in months)
