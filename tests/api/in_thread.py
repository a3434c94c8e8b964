"""A real uvicorn server for an app, run on a loopback port in a thread of the test process.

In this process, so a test can count what the server reads from its job store.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from cutups.api.app import create_app
from cutups.jobs.service import Service
from cutups.jobs.store import JobStore
from cutups.settings import Settings

__all__ = ["ServedService", "serve_in_thread", "serve_service"]


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free loopback port until the block ends; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)


class ServedService:
    """A job service (no job workers) behind its API, served in this process."""

    def __init__(self, service: Service, url: str) -> None:
        self.service, self.url = service, url
        self.reads = 0

    def count_reads(self, method: str) -> None:
        """Count calls of the store's ``method`` in :attr:`reads` (the call itself is
        untouched)."""
        store = self.service.store
        real = getattr(store, method)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.reads += 1
            return real(*args, **kwargs)

        setattr(store, method, counted)

    def client(self, **kw: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, **kw)


@contextmanager
def serve_service(config: Settings, store: JobStore | None = None) -> Iterator[ServedService]:
    """A started :class:`Service` with no job workers, its API served until the block ends."""
    service = Service(config, workers=0, store=store)
    service.start()
    try:
        with serve_in_thread(create_app(config, service=service)) as url:
            yield ServedService(service, url)
    finally:
        service.stop()
