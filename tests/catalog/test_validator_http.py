"""The validator's size bound over a real socket: a real WSGI server in a thread (wsgiref, which,
unlike Django's test server, does not drain an unread body), a 200 MB upload streamed at it,
and the answer read while the upload is still being sent. The server must answer without
reading the body: the client stops after a small part of it."""

import json
import select
import socket
import threading
import urllib.request
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from config.wsgi import application

TOTAL = 200 * 1024 * 1024
CHUNK = b"<https://data.example.in/d/x> a <http://www.w3.org/ns/dcat#Dataset> .\n" * 1000
PATH = "/api/v1/validate/dcat"


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadedServer(WSGIServer):
    daemon_threads = True


@pytest.fixture
def server(transactional_db):
    httpd = make_server(
        "127.0.0.1", 0, application, server_class=_ThreadedServer, handler_class=_Quiet
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address
    httpd.shutdown()
    httpd.server_close()


def stream_upload(address, headers: dict, *, chunked: bool) -> tuple[int, bytes, int]:
    """Sends a 200 MB body until the server answers; (status, answer, bytes of body sent)."""
    sock = socket.create_connection(address, timeout=30)
    head = f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    sock.sendall(head.encode())
    sent = 0
    try:
        while sent < TOTAL:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            piece = CHUNK if not chunked else f"{len(CHUNK):x}\r\n".encode() + CHUNK + b"\r\n"
            sock.sendall(piece)
            sent += len(CHUNK)
    except (BrokenPipeError, ConnectionResetError):
        pass
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, answer, sent


def test_a_200_mb_upload_is_413_before_the_server_reads_it(server):
    status, answer, sent = stream_upload(
        server, {"Content-Type": "text/turtle", "Content-Length": str(TOTAL)}, chunked=False
    )
    assert status == 413, answer[:500]
    assert b"limit" in answer
    assert sent < TOTAL / 10  # answered long before the body could have been read


def test_the_validator_takes_more_than_the_site_but_not_more_than_its_own_limit(server):
    """The site's bound (SUCHI_MAX_BODY_BYTES, 1 MiB) is not the validator's: a 5 MB
    document is read and checked; over the validator's own bound it is 413 unread."""
    body = (
        b'<https://data.example.in/d/x> <http://purl.org/dc/terms/title> "'
        + b"x" * (5 * 1024 * 1024)
        + b'" .\n'
    )
    host, port = server
    request = urllib.request.Request(
        f"http://{host}:{port}{PATH}", data=body, headers={"Content-Type": "text/turtle"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 200
        assert json.load(response)["conforms"] is True  # no dataset in it, nothing required
    status, answer, sent = stream_upload(
        server, {"Content-Type": "text/turtle", "Content-Length": str(TOTAL)}, chunked=False
    )
    assert status == 413, answer[:500]
    assert b"the limit is 16777216 bytes" in answer
    assert sent < TOTAL / 10


def test_a_chunked_upload_without_a_length_is_refused_unread(server):
    status, answer, sent = stream_upload(
        server, {"Content-Type": "text/turtle", "Transfer-Encoding": "chunked"}, chunked=True
    )
    assert status == 411, answer[:500]
    assert b"Content-Length" in answer
    assert sent < TOTAL / 10
