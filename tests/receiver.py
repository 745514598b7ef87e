"""A real HTTP server in a thread that receives webhooks, and can go down and come back on
the same port (connection refused in between, as a crashed receiver would be)."""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._port = 0
        self.httpd: ThreadingHTTPServer | None = None
        self.start()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.received.append(Received(dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler

    def start(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self._port), self._handler())
        self.httpd.daemon_threads = True
        self._port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self._port}"

    @property
    def url(self) -> str:
        return f"http://{self.host_port}/hooks"

    def event_ids(self) -> list[str]:
        with self._lock:
            return [r.headers.get("X-Suchi-Event-Id", "") for r in self.received]
