"""The API's store reads on the hot path (status polls, event streams): a few threads of their own.

FastAPI runs blocking work in AnyIO's shared pool of 40 threads. For a read of one row that
costs more than the read: the hop's bookkeeping on the event loop (capacity limiter, cancel
scope) and, with 64 polls in flight, dozens of threads taking turns at the GIL. Measured under
64 concurrent status polls on SQLite: ~560 µs of server CPU per poll through the shared pool,
~380 µs through one dedicated thread. A slow store holds up only these reads, never the event
loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar, TypeVarTuple

from cutups.settings import Settings

__all__ = ["READ_THREADS", "StoreReads", "read_threads"]

READ_THREADS = {"sqlite": 1, "postgresql": 8}
"""Threads for hot store reads, by store. SQLite reads are in-process and take tens of µs: one
thread runs them back to back without waking (and contending with) others. A PostgreSQL read
waits for a round trip, which on a busy machine takes milliseconds: with one thread reads
queued behind each other (half the throughput of AnyIO's 40 threads, measured); eight overlap
them and leave most of the store's 40 connections to the workers."""


def read_threads(settings: Settings) -> int:
    """How many read threads the store in ``settings`` wants."""
    return READ_THREADS["sqlite" if settings.database_url is None else "postgresql"]


_T = TypeVar("_T")
_Args = TypeVarTuple("_Args")


class StoreReads:
    """Run blocking store reads on a small pool of their own, awaitable from the event loop.

    The threads start with the first read and stop on :meth:`close`; a read after that starts
    them again (an app serves one lifespan after another in tests).
    """

    def __init__(self, threads: int = 1) -> None:
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
