"""A daemon thread that calls one method at a fixed interval until stopped.

The service's watchdog and the sweeper both run this way; an error in one round is logged and
the next round comes as usual (the store or the broker may be away for a moment).
"""

from __future__ import annotations

import logging
import threading

__all__ = ["Periodic"]


class Periodic:
    """Runs :meth:`round` every :attr:`interval` seconds on a thread called ``name``."""

    name = "cutups-periodic"
    log = logging.getLogger(__name__)

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def interval(self) -> float:
        raise NotImplementedError

    def round(self) -> None:
        raise NotImplementedError

    def failed(self, exc: Exception) -> None:
        """One round raised ``exc``; the next one runs all the same."""
        self.log.exception("%s round failed", self.name)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.round()
            except Exception as exc:
                self.failed(exc)
