"""Figures computed once and shared for a while: a statistic at a million datasets costs a scan,
and it may be a few minutes old (Sahamati publishes monthly; MQA weekly). Each answer is kept
in the shared cache (Redis in production) for SUCHI_STATS_TTL seconds under its name, its
parameters, the language and the build, and says when it was computed. With the cache down,
figures are computed afresh.
"""

import hashlib
import logging
from datetime import datetime

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
