"""Source URL safety and reachability of every distribution URL."""

from collections.abc import Iterator

from .base import CheckContext, Finding, Severity, check

# Media types that say nothing about the content: no mismatch is reported against them.
_UNSPECIFIC = {"", "application/octet-stream", "binary/octet-stream", "application/download"}
_EQUIVALENT = [
    {"text/csv", "application/csv", "text/comma-separated-values", "application/vnd.ms-excel"},
    {"application/json", "text/json", "application/ld+json", "application/geo+json"},
    {"application/xml", "text/xml"},
    {"text/tab-separated-values", "text/tsv"},
    {"application/zip", "application/x-zip-compressed"},
]


def distribution_urls(snapshot: dict) -> Iterator[tuple[int, dict, str, str]]:
    """(index, distribution, field name, url) for every URL a distribution names."""
    for index, dist in enumerate(snapshot["distributions"]):
        for key in ("access_url", "download_url"):
            if dist.get(key):
                yield index, dist, key, dist[key]


def data_url(dist: dict) -> str:
    """The URL whose content is the data: the download URL, else the access URL."""
    return dist.get("download_url") or dist.get("access_url") or ""


def media_types_agree(declared: str, served: str) -> bool:
    declared, served = declared.lower(), served.lower()
    if declared in _UNSPECIFIC or served in _UNSPECIFIC or declared == served:
        return True
    return any(declared in group and served in group for group in _EQUIVALENT)


def unsafe_finding(where: str, dist: dict, reason: str) -> Finding:
    return Finding(
        severity=Severity.ERROR,
        message=f"Unsafe source URL (field `{where}`): {reason}. Suchi reads only from public "
        "http(s) addresses.",
        field=where,
        distribution_id=dist["id"],
        detail={"kind": "unsafe", "reason": reason},
    )


@check("source_url_safety")
def source_url_safety(snapshot: dict, context: CheckContext) -> Iterator[Finding]:
    if not context.check_sources:
        yield Finding(
            severity=Severity.INFO,
            message="Source checks were skipped for this run (demo data with fictional sources).",
            detail={"kind": "sources_skipped"},
        )
        return
    for index, dist, key, url in distribution_urls(snapshot):
        problem = context.url_problem(url)
        if problem:
            yield unsafe_finding(f"distributions[{index}].{key}", dist, problem)


@check("reachability")
def reachability(snapshot: dict, context: CheckContext) -> Iterator[Finding]:
    if not context.check_sources:
        return
    if context.defer_links:
        yield Finding(
            severity=Severity.INFO,
            message="The links of this harvested record are checked shortly after it is "
            "published, by the scheduled re-check; a failing link will show in its health.",
            detail={"kind": "links_deferred"},
        )
        return
    # Restricted and consent-gated sources are expected to ask for credentials.
    gated = snapshot["access_rights"] != "open"
    for index, dist, key, url in distribution_urls(snapshot):
        if context.url_problem(url):
            continue  # reported by source_url_safety; never contacted
        where = f"distributions[{index}].{key}"
        result = context.head(url)
        if result.unsafe:
            yield unsafe_finding(where, dist, result.unsafe)
        elif result.error:
            yield Finding(
                severity=Severity.ERROR,
                message=f"Source unreachable (field `{where}`): {result.error}.",
                field=where,
                distribution_id=dist["id"],
                detail={"kind": "unreachable", "error": result.error},
            )
        elif gated and result.status in {401, 403}:
            yield Finding(
                severity=Severity.INFO,
                message=f"The source asks for authorisation (HTTP {result.status}, field "
                f"`{where}`), as expected for {snapshot['access_rights']} data.",
                field=where,
                distribution_id=dist["id"],
                detail={"kind": "gated", "status": result.status},
            )
        elif result.status >= 400:
            yield Finding(
                severity=Severity.ERROR,
                message=f"Source answered HTTP {result.status} (field `{where}`).",
                field=where,
                distribution_id=dist["id"],
                detail={"kind": "unreachable", "status": result.status},
            )
        elif url == data_url(dist) and not media_types_agree(
            dist["media_type"], result.content_type
        ):
            yield Finding(
                severity=Severity.WARNING,
                message=f"The source serves `{result.content_type}` but the metadata declares "
                f"`{dist['media_type']}` (field `distributions[{index}].media_type`).",
                field=f"distributions[{index}].media_type",
                distribution_id=dist["id"],
                detail={"kind": "media_type", "served": result.content_type},
            )
