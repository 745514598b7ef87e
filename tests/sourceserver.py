"""A real HTTP server in a thread, standing in for institutions' data sources."""

import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BEDS_CSV = (
    b"district,date,beds_total,beds_occupied\n"
    b"Bengaluru Urban,2024-01-01,1200,950\n"
    b"Mysuru,2024-01-01,640,410\n"
    b"Belagavi,2024-01-01,580,502\n"
)

Handler = Callable[[BaseHTTPRequestHandler], None]


class SourceServer:
    def __init__(self):
        self.routes: dict[str, Handler] = {}
        self.hits: Counter = Counter()
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def _dispatch(self):
                path = self.path.split("?", 1)[0]
                server.hits[path] += 1
                handler = server.routes.get(path)
                if handler is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                handler(self)

            do_GET = do_HEAD = _dispatch

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.serve("/beds.csv", BEDS_CSV, "text/csv")

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return f"http://{self.host_port}{path}"

    def serve(
        self,
        path: str,
        body: bytes,
        content_type: str = "text/csv",
        status: int = 200,
        headers: dict | None = None,
    ) -> str:
        def handler(request: BaseHTTPRequestHandler) -> None:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                request.send_header(key, value)
            request.end_headers()
            if request.command != "HEAD":
                request.wfile.write(body)

        self.routes[path] = handler
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.serve(path, b"", "text/plain", status, {"Location": location})

    def handle(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def drip(delay: float, total: int) -> Handler:
    """A handler that sends a byte every `delay` seconds, `total` bytes in all."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Content-Length", str(total))
        request.end_headers()
        if request.command == "HEAD":
            return
        try:
            for _ in range(total):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(delay)
        except OSError:
            pass

    return handler


def endless(chunk: bytes = b"a,b,c\n" * 10000) -> Handler:
    """A handler that streams without end (chunked), until the client hangs up."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/csv")
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        if request.command == "HEAD":
            return
        try:
            for _ in range(100_000):  # bounded: ~6 GB at most, far beyond any sane read
                request.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except OSError:
            pass

    return handler
