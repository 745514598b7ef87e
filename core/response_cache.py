"""Anonymous reads answered from a shared cache, with strong ETags, under a version that
every change to their data moves (for the catalogue: registry/version.py).

The key is the version and everything the answer depends on: the host and scheme (absolute
links), the full path with its query, the language and the media type, and the code and
settings that built it (core/build.py, settings_digest). A change moves the
version, so the next request misses and is answered afresh: nothing stale is ever served, and
no entry needs deleting (they expire). The ETag is the key's digest: a client that sends it
back in If-None-Match gets 304 while the version holds, without a query being run.

Only anonymous GET and HEAD requests answered in JSON take part; with the cache down
(Redis), requests are answered as if nothing were cached.
"""

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation

from .build import build_id

logger = logging.getLogger(__name__)

TTL_SECONDS = 300
MAX_BODY = 1 << 20  # larger answers are not kept
CACHE_CONTROL = "public, max-age=0, must-revalidate"
HEADER = "X-Suchi-Cache"  # hit, miss or revalidated: for operators and the load test
KEPT_HEADERS = ("Last-Modified", "Link")  # stored with the body


# Besides the project's own settings, those that change what an answer says or links to.
ANSWER_SETTINGS = (
    "ALLOWED_HOSTS", "LANGUAGE_CODE", "REST_FRAMEWORK", "SECURE_PROXY_SSL_HEADER", "TIME_ZONE",
    "USE_X_FORWARDED_HOST",
)  # fmt: skip


@lru_cache(maxsize=1)
def settings_digest() -> str:
    """This process's configuration, as far as answers depend on it: the SUCHI_* settings and
    ANSWER_SETTINGS. Two processes configured differently never share an entry. Computed once
    a process, and again after an override (tests)."""
    names = sorted(name for name in dir(settings) if name.startswith("SUCHI_"))
    described = repr([(name, getattr(settings, name, None)) for name in [*names, *ANSWER_SETTINGS]])
    return hashlib.blake2b(described.encode(), digest_size=8).hexdigest()


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    settings_digest.cache_clear()


@dataclass(frozen=True)
class Entry:
    key: str
    etag: str


def _anonymous(request) -> bool:
    return "HTTP_AUTHORIZATION" not in request.META and not request.user.is_authenticated


def entry_for(request, version: str | None) -> Entry | None:
    """The request's entry under `version`, or None if it is not a cacheable read."""
    if (
        version is None
        or not settings.SUCHI_ANSWER_CACHE
        or request.method not in ("GET", "HEAD")
        or getattr(request.accepted_renderer, "format", "") != "json"
        or not _anonymous(request)
    ):
        return None
    identity = "\n".join(
        (
            version,
            build_id(),
            settings_digest(),
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            translation.get_language() or "",
            request.accepted_media_type or "",
        )
    )
    digest = hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()
    return Entry(key=f"answer:{digest}", etag=f'"{digest}"')


def _sent_back(request, etag: str) -> bool:
    """If-None-Match names the ETag (weak comparison, RFC 9110 §13.1.2). `*` is left to the
    view: it means "any current answer", and only the view knows whether there is one."""
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _tagged(response, entry: Entry, how: str):
    response["ETag"] = entry.etag
    response["Cache-Control"] = CACHE_CONTROL
    response[HEADER] = how
    return response


def cached_answer(request, entry: Entry | None):
    """304 if the client holds this answer, the stored answer if there is one, else None."""
    if entry is None:
        return None
    if _sent_back(request, entry.etag):
        return _tagged(HttpResponseNotModified(), entry, "revalidated")
    try:
        stored = cache.get(entry.key)
    except Exception:
        logger.warning("answer cache unavailable", exc_info=True)
        return None
    if stored is None:
        return None
    content_type, body, headers = stored
    response = HttpResponse(body, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return _tagged(response, entry, "hit")


def keep_answer(response, entry: Entry | None):
    """Tag a fresh answer and store it once it is rendered (200s only)."""
    if entry is None or response.status_code != 200 or response.streaming:
        return response  # an error is never kept, nor tagged (its 304 would be wrong); nor a
        # stream (too long to keep)
    _tagged(response, entry, "miss")

    def store(rendered):
        if rendered.status_code == 200 and len(rendered.content) <= MAX_BODY:
            try:
                kept = {name: rendered[name] for name in KEPT_HEADERS if name in rendered}
                cache.set(
                    entry.key, (rendered["Content-Type"], rendered.content, kept), TTL_SECONDS
                )
            except Exception:
                logger.warning("answer cache unavailable", exc_info=True)

    response.add_post_render_callback(store)
    return response
