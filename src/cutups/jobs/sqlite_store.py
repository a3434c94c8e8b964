"""The durable :class:`~cutups.jobs.store.JobStore`: one SQLite file (WAL) in the data dir.

Every write runs in ``BEGIN IMMEDIATE``, which takes SQLite's write lock up front, so a claim's
read-then-update is atomic across threads *and* processes (two stores on one file). The queries
and the job logic are :class:`~cutups.jobs.sql_store.SqlJobStore`'s, shared with the PostgreSQL
store; the state changes are the pure functions of :mod:`cutups.jobs.store`, shared with the
in-memory store too, so all behave the same by construction and the contract suite checks it.
"""

from __future__ import annotations

import builtins
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from cutups.jobs.sql_store import SELECT, SqlJobStore, schema
from cutups.jobs.store import Clock

__all__ = ["SqliteJobStore"]

_SCHEMA = schema(
    serial="INTEGER PRIMARY KEY AUTOINCREMENT", real="REAL", events_options=" WITHOUT ROWID"
)


class SqliteJobStore(SqlJobStore):
    """A :class:`~cutups.jobs.store.JobStore` in one SQLite file.

    Arguments:
        path: the database file (created with its folder).
        clock: the time source (tests pass a fake one to expire leases without sleeping).
    """

    _ERROR: ClassVar[type[Exception]] = sqlite3.Error

    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            self._db().executescript(_SCHEMA)

    # -- connection -----------------------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._conn = conn
        return self._conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding SQLite's write lock from the start."""
        with self._lock:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _read(self, query: str, params: Sequence[Any] = ()) -> builtins.list[Any]:
        with self._lock:
            return self._db().execute(query, params).fetchall()

    def _claim_query(self, now: float, max_attempts: int | None) -> tuple[str, tuple[Any, ...]]:
        # Every candidate: claimable() then skips those out of attempts.
        return (
            f"{SELECT} WHERE cancel_requested = 0 AND (status = 'queued' OR "
            "(status = 'processing' AND COALESCE(lease_expires_at, 0) < ?)) ORDER BY n",
            (now,),
        )

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
