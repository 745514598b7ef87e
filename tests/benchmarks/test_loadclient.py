"""The load generator counts what it is meant to: the benchmarks' error counts and percentiles
are only as good as it is. Run by `make test` (not a benchmark), against a real HTTP server."""

import asyncio
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .gunicorn import ROOT
from .loadclient import CONNECTION_ERROR, Kind, run_mix


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn's gthread workers answer
    seen_forwarded: set[str] = set()

    def do_GET(self):
        if forwarded := self.headers.get("X-Forwarded-For"):
            self.seen_forwarded.add(forwarded)
        if self.path.startswith("/ok"):
            self._answer(200, b'{"ok": true}')
        elif self.path == "/redirect":
            self._answer(302, b"", [("Location", "/ok")])
        elif self.path == "/fail":
            self._answer(500, b'{"detail": "boom"}')
        elif self.path == "/throttled":
            self._answer(429, b"", [("Retry-After", "1")])
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"[1,", b"2,3]"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/close":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ntruncated")
            self.close_connection = True
        elif self.path == "/silent-close":
            # Answers, then closes without saying so: the next request on this connection
            # meets a closed socket, as when a keep-alive timeout fires just as it is sent.
            self._answer(200, b"ok")
            self.close_connection = True
        elif self.path == "/once":
            self._answer(200, b"bye", [("Connection", "close")])
            self.close_connection = True

    def _answer(self, status: int, body: bytes, headers=()) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.seen_forwarded = set()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_mix_is_counted_by_kind_with_errors_where_they_happened(server):
    kinds = [
        Kind("good", 6, [f"{server}/ok?a=1", f"{server}/ok?a=2", f"{server}/redirect"]),
        Kind("chunked", 2, [f"{server}/chunked", f"{server}/once"]),
        Kind("bad", 1, [f"{server}/fail", f"{server}/throttled"]),
        Kind("cut", 1, [f"{server}/close"]),
    ]
    result = asyncio.run(run_mix(kinds, concurrency=4, duration=1.0, forwarded_for=50))

    by_kind = result["kinds"]
    assert set(by_kind["good"]["statuses"]) == {"200", "302"}
    assert by_kind["good"]["errors"] == 0
    assert set(by_kind["chunked"]["statuses"]) == {"200"}
    assert by_kind["chunked"]["errors"] == 0
    assert set(by_kind["bad"]["statuses"]) == {"500", "429"}
    assert by_kind["bad"]["errors"] == by_kind["bad"]["requests"] > 0
    assert by_kind["cut"]["statuses"] == {CONNECTION_ERROR: by_kind["cut"]["requests"]}
    assert by_kind["cut"]["p50_ms"] is None  # a failed connection has no latency
    assert result["errors"] == by_kind["bad"]["errors"] + by_kind["cut"]["errors"]
    assert result["requests"] == sum(k["requests"] for k in by_kind.values())
    # The weights are honoured (6 : 2 : 1 : 1), within what chance allows.
    share = by_kind["good"]["requests"] / result["requests"]
    assert 0.5 < share < 0.7, share
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]
    assert 30 < len(_Handler.seen_forwarded) <= 50


def test_the_one_url_command_line_still_works(server):
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.loadclient", f"{server}/ok",
         "--header", "Authorization: Bearer x", "--concurrency", "2", "--duration", "0.5"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    assert result["errors"] == 0
    assert result["statuses"] == {"200": result["requests"]}
    assert result["requests"] > 10
    assert result["rps"] > 0


def test_a_server_that_is_not_there_is_all_errors():
    from .gunicorn import free_port

    url = f"http://127.0.0.1:{free_port()}/"
    result = asyncio.run(run_mix([Kind("x", 1, [url])], concurrency=2, duration=0.3))
    assert result["requests"] > 0
    assert result["errors"] == result["requests"]
    assert result["statuses"] == {CONNECTION_ERROR: result["requests"]}


class _ShortKeepAliveHandler(_Handler):
    timeout = 0.2  # idle keep-alive connections are closed after this, as gunicorn's after 2 s


def test_a_connection_the_server_closed_while_idle_is_replaced_not_counted_as_an_error():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ShortKeepAliveHandler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/ok"
        # Open loop, one connection, a request every 0.5 s: idle longer than the server keeps it.
        result = asyncio.run(run_mix([Kind("x", 1, [url])], concurrency=1, duration=2.1, rate=2))
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result["statuses"] == {"200": result["requests"]}
    assert result["requests"] >= 4


def test_a_request_a_reused_connection_lost_unanswered_is_sent_again_once(server):
    url = f"{server}/silent-close"
    result = asyncio.run(run_mix([Kind("x", 1, [url])], concurrency=2, duration=1.0))
    assert result["statuses"] == {"200": result["requests"]}
    assert result["requests"] > 10
    assert result["retried"] > 0  # reported, so that a reader can tell


def test_a_fresh_connection_that_fails_is_an_error_not_retried(server):
    result = asyncio.run(run_mix([Kind("x", 1, [f"{server}/close"])], concurrency=1, duration=0.3))
    assert result["retried"] == 0
    assert result["errors"] == result["requests"] > 0
