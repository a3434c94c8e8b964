"""The durable :class:`~cutups.jobs.store.JobStore`: one SQLite file (WAL) in the data dir.

* **Reads never queue behind writes.** Each thread has its own connection and the file is in
  WAL mode, so a read sees the last committed state while a write is under way (status polls
  run in the API's thread pool, beside claims, heartbeats and progress).
* **Writes** run in ``BEGIN IMMEDIATE``, which takes SQLite's write lock up front, so a claim's
  read-then-update is atomic across threads *and* processes (two stores on one file). Writers
  of this process first queue on a lock of their own: a quick hand-over instead of SQLite's
  sleeping busy handler; other processes still meet the busy timeout.

Everything else is :class:`~cutups.jobs.sql_store.SqlJobStore`'s, shared with PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

from cutups.jobs.sql_store import Dialect, SqlJobStore
from cutups.jobs.store import Clock

__all__ = ["SqliteJobStore"]

_BUSY_SECONDS = 30.0
_UNREACHABLE = frozenset({5, 6, 10, 14})
"""SQLite's primary result codes BUSY, LOCKED, IOERR and CANTOPEN."""


class SqliteJobStore(SqlJobStore):
    """A :class:`~cutups.jobs.store.JobStore` in one SQLite file.

    Arguments:
        path: the database file (created with its folder).
        clock: the time source (tests pass a fake one to expire leases without sleeping).
    """

    _DIALECT: ClassVar[Dialect] = Dialect(
        serial="INTEGER PRIMARY KEY AUTOINCREMENT", real="REAL", events_options=" WITHOUT ROWID"
    )
    _ERROR: ClassVar[type[Exception]] = sqlite3.Error
    SHARED: ClassVar[bool] = False  # the file is in the data dir, one server's (its lock)

    @classmethod
    def unreachable(cls, exc: BaseException) -> bool:
        """The file could not be used just then: locked by another process past the busy
        timeout, unreadable, unopenable (not a bad query: that is a bug, an internal error)."""
        code = getattr(exc, "sqlite_errorcode", None)
        return isinstance(exc, sqlite3.OperationalError) and (code or 0) & 0xFF in _UNREACHABLE

    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        super().__init__(clock)
        self.path = path
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._open: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._open_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._write_lock:
            self._conn().executescript(self._DIALECT.schema())

    # -- connections ----------------------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=_BUSY_SECONDS
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(_BUSY_SECONDS * 1000)}")
            self._local.conn = conn
            self._track(conn)
        return conn

    def _track(self, conn: sqlite3.Connection) -> None:
        """Remember ``conn`` for :meth:`close`; close those of threads that have ended."""
        with self._open_lock:
            alive = []
            for thread, other in self._open:
                if thread.is_alive():
                    alive.append((thread, other))
                else:
                    other.close()
            alive.append((threading.current_thread(), conn))
            self._open = alive

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        yield self._conn()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding SQLite's write lock from the start."""
        with self._write_lock:
            db = self._conn()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def close(self) -> None:
        with self._open_lock:
            conns, self._open = self._open, []
        for _, conn in conns:
            conn.close()
        self._local = threading.local()
