"""The API's store reads on the hot path (status polls, event streams): a few threads of their own.

FastAPI runs blocking work in AnyIO's shared pool of 40 threads. For a read of one row that
costs more than the read: the hop's bookkeeping on the event loop (capacity limiter, cancel
scope) and, with 64 polls in flight, dozens of threads taking turns at the GIL. Measured under
64 concurrent status polls: ~560 µs of server CPU per poll through the shared pool, ~380 µs
through one dedicated thread. Reads are short (one indexed row; the PostgreSQL pool answers
without a round trip on checkout), so a couple of threads keep up with thousands per second, and
a slow store still holds up only these reads, never the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar, TypeVarTuple

__all__ = ["READ_THREADS", "StoreReads"]

READ_THREADS = 1
"""One thread: reads then run back to back without waking (and contending with) each other."""

_T = TypeVar("_T")
_Args = TypeVarTuple("_Args")


class StoreReads:
    """Run blocking store reads on a small pool of their own, awaitable from the event loop.

    The threads start with the first read and stop on :meth:`close`; a read after that starts
    them again (an app serves one lifespan after another in tests).
    """

    def __init__(self, threads: int = READ_THREADS) -> None:
        self._threads = threads
        self._pool: ThreadPoolExecutor | None = None

    async def __call__(self, fn: Callable[[*_Args], _T], *args: *_Args) -> _T:
        """``fn(*args)`` on one of the threads."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="api-reads")
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        """Stop the threads once the reads under way are done; queued ones are dropped."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
