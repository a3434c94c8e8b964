"""A small HTTP server on 127.0.0.1 for tests: serves files with Range, and can misbehave.

Each route can drop the connection after N bytes (a flaky network), answer a fixed status, or
redirect; every request is logged so tests can count downloads.
"""

from __future__ import annotations

import contextlib
import re
import ssl
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["FileServer", "QuietServer", "Route", "serve_files"]


@dataclass
class Route:
    """What one path answers."""

    body: bytes | Path = b""
    content_type: str = "video/mp4"
    status: int = 200
    drop_after: int | None = None
    """Close the connection after sending this many body bytes..."""
    drops: int = 0
    """...on this many requests (then behave)."""
    location: str | None = None
    """Redirect here (status 302)."""
    ranges: bool = True
    """Honour Range requests."""
    headers: dict[str, str] = field(default_factory=dict)

    def data(self) -> bytes:
        return self.body.read_bytes() if isinstance(self.body, Path) else self.body


@dataclass
class Hit:
    path: str
    range: str | None
    headers: dict[str, str]


class FileServer:
    """Routes and a request log; ``url(path)`` gives the address."""

    def __init__(self) -> None:
        self.server: ThreadingHTTPServer | None = None
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.scheme = "http"

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.server_address[1])

    @property
    def base(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"{self.scheme}://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for h in self.hits if h.path.split("?")[0] == path)


def _handler(files: FileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._get()  # a client hanging up is fine for a test server

        def _get(self) -> None:
            path = self.path.split("?")[0]
            with files.lock:
                files.hits.append(Hit(self.path, self.headers.get("Range"), dict(self.headers)))
            route = files.routes.get(self.path) or files.routes.get(path)
            if route is None:
                self._plain(404, b"not found")
                return
            if route.location is not None:
                self.send_response(302)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.status != 200:
                self._plain(route.status, b"nope", route.content_type)
                return
            data = route.data()
            start = 0
            match = re.match(r"bytes=(\d+)-$", self.headers.get("Range", ""))
            if route.ranges and match and int(match.group(1)) < len(data):
                start = int(match.group(1))
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(data) - start))
            self.send_header("ETag", '"v1"')
            if route.ranges:
                self.send_header("Accept-Ranges", "bytes")
            for key, value in route.headers.items():
                self.send_header(key, value)
            self.end_headers()
            body = data[start:]
            if route.drops > 0 and route.drop_after is not None:
                route.drops -= 1
                self.wfile.write(body[: route.drop_after])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self.wfile.write(body)

        def do_POST(self) -> None:
            self._plain(405, b"")

        def _plain(self, status: int, body: bytes, kind: str = "text/plain") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class QuietServer(ThreadingHTTPServer):
    """A threading HTTP server that does not print clients hanging up."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve_files(tls: ssl.SSLContext | None = None) -> Iterator[FileServer]:
    """A running file server on 127.0.0.1 (an ephemeral port), stopped on exit; HTTPS with
    ``tls`` (a server context)."""
    files = FileServer()
    server = QuietServer(("127.0.0.1", 0), _handler(files))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        files.scheme = "https"
    files.server = server
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="test-fileserver", daemon=True
    )
    thread.start()
    try:
        yield files
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
