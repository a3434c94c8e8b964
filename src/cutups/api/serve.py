"""``cutups serve``: the API and the embedded workers in one process, on uvicorn.

Refuses to listen beyond loopback without API keys unless told ``insecure``: anyone who can
reach the port could otherwise make the server download and process whatever they like.
"""

from __future__ import annotations

import gc
import ipaddress
import logging
import signal
import sys
from pathlib import Path
from types import FrameType

import uvicorn

from cutups.api.app import create_app
from cutups.jobs.logs import configure_logging
from cutups.jobs.service import DataDirBusyError, Service
from cutups.settings import Settings

__all__ = ["is_loopback", "serve"]

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip().lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    data_dir: Path | None = None,
    workers: int | None = None,
    insecure: bool = False,
) -> int:
    """Run the service until SIGINT/SIGTERM; return the exit code.

    Arguments:
        settings: the server's settings.
        host, port: where to listen.
        data_dir: overrides ``CUTUPS_DATA_DIR``.
        workers: jobs run at once (default ``CUTUPS_MAX_CONCURRENCY``); 0 runs no worker.
        insecure: allow a non-loopback host without ``CUTUPS_API_KEYS``.
    """
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    if not is_loopback(host) and not settings.api_keys and not insecure:
        sys.stderr.write(
            f"cutups serve: refusing to listen on {host} without API keys: set CUTUPS_API_KEYS "
            "or pass --insecure\n"
        )
        return EXIT_REFUSED
    configure_logging()
    service = Service(settings, workers=workers)
    shown = host if ":" not in host else f"[{host}]"
    service.base_url = (settings.public_url or f"http://{shown}:{port}").rstrip("/")
    try:
        service.start()
    except DataDirBusyError as exc:
        sys.stderr.write(f"cutups serve: {exc.message}\n")
        return EXIT_REFUSED
    app = create_app(settings, service=service)
    # Everything imported and built so far (the engine's modules, numpy, the app) lives as long
    # as the process: out of the collector's sight, a full collection walks only what requests
    # made since, instead of stopping every request for 40-120 ms under load.
    gc.collect()
    gc.freeze()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=settings.access_log,
        timeout_graceful_shutdown=10,
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    # uvicorn shuts down on SIGINT/SIGTERM, then re-raises the signal for the handler that was
    # there before it: ours turns it into an exception, so the service still stops gracefully
    # (running jobs handed back to the queue) instead of the process dying on the spot.
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.run()
    except _Stopped:
        pass
    finally:
        service.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return EXIT_OK if server.started else EXIT_FAILED


class _Stopped(Exception):
    """A stop signal arrived."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signum)
