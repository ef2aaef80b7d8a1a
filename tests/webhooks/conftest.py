"""Fixtures for webhook tests: a real HTTP receiver on loopback, an endpoint registered by the
carrier admin for it, and helpers that drive deliveries the way the worker does."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from escalations.models import ResponsePolicy, RoutingRule
from escalations.policies import seed_guidelines, seed_routing
from webhooks import events, services


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the receiver got, and how it answers: ``statuses`` in turn (then ``status``), each after
    ``delay`` seconds."""

    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    location: str = ""

    def answer(self) -> int:
        return self.statuses.pop(0) if self.statuses else self.status


@pytest.fixture
def receiver():
    """An HTTP server on 127.0.0.1 (a free port) in a thread, for the length of the test."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append(Received(self.path, {k: v for k, v in self.headers.items()}, self.rfile.read(length)))
            if state.delay:
                time.sleep(state.delay)
            code = state.answer()
            try:
                self.send_response(code)
                if state.location:
                    self.send_header("Location", state.location)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"received" if code < 300 else b"receiver says no")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the portal stopped waiting (its timeout)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/portal-events"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    """The receiver speaks plain HTTP on loopback; short timeouts; few attempts."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2
    settings.WEBHOOKS_MAX_ATTEMPTS = 4
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 60
    settings.WEBHOOKS_DISABLE_AFTER = 3
    settings.PORTAL_BASE_URL = "https://portal.example"
    settings.ESCALATION_GRACE_MINUTES = None


@pytest.fixture
def guidelines(db):
    """The carrier's response guidelines and routing (a transactional test's flush removes the seeded rows)."""
    seed_guidelines(ResponsePolicy)
    seed_routing(RoutingRule)


@pytest.fixture
def endpoint(admin, receiver):
    """The admin's endpoint for every event, with its secret (``endpoint.plain_secret``)."""
    registered, secret = services.endpoint_create(
        actor=admin.user, name="NOC bridge", url=receiver.url, events=list(events.EVENTS)
    )
    registered.plain_secret = secret
    return registered
