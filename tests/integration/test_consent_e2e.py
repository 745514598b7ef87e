"""Consent end to end over real HTTP.

A consumer asks through the API; the citizen grants with a citizen token; the consumer takes
the artefact to a fake provider (a real HTTP server in a thread) which releases records only
after verifying the JWS against the JWKS it fetched from Suchi over HTTP (with jwcrypto, not
Suchi's code) and asking Suchi for the live status, then posts a receipt. After the citizen
revokes, the provider refuses. Webhooks reach the consumer's receiver: delivered by a real
Celery worker when DATABASE_URL and REDIS_URL are set, in-process otherwise.
"""

import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connections
from jwcrypto import jwk, jws

from consent.models import AccessReceipt, WebhookDelivery

from ..factories import (
    consent_request_payload,
    make_citizen,
    make_institution,
    make_token,
    publish_consent_dataset,
)
from ..receiver import WebhookReceiver
from ..services import redis_available, require, using_broker, using_postgres
from .worker import WorkerProcess

pytestmark = pytest.mark.django_db(transaction=True)


def call(method: str, url: str, *, token: str | None = None, body=None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


class FakeProvider:
    """The provider's own system: holds the records, trusts Suchi only through signatures and
    the status endpoint."""

    RECORDS = [{"date": "2026-03-04", "summary": "Discharged after appendectomy"}]

    def __init__(self, suchi: str, token: str):
        self.suchi, self.token = suchi, token
        self.released = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, answer = provider.release(body["artefact"])
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/records"

    def release(self, artefact_jws: str) -> tuple[int, dict]:
        with urllib.request.urlopen(f"{self.suchi}/.well-known/jwks.json", timeout=10) as r:
            keys = jwk.JWKSet.from_json(r.read())
        parsed = jws.JWS()
        try:
            parsed.deserialize(artefact_jws)
            parsed.verify(keys.get_key(parsed.jose_header["kid"]), alg="EdDSA")
        except Exception as exc:
            return 401, {"refused": f"signature: {type(exc).__name__}"}
        claims = json.loads(parsed.payload)
        status, live = call(
            "GET", f"{self.suchi}/api/v1/consent-artefacts/{claims['id']}/status", token=self.token
        )
        if status != 200 or live["status"] != "active":
            return 403, {"refused": live.get("status", status)}
        self.released += 1
        code, receipt = call(
            "POST",
            f"{self.suchi}/api/v1/consent-artefacts/{claims['id']}/receipts",
            token=self.token,
            body={
                "data_range": claims["data_range"],
                "record_count": len(self.RECORDS),
                "sha256": "e" * 64,
                "served_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
        )
        assert code == 201, receipt
        return 200, {"records": self.RECORDS}

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver(settings):
    server = WebhookReceiver()
    settings.SUCHI_SOURCE_ALLOWLIST = [*settings.SUCHI_SOURCE_ALLOWLIST, server.host_port]
    yield server
    server.stop()


@pytest.fixture
def worker(settings, receiver):
    if not using_broker():
        yield None
        return
    require("PostgreSQL", using_postgres(), "DATABASE_URL=postgres://…")
    require("Redis", redis_available(), "a reachable REDIS_URL")
    process = WorkerProcess(
        SUCHI_WEBHOOK_RETRY_BASE="0.2",
        SUCHI_SOURCE_ALLOWLIST=",".join(settings.SUCHI_SOURCE_ALLOWLIST),
    ).start()
    yield process
    process.stop()
    connections.close_all()


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_provider_releases_only_under_a_verified_live_consent(live_server, receiver, worker):
    suchi = live_server.url
    provider = make_institution(slug="ka-health", name="Department of Health, Karnataka")
    consumer = make_institution(
        slug="suraksha", name="Suraksha Insurance", is_consumer=True, is_provider=False
    )
    consumer_token = make_token(consumer, scopes=("consents:request", "webhooks:write"))
    provider_token = make_token(provider, scopes=("consents:verify",))
    make_citizen("asha@suchi", "correct-horse-battery")
    records = publish_consent_dataset(provider)
    fake = FakeProvider(suchi, provider_token)
    try:
        code, _ = call(
            "POST",
            f"{suchi}/api/v1/webhooks",
            token=consumer_token,
            body={"url": receiver.url, "events": []},
        )
        assert code == 201
        code, request = call(
            "POST",
            f"{suchi}/api/v1/consent-requests",
            token=consumer_token,
            body=consent_request_payload("asha@suchi", [records]),
        )
        assert (code, request["status"]) == (201, "pending")

        code, token = call(
            "POST",
            f"{suchi}/api/v1/auth/token",
            body={"handle": "asha@suchi", "password": "correct-horse-battery"},
        )
        citizen = token["access_token"]
        code, pending = call("GET", f"{suchi}/api/v1/me/consent-requests", token=citizen)
        assert [r["id"] for r in pending["results"]] == [request["id"]]
        code, granted = call(
            "POST",
            f"{suchi}/api/v1/me/consent-requests/{request['id']}/grant",
            token=citizen,
            body={},
        )
        assert code == 200

        code, artefacts = call(
            "GET", f"{suchi}/api/v1/consent-artefacts?request={request['id']}", token=consumer_token
        )
        (artefact,) = artefacts["results"]

        status, answer = call("POST", fake.url, body={"artefact": artefact["jws"]})
        assert (status, answer["records"]) == (200, FakeProvider.RECORDS)
        assert AccessReceipt.objects.filter(artefact_id=artefact["id"]).count() == 1
        code, log = call("GET", f"{suchi}/api/v1/me/access-log", token=citizen)
        assert log["count"] == 1

        # A forged artefact (signature of another payload) is refused by the provider.
        header, _, signature = artefact["jws"].split(".")
        other_payload = granted[0]["jws"].split(".")[1][::-1]
        status, answer = call(
            "POST", fake.url, body={"artefact": f"{header}.{other_payload}.{signature}"}
        )
        assert status == 401

        code, revoked = call(
            "POST", f"{suchi}/api/v1/me/consent-artefacts/{artefact['id']}/revoke", token=citizen
        )
        assert revoked["status"] == "revoked"
        status, answer = call("POST", fake.url, body={"artefact": artefact["jws"]})
        assert (status, answer["refused"]) == (403, "revoked")
        assert fake.released == 1

        # The consumer's receiver got every status change, signed (by the worker in CI).
        expected = {"request.granted", "artefact.issued", "artefact.revoked"}
        assert wait_for(
            lambda: {r.headers.get("X-Suchi-Event") for r in receiver.received} >= expected
        ), [r.headers.get("X-Suchi-Event") for r in receiver.received]
        assert wait_for(lambda: not WebhookDelivery.objects.exclude(status="delivered").exists())
    finally:
        fake.stop()
