"""A child process that analyses one span of a video (see :mod:`cutups.analysis.passes`).

Reads a pickled :class:`~cutups.analysis.passes.SpanRequest` on stdin; writes ``progress F``
and ``log LEVEL MESSAGE`` lines on stdout; leaves the pickled
:class:`~cutups.analysis.passes.SpanResult`, or the exception that stopped it, at the
request's ``result_path``; exits 1 if that is an exception. A missing result file means it
crashed (its stderr says why).
"""

from __future__ import annotations

import logging
import pickle
import sys
import threading
from typing import IO

from cutups.analysis.passes import SpanRequest, analyse_span

__all__ = ["main"]


class _LineHandler(logging.Handler):
    """Log records as ``log LEVEL MESSAGE`` lines for the parent to re-log."""

    def __init__(self, out: IO[str], lock: threading.Lock) -> None:
        super().__init__(logging.INFO)
        self._out, self._lock = out, lock

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().replace("\n", " ")
        with self._lock:
            self._out.write(f"log {record.levelno} {text}\n")
            self._out.flush()


def main() -> int:
    request = pickle.loads(sys.stdin.buffer.read())
    assert isinstance(request, SpanRequest)
    out, lock = sys.stdout, threading.Lock()
    root = logging.getLogger()
    root.addHandler(_LineHandler(out, lock))
    root.setLevel(logging.INFO)

    def progress(fraction: float) -> None:
        with lock:
            out.write(f"progress {fraction:.4f}\n")
            out.flush()

    outcome: object
    try:
        # One decoder thread: the other spans' processes have the other cores.
        outcome = analyse_span(
            request.info, request.analysers, request.span, progress=progress, threads=1
        )
    except Exception as exc:  # handed to the parent, which raises it
        outcome = exc
    request.result_path.write_bytes(pickle.dumps(outcome))
    # Non-zero on failure, so the parent stops the other spans at once.
    return 1 if isinstance(outcome, Exception) else 0


if __name__ == "__main__":
    sys.exit(main())
