"""Safe fetching from institutions' data sources (the SSRF guard).

Every URL an institution types in is treated as hostile: only http/https; the host is resolved
and refused if any address is not public (loopback, private, link-local incl. cloud metadata,
multicast, unspecified, reserved, and their IPv6 and IPv4-embedding forms); the connection goes
to the address that was checked, so DNS cannot change its answer in between; every redirect is
checked again; bodies are read into memory up to a bound, decompressed within the same bound;
one deadline covers connect, headers and body.

Hosts listed in SUCHI_SOURCE_ALLOWLIST (`host:port`) skip the address check, for tests and
private deployments.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from core.errors import ServiceError

MAX_SAMPLE_BYTES = 1024 * 1024
CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 15.0
MAX_REDIRECTS = 3
USER_AGENT = "Suchi-validator/1 (+metadata checks; reads at most 1 MiB)"
_REDIRECTS = {301, 302, 303, 307, 308}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IANA's special-purpose blocks that are not globally reachable, for the ones that Python's own
# tables (which differ between releases) may call global: 192.0.0.0/24 but its two anycast
# addresses, IPv6's discard-only, benchmarking, documentation, local NAT64 and SRv6 blocks.
_NOT_GLOBAL = [
    ipaddress.ip_network(block)
    for block in (
        "192.0.0.0/29", "192.0.0.8/32", "192.0.0.11/32", "192.0.0.12/30", "192.0.0.16/28",
        "192.0.0.32/27", "192.0.0.64/26", "192.0.0.128/25", "192.88.99.0/24", "198.18.0.0/15",
        "100::/64", "64:ff9b:1::/48", "2001:2::/48", "2001:db8::/32", "3fff::/20", "5f00::/16",
        "fec0::/10",  # IPv6's old site-local addresses
    )
]  # fmt: skip

Resolver = Callable[..., list]


class UnsafeURL(Exception):
    """The URL may not be fetched; the message says why (it names no personal data)."""


class Unresolvable(Exception):
    """The host does not resolve: the source is unreachable, not unsafe."""


@dataclass
class FetchResult:
    url: str
    final_url: str = ""
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    complete: bool = False  # the whole (decoded) body was read, within the bound
    redirects: list[str] = field(default_factory=list)
    unsafe: str | None = None  # why the URL was refused; no connection was made to it
    error: str | None = None  # network failure, timeout, too many redirects
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.unsafe is None and self.error is None and self.status is not None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def _address_problem(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not a public unicast one, or None if it is."""
    embedded = None
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            embedded = ip.ipv4_mapped
        elif ip.sixtofour:
            embedded = ip.sixtofour
        elif ip.teredo:
            embedded = ip.teredo[1]
        elif ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if embedded is not None:
        problem = _address_problem(embedded)
        return f"{problem} (embedded in {ip})" if problem else None
    for attribute, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, attribute):
            return f"{label} address {ip}"
    if not ip.is_global or any(ip in block for block in _NOT_GLOBAL):
        return f"non-public address {ip}"
    return None


def network_problem(exc: BaseException) -> str:
    """A plain description of a network failure, fit for a report an institution reads: never
    the operating system's own words (errno, paths), which would make every fetch an oracle."""
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "the TLS certificate could not be verified"
    if isinstance(exc, ssl.SSLError):
        return "the TLS handshake failed"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return "the connection was closed by the server"
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed before the whole answer arrived"
    if isinstance(exc, http.client.HTTPException):
        return "the server's answer was not valid HTTP"
    if isinstance(exc, zlib.error | ValueError):
        return "the server's answer could not be decoded"
    return "the network request failed"


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _allowlisted(host: str, port: int) -> bool:
    entries = {entry.lower() for entry in settings.SUCHI_SOURCE_ALLOWLIST}
    return f"{host}:{port}" in entries or f"[{host}]:{port}" in entries


def resolve_safely(url: str, *, resolver: Resolver | None = None) -> tuple[str, int, str, str]:
    """Check a URL and resolve its host. Returns (scheme, port, host, address to connect to).

    Raises UnsafeURL for anything that must not be fetched.
    """
    resolver = resolver or socket.getaddrinfo
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"malformed URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise UnsafeURL(f"scheme {scheme or '(none)'!r} is not allowed; use http or https")
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeURL("the URL has no host")
    if parts.username or parts.password:
        raise UnsafeURL("credentials in the URL are not allowed")
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = resolver(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise Unresolvable(f"host {host!r} does not resolve") from None
    addresses = []
    for info in infos:
        raw = info[4][0].split("%", 1)[0]  # drop an IPv6 zone id
        addresses.append(ipaddress.ip_address(raw))
    if not addresses:
        raise Unresolvable(f"host {host!r} does not resolve")
    if not _allowlisted(host, port):
        for address in addresses:
            problem = _address_problem(address)
            if problem and not _is_address(host):
                # A name's answer is not repeated: it would map a private network's names.
                problem = problem.split(" address ", 1)[0] + " address"
            if problem:
                raise UnsafeURL(f"host {host!r} resolves to a {problem}")
    return scheme, port, host, str(addresses[0])


def url_refused(url: str, *, what: str, field: str = "url") -> None:
    """Refuse, with a 400 naming `field`, a URL Suchi will later call (a webhook, a harvest
    source, a provider's linking endpoint) that the SSRF guard would not fetch."""
    try:
        resolve_safely(url)
    except UnsafeURL as exc:
        raise ServiceError(f"Unsafe {what}: {exc}.", field=field) from None
    except Unresolvable as exc:
        raise ServiceError(f"{exc}.", field=field) from None


def _decode(raw_chunks, encoding: str, limit: int) -> tuple[bytes, bool]:
    """Join and decompress (gzip/deflate) chunks, never producing more than `limit` bytes.

    Returns (body, complete). `raw_chunks` yields raw bytes until the source ends.
    """
    if encoding in {"gzip", "x-gzip", "deflate"}:
        decompressor = zlib.decompressobj(47 if encoding != "deflate" else zlib.MAX_WBITS | 32)
    elif encoding in {"", "identity"}:
        decompressor = None
    else:
        raise ValueError(f"unsupported content encoding {encoding!r}")
    out = bytearray()
    for chunk in raw_chunks:
        if decompressor is None:
            out += chunk
        else:
            out += decompressor.decompress(chunk, limit + 1 - len(out))
            if decompressor.unconsumed_tail and len(out) > limit:
                return bytes(out[:limit]), False
        if len(out) > limit:
            return bytes(out[:limit]), False
    if decompressor is not None:
        out += decompressor.flush(limit + 1 - len(out)) if len(out) <= limit else b""
        if len(out) > limit or decompressor.unconsumed_tail:
            return bytes(out[:limit]), False
    return bytes(out), True


# Long: one deadline and one result object across every redirect hop; split, the hops would each
# need the deadline and the partial result passed around.
def fetch(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    max_bytes: int = MAX_SAMPLE_BYTES,
    extra_headers: dict[str, str] | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    total_timeout: float = TOTAL_TIMEOUT,
    max_redirects: int = MAX_REDIRECTS,
    resolver: Resolver | None = None,
) -> FetchResult:
    """Fetch a URL safely (GET/HEAD, or POST with `body` for webhooks). Never raises for
    network trouble: the result says what happened."""
    started = time.monotonic()
    deadline = started + total_timeout
    result = FetchResult(url=url)
    current = url
    try:
        for hop in range(max_redirects + 1):
            try:
                scheme, port, host, address = resolve_safely(current, resolver=resolver)
            except UnsafeURL as exc:
                result.unsafe = str(exc) if hop == 0 else f"redirect to {current}: {exc}"
                return result
            except Unresolvable as exc:
                result.error = str(exc)
                return result
            response_status, headers, location, response_body, complete = _one_request(
                scheme,
                host,
                port,
                address,
                current,
                method,
                body,
                max_bytes,
                extra_headers,
                connect_timeout,
                deadline,
            )
            result.status, result.headers = response_status, headers
            if response_status in _REDIRECTS and location:
                if hop == max_redirects:
                    result.error = f"more than {max_redirects} redirects"
                    return result
                current = urljoin(current, location)
                result.redirects.append(current)
                continue
            result.final_url = current
            result.body, result.complete = response_body, complete
            return result
    except TimeoutError:
        result.error = f"timed out after {total_timeout:g} s"
    except (OSError, http.client.HTTPException, ssl.SSLError, ValueError, zlib.error) as exc:
        result.error = network_problem(exc)
    finally:
        result.elapsed = time.monotonic() - started
        if result.error and time.monotonic() >= deadline and "timed out" not in result.error:
            result.error = f"timed out after {total_timeout:g} s"
    return result


# Long: one socket under one watchdog: connect, TLS, request, bounded streaming read and close must
# share the try/finally that cuts it.
def _one_request(
    scheme,
    host,
    port,
    address,
    url,
    method,
    request_body,
    max_bytes,
    extra_headers,
    connect_timeout,
    deadline,
):
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    sock = socket.create_connection((address, port), timeout=min(connect_timeout, remaining))
    # One deadline for the whole exchange: a server dripping a byte a second cannot hold the
    # worker, because the socket is shut down when time is up.
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _shutdown, args=(sock,))
    watchdog.daemon = True
    watchdog.start()
    try:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        if scheme == "https":
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        conn_cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(host, port, timeout=max(0.1, deadline - time.monotonic()))
        conn.sock = sock  # already connected to the checked address
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "*/*",
            **(extra_headers or {}),
        }
        conn.request(method, path, body=request_body, headers=headers)
        response = conn.getresponse()
        response_headers = {k.lower(): v for k, v in response.getheaders()}
        if response.status in _REDIRECTS or method == "HEAD":
            return response.status, response_headers, response_headers.get("location"), b"", True
        encoding = response_headers.get("content-encoding", "").strip().lower()

        def chunks():
            raw_read = 0
            while True:
                if time.monotonic() >= deadline:
                    raise TimeoutError
                chunk = response.read1(65536)
                if not chunk:
                    if time.monotonic() >= deadline:
                        raise TimeoutError  # the watchdog cut the connection
                    if response.length:  # http.client lets a cut-off body pass as its end
                        raise http.client.IncompleteRead(b"", response.length)
                    return
                raw_read += len(chunk)
                yield chunk
                if raw_read > max_bytes * 2 and not encoding:
                    return

        body, complete = _decode(chunks(), encoding, max_bytes)
        return response.status, response_headers, None, body, complete
    except OSError:
        if time.monotonic() >= deadline:
            raise TimeoutError from None
        raise
    finally:
        watchdog.cancel()
        with contextlib.suppress(OSError):
            sock.close()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def head(url: str, *, resolver: Resolver | None = None) -> FetchResult:
    """HEAD the URL, falling back to a one-byte ranged GET where HEAD is not supported."""
    result = fetch(url, method="HEAD", resolver=resolver)
    if result.ok and result.status in {405, 501}:
        result = fetch(url, extra_headers={"Range": "bytes=0-0"}, max_bytes=1, resolver=resolver)
    return result
