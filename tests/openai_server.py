"""A real HTTP server on 127.0.0.1 that speaks the OpenAI wire format, for client tests.

A test gives it a responder (request in, status and JSON body out); every request is recorded
with its headers, JSON body or multipart form, so tests check what the client sent.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Exchange", "OpenAIServer", "serve_openai"]


@dataclass
class Exchange:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    json: Any = None
    form: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


Responder = Callable[[Exchange], tuple[int, Any]]


def _parse_form(content_type: str, body: bytes, exchange: Exchange) -> None:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename:
            exchange.files[str(name)] = (filename, payload)
        else:
            exchange.form.setdefault(str(name), []).append(payload.decode())


class OpenAIServer:
    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.exchanges: list[Exchange] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length", "0"))
        body = handler.rfile.read(length)
        exchange = Exchange(handler.path.removeprefix("/v1"), dict(handler.headers.items()))
        content_type = handler.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            exchange.json = json.loads(body)
        elif content_type.startswith("multipart/form-data"):
            _parse_form(content_type, body, exchange)
        self.exchanges.append(exchange)
        status, answer = self.responder(exchange)
        data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


@contextmanager
def serve_openai(responder: Responder) -> Iterator[OpenAIServer]:
    """Run an :class:`OpenAIServer` on a free loopback port until the block ends."""
    api = OpenAIServer(responder)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            api.handle(self)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    api.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=api.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        api.server.shutdown()
        api.server.server_close()
        thread.join()
