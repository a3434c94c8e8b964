"""Shared fixtures for the play-by-play tests: hand-made feed files and a real local HTTP server.

The fixture files under ``fixtures/`` are written for these tests in the real feeds' shapes
(fictional players, a dozen rows each); nothing is copied from the third-party datasets.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The folder of hand-made feed files."""
    return FIXTURES


@dataclass
class Reply:
    """One scripted answer of the fake API."""

    status: int = 200
    body: bytes = b"[]"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @classmethod
    def json(cls, value: Any, status: int = 200, **headers: str) -> Reply:
        return cls(
            status, json.dumps(value).encode(), {"Content-Type": "application/json", **headers}
        )


@dataclass
class Request:
    """What the fake API received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


class FakeApi:
    """Routes, scripted reply sequences and a request log for the local server.

    ``script(path, r1, r2, ...)`` answers the next requests to ``path`` with r1, r2, ... in turn,
    then falls back to the route's default set by ``route(path, reply)``. When ``token`` is set,
    requests without ``Authorization: Bearer <token>`` get 401, as CFBD answers.
    """

    reply: ClassVar[type[Reply]] = Reply  # so tests build replies without importing conftest

    def __init__(self) -> None:
        self.url = ""
        self.token: str | None = None
        self.requests: list[Request] = []
        self._defaults: dict[str, Reply] = {}
        self._scripts: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()

    def route(self, path: str, reply: Reply) -> None:
        self._defaults[path] = reply

    def script(self, path: str, *replies: Reply) -> None:
        self._scripts.setdefault(path, []).extend(replies)

    def count(self, path: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if path is None or r.path == path)

    def answer(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            bearer = request.headers.get("authorization")
            if self.token is not None and bearer != f"Bearer {self.token}":
                return Reply.json({"message": "Unauthorized"}, status=401)
            queue = self._scripts.get(request.path)
            if queue:
                return queue.pop(0)
            return self._defaults.get(request.path) or Reply.json({"error": "not found"}, 404)


def _handler(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = api.answer(Request(parts.path, query, headers))
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-answer is expected in the timeout test


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    """A real HTTP server on 127.0.0.1 (ephemeral port) answering from a :class:`FakeApi`."""
    api = FakeApi()
    server = _QuietServer(("127.0.0.1", 0), _handler(api))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
