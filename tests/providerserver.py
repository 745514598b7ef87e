"""A test provider (a bank or hospital) answering Suchi's account discovery and linking: a
real HTTP server in a thread. It checks every request's signature against Suchi's JWK set
with jwcrypto (a JOSE library Suchi does not use), finds accounts by the identifiers sent,
"sends" its own one-time code (kept in `codes` for the test to read), and signs its own
notices to Suchi with an Ed25519 key of its own.

`mode` makes it misbehave: "slow" (answers after `delay` seconds), "garbage" (not JSON),
"foreign" (an account matched on an identifier Suchi did not send), "other-txn" (answers
another request), "malformed" (a `matched` value of the wrong JSON type), "phishing" (a
masked reference that is a sentence with a bidi override)."""

import json
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from jwcrypto import jwk, jws


class ProviderServer:
    def __init__(self, accounts: dict[tuple[str, str], list[dict]]):
        """`accounts`: {(identifier type, value): [{"reference", "masked", "type", "label"}]}"""
        self.accounts = accounts
        self.jwks: dict = {"keys": []}
        self.mode = "ok"
        self.delay = 0.0
        self.received: list[tuple[str, dict]] = []
        self.bad_signatures = 0
        self.codes: dict[str, str] = {}
        self.sessions: dict[str, list[str]] = {}
        self.linked: dict[str, str] = {}
        self.delinked: list[str] = []
        self.key = jwk.JWK.generate(kty="OKP", crv="Ed25519")
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def host_port(self) -> str:
        return f"127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def url(self) -> str:
        return f"http://{self.host_port}/suchi"

    @property
    def public_jwk(self) -> dict:
        return json.loads(self.key.export_public())

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def sign(self, body: bytes) -> str:
        """A detached compact JWS over `body` with the provider's key."""
        token = jws.JWS(body)
        token.add_signature(self.key, alg="EdDSA", protected=json.dumps({"alg": "EdDSA"}))
        header, _, signature = token.serialize(compact=True).split(".")
        return f"{header}..{signature}"

    def notice(self, link_reference: str, *, at: datetime | None = None) -> bytes:
        at = at or datetime.now(UTC)
        return json.dumps(
            {
                "type": "delinked",
                "notice_id": str(uuid.uuid4()),
                "link_reference": link_reference,
                "timestamp": at.isoformat(),
            }
        ).encode()

    def _verified(self, body: bytes, signature: str) -> bool:
        header, _, rest = signature.partition(".")
        _, _, sig = rest.partition(".")
        token = jws.JWS()
        try:
            token.deserialize(f"{header}.{jws.base64url_encode(body)}.{sig}")
            token.verify(jwk.JWKSet.from_json(json.dumps(self.jwks)))
        except Exception:
            return False
        return True

    def _answer(self, action: str, request: dict) -> tuple[int, dict]:
        txn = request.get("txn_id")
        if action == "discover":
            sent = [(i["type"], i["value"]) for i in request["customer"]["identifiers"]]
            found = []
            for pair in sent:
                for account in self.accounts.get(pair, []):
                    found.append({**account, "matched": [{"type": pair[0], "value": pair[1]}]})
            if self.mode == "malformed":
                found.append(
                    {
                        "reference": "B",
                        "masked": "XX12",
                        "matched": [{"type": "mobile", "value": ["x"]}],
                    }
                )
            if self.mode == "phishing":
                found.append(
                    {
                        "reference": "C",
                        "masked": "\u202e1234 Re-verify KYC at evil.example",
                        "matched": found[0]["matched"],
                    }
                )
            if self.mode == "foreign":
                found.append(
                    {
                        "reference": "OTHER-1",
                        "masked": "XXXXXX9999",
                        "type": "DEPOSIT",
                        "matched": [{"type": "mobile", "value": "+919000000001"}],
                    }
                )
            return 200, {"txn_id": txn, "accounts": found}
        if action == "link":
            session = secrets.token_hex(8)
            self.sessions[session] = [a["reference"] for a in request["accounts"]]
            self.codes[session] = f"{secrets.randbelow(10**6):06d}"
            return 200, {"txn_id": txn, "session": session, "sent_to": "XXXXXX3210"}
        if action == "link/confirm":
            session = request.get("session")
            if self.codes.get(session) != request.get("code"):
                return 400, {"txn_id": txn, "detail": "The code is wrong or has expired."}
            links = []
            for reference in self.sessions.pop(session):
                self.linked[reference] = f"LNK-{uuid.uuid4().hex[:12]}"
                links.append({"reference": reference, "link_reference": self.linked[reference]})
            return 200, {"txn_id": txn, "links": links}
        if action == "delink":
            self.delinked.append(request["link_reference"])
            return 200, {"txn_id": txn}
        return 404, {"detail": "no such action"}

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                action = self.path.removeprefix("/suchi/")
                if not server._verified(body, self.headers.get("X-Suchi-Signature", "")):
                    server.bad_signatures += 1
                    self._send(401, b'{"detail": "bad signature"}')
                    return
                request = json.loads(body)
                server.received.append((action, request))
                if server.mode == "slow":
                    time.sleep(server.delay)
                if server.mode == "garbage":
                    self._send(200, b"<html>Service temporarily unavailable</html>")
                    return
                status, answer = server._answer(action, request)
                if server.mode == "other-txn":
                    answer["txn_id"] = str(uuid.uuid4())
                self._send(status, json.dumps(answer).encode())

            def _send(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # Suchi gave up waiting (the "slow" mode)

        return Handler
