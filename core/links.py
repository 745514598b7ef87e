"""Only http and https become links. Everything else a source may send as an address
(`javascript:`, `data:`, `file:`, `vbscript:`, a bare word) is kept as text, never as an href."""

from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
# Characters RFC 3986/3987 never allow unescaped in a URI: a URL holding one cannot be an RDF
# IRI (Turtle refuses to write it), and an attribute could be broken open by it.
_NOT_IN_URIS = frozenset('"<>{}|\\^`')


def http_url(value) -> str:
    """`value` stripped if it is an absolute http(s) URL with a host and only characters a
    URI may hold, else ""."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    if len(url) > MAX_URL_LENGTH or any(
        ord(c) < 0x21 or c == "\x7f" or c in _NOT_IN_URIS for c in url
    ):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return ""
    return url
