"""Only http and https become links. Everything else a source may send as an address
(`javascript:`, `data:`, `file:`, `vbscript:`, a bare word) is kept as text, never as an href."""

from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


def http_url(value) -> str:
    """`value` stripped if it is an absolute http(s) URL with a host, else ""."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    if len(url) > MAX_URL_LENGTH or any(ord(c) < 0x21 or c == "\x7f" for c in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return ""
    return url
