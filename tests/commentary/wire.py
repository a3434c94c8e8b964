"""Loopback servers speaking the wire formats the commentary's optional clients use: an
OpenAI-compatible ``/chat/completions`` and ElevenLabs' ``/v1/text-to-speech/{voice}``.
Each records the requests it got and answers what the test queued."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Wire:
    """What the server got, and how it answers (``answer(request) -> (status, type, body)``)."""

    url: str
    answer: Callable[[Request], tuple[int, str, bytes]]
    requests: list[Request] = field(default_factory=list)


@contextmanager
def serve(answer: Callable[[Request], tuple[int, str, bytes]]) -> Iterator[Wire]:
    wire = Wire("", answer)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            request = Request(self.path, {k.lower(): v for k, v in self.headers.items()},
                              self.rfile.read(length))  # fmt: skip
            wire.requests.append(request)
            status, kind, body = wire.answer(request)
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    wire.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield wire
    finally:
        server.shutdown()
        server.server_close()


def chat_answer(text: str) -> tuple[int, str, bytes]:
    body = {"id": "x", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}]}  # fmt: skip
    return 200, "application/json", json.dumps(body).encode()
