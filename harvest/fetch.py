"""Reading a remote catalogue safely and as a stream.

The same SSRF guard as validation (registry.sources.resolve_safely: public addresses only,
unless allow-listed; the connection goes to the address that was checked; every redirect is
checked again), but the body is handed over as a file-like stream, so a 100 MB catalogue is
parsed as it arrives and never held whole in memory. A read that stalls longer than the read
timeout, a whole fetch past its deadline, or a body past the size bound ends the fetch with
HarvestError naming the reason. A passing failure (no answer, a reset, HTTP 429 or a gateway's
502/503/504) is tried again, after the source's Retry-After or a growing pause
(SUCHI_HARVEST_RETRIES, SUCHI_HARVEST_RETRY_MAX_WAIT): one busy minute of a large portal does
not fail a harvest of a thousand pages.
"""

import contextlib
import http.client
import io
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from core.http import BUSY_STATUSES, retry_after
from registry.sources import Unresolvable, UnsafeURL, network_problem, resolve_safely

USER_AGENT = "Suchi-harvester/1 (+https://github.com/suchi)"
MAX_REDIRECTS = 3
_REDIRECTS = {301, 302, 303, 307, 308}


class HarvestError(Exception):
    """The source cannot be harvested now; the message says why (it ends the job)."""


class Passing(HarvestError):
    """A failure that may pass: no answer, a reset, or a busy answer. `wait`: the seconds the
    source asked for (Retry-After), if it did."""

    def __init__(self, message: str, *, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


def _passing(exc: BaseException) -> bool:
    passing = TimeoutError | ConnectionError | http.client.RemoteDisconnected
    return isinstance(exc, passing | http.client.IncompleteRead)


def pause_before_retry(exc: Passing, tries: int, since: float) -> None:
    """Sleep before try number `tries + 1` of a fetch first tried at `since` (monotonic), or
    raise: no tries left, the source asked for a longer wait than Suchi gives it, or the tries
    would outlast half the heartbeat timeout (a job beats between pages, not while it waits:
    the sweep would take it for dead)."""
    if tries > settings.SUCHI_HARVEST_RETRIES:
        raise HarvestError(f"{exc} (tried {tries} times)") from None
    wait = exc.wait if exc.wait is not None else float(2 ** (tries - 1))
    if wait > settings.SUCHI_HARVEST_RETRY_MAX_WAIT:
        raise HarvestError(
            f"{exc}; it asked to be asked again in {wait:.0f} s, more than "
            f"SUCHI_HARVEST_RETRY_MAX_WAIT ({settings.SUCHI_HARVEST_RETRY_MAX_WAIT} s)"
        ) from None
    if time.monotonic() - since + wait > settings.SUCHI_HARVEST_HEARTBEAT_TIMEOUT / 2:
        raise HarvestError(f"{exc} (tried {tries} times, for {time.monotonic() - since:.0f} s)")
    time.sleep(wait)


@dataclass
class Response:
    url: str
    status: int
    content_type: str
    body: "BoundedBody"
    content_type_header: str = ""  # the whole header, parameters (charset) included


class BoundedBody(io.RawIOBase):
    """The response body, read with a size bound and a deadline."""

    def __init__(self, response: http.client.HTTPResponse, limit: int, deadline: float, url: str):
        self._response, self._limit, self._deadline, self._url = response, limit, deadline, url
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if time.monotonic() > self._deadline:
            raise HarvestError(f"{self._url}: timed out (whole-fetch deadline)")
        try:
            n = self._response.readinto(buffer)
        except TimeoutError:
            raise Passing(
                f"{self._url}: timed out (no data for {settings.SUCHI_HARVEST_READ_TIMEOUT} s)"
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            error = Passing if _passing(exc) else HarvestError
            raise error(f"{self._url}: reading failed: {network_problem(exc)}") from None
        if not n and len(buffer) and self._response.length:  # http.client lets it pass as the end
            raise Passing(
                f"{self._url}: the connection closed {self._response.length} bytes before the "
                "end its Content-Length announced"
            )
        self.total += n
        if self.total > self._limit:
            raise HarvestError(f"{self._url}: larger than {self._limit // (1024 * 1024)} MiB")
        return n

    def read_all(self) -> bytes:
        return io.BufferedReader(self, buffer_size=65536).read()


@contextlib.contextmanager
def open_url(
    url: str, *, accept: str, max_bytes: int | None = None, retry: bool = True
) -> Iterator[Response]:
    """GET `url` and yield the response with its body as a bounded stream. A passing failure
    before the body arrives is tried again (unless `retry` is off: the caller retries)."""
    limit = max_bytes or settings.SUCHI_HARVEST_MAX_BYTES
    deadline = time.monotonic() + settings.SUCHI_HARVEST_TIMEOUT
    tries, since = 0, time.monotonic()
    while True:
        tries += 1
        with contextlib.ExitStack() as stack:
            try:
                response = stack.enter_context(_open_once(url, accept, limit, deadline))
            except Passing as exc:
                if not retry:
                    raise
                pause_before_retry(exc, tries, since)
                continue
            yield response
            return


def read_whole(url: str, read, *, accept: str, max_bytes: int | None = None):
    """`read(response)` of a document read whole (a page): a passing failure while its body
    arrives is tried again too, from the start."""
    tries, since = 0, time.monotonic()
    while True:
        tries += 1
        try:
            with open_url(url, accept=accept, max_bytes=max_bytes, retry=False) as response:
                return read(response)
        except Passing as exc:
            pause_before_retry(exc, tries, since)


# Long: one loop over the redirects; each hop is checked by the guard, connected to the checked
# address and asked again, and only the last hop's body is handed over.
@contextlib.contextmanager
def _open_once(url: str, accept: str, limit: int, deadline: float) -> Iterator[Response]:
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            scheme, port, host, address = resolve_safely(current)
        except UnsafeURL as exc:
            raise HarvestError(f"unsafe URL {current}: {exc}") from None
        except Unresolvable as exc:
            raise HarvestError(str(exc)) from None
        try:
            sock = socket.create_connection(
                (address, port), timeout=settings.SUCHI_HARVEST_READ_TIMEOUT
            )
        except OSError as exc:
            error = Passing if _passing(exc) else HarvestError
            raise error(f"{current}: cannot connect: {network_problem(exc)}") from None
        try:
            if scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            conn_cls = (
                http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            )
            conn = conn_cls(host, port, timeout=settings.SUCHI_HARVEST_READ_TIMEOUT)
            conn.sock = sock
            parts = urlsplit(current)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request(
                "GET",
                path,
                headers={"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity"},
            )
            response = conn.getresponse()
        except TimeoutError:
            sock.close()
            raise Passing(
                f"{current}: timed out (no answer for {settings.SUCHI_HARVEST_READ_TIMEOUT} s)"
            ) from None
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            sock.close()
            error = Passing if _passing(exc) else HarvestError
            raise error(f"{current}: request failed: {network_problem(exc)}") from None
        try:
            location = response.getheader("Location")
            if response.status in _REDIRECTS and location:
                current = urljoin(current, location)
                continue
            if response.status in BUSY_STATUSES:
                wait = retry_after(response.getheader("Retry-After"))
                raise Passing(f"{current}: HTTP {response.status}", wait=wait)
            if response.status != 200:
                raise HarvestError(f"{current}: HTTP {response.status}")
            yield Response(
                url=current,
                status=response.status,
                content_type=(response.getheader("Content-Type") or "").split(";")[0].strip(),
                body=BoundedBody(response, limit, deadline, current),
                content_type_header=response.getheader("Content-Type") or "",
            )
            return
        finally:
            with contextlib.suppress(OSError):
                sock.close()
    raise HarvestError(f"{url}: more than {MAX_REDIRECTS} redirects")
