"""A :class:`~cutups.jobs.store.JobStore` in PostgreSQL, shared by servers and workers.

Chosen with ``CUTUPS_DATABASE_URL=postgresql://...``; SQLite stays the embedded default.

* **Claims** take the oldest runnable row with ``SELECT ... FOR UPDATE SKIP LOCKED``: two
  workers never get the same job and never wait on each other's claim. Claiming marks the row
  ``processing`` with a lease (nothing is ever deleted on pickup), and :meth:`claim_id` takes
  one given job (a broker message names its job).
* **Every other write** locks its job's row (``FOR UPDATE``), applies the same pure transition
  as the SQLite and in-memory stores (:mod:`cutups.jobs.store`) and writes it back, so all three
  behave alike; ``tests/jobs/test_store_contract.py`` runs over each. The queries are
  :class:`~cutups.jobs.sql_store.SqlJobStore`'s, shared with SQLite; this module holds only
  the connections, the schema, the claim query and the create lock.
* **Time** is the caller's clock (Unix seconds, like the other stores), so leases compare across
  machines only as well as their clocks agree: run NTP.

One connection per thread (psycopg connections are not for concurrent use), autocommit with
explicit transactions. JSON columns are text, written exactly as the SQLite store writes them.
"""

from __future__ import annotations

import builtins
import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import psycopg
from psycopg import sql

from cutups.jobs.models import Job
from cutups.jobs.sql_store import SELECT, SqlJobStore, Tx, schema
from cutups.jobs.sqlite_store import SqliteJobStore
from cutups.jobs.store import Clock, JobStore

if TYPE_CHECKING:
    from cutups.settings import Settings

__all__ = ["PostgresJobStore", "open_store"]

_SCHEMA = schema(serial="BIGSERIAL PRIMARY KEY", real="DOUBLE PRECISION", events_options="")

_CREATE_LOCK = 0x637574757073  # pg_advisory_xact_lock key serialising creates ("cutups")


class PostgresJobStore(SqlJobStore):
    """The job store in PostgreSQL.

    Arguments:
        url: a libpq connection string or URL (``postgresql://user:pass@host:port/db``).
        clock: the time source (tests pass a fake one).
        schema: a schema to keep the tables in (created if missing); None: the default
            search path (normally ``public``).
    """

    _LOCK: ClassVar[str] = " FOR UPDATE"
    _ERROR: ClassVar[type[Exception]] = psycopg.Error

    def __init__(self, url: str, clock: Clock = time.time, *, schema: str | None = None) -> None:
        self.url = url
        self.schema = schema
        self._clock = clock
        self._local = threading.local()
        self._conns: list[psycopg.Connection[Any]] = []
        self._conns_lock = threading.Lock()
        with self._tx() as cur:
            # Several processes may start at once: serialise the DDL.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_CREATE_LOCK + 1,))
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    cur.execute(statement.encode())

    # -- connections ----------------------------------------------------------------------------
    def _conn(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
            if self.schema:
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema))
                )
                conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Cursor[Any]]:
        conn = self._conn()
        with conn.transaction(), conn.cursor() as cur:
            yield cur

    def _sql(self, query: str) -> bytes:
        # psycopg's marks; no query here has a "?" (or a "%") of its own.
        return query.replace("?", "%s").encode()

    def _read(self, query: str, params: Sequence[Any] = ()) -> builtins.list[Any]:
        with self._conn().cursor() as cur:
            cur.execute(self._sql(query), params)
            return cur.fetchall()

    def _before_create(self, tx: Tx) -> None:
        # One create at a time across every process: the idempotency check and the queue
        # bound are then exact, not racy.
        self._run(tx, "SELECT pg_advisory_xact_lock(?)", (_CREATE_LOCK,))

    def _claim_query(self, now: float, max_attempts: int | None) -> tuple[str, tuple[Any, ...]]:
        # The oldest claimable row that no other transaction holds: two workers never get the
        # same job and never wait on each other's claim.
        return (
            f"{SELECT} WHERE cancel_requested = 0 AND (status = 'queued' OR "
            "(status = 'processing' AND COALESCE(lease_expires_at, 0) < ? "
            "AND (?::integer IS NULL OR attempts < ?::integer))) "
            "ORDER BY n LIMIT 1 FOR UPDATE SKIP LOCKED",
            (now, max_attempts, max_attempts),
        )

    def claim_id(
        self,
        job_id: str,
        worker_id: str,
        lease_seconds: float,
        *,
        max_attempts: int | None = None,
    ) -> Job | None:
        """Claim this job if it is claimable now (queued, or its lease ran out); else None."""
        with self._tx() as tx:
            now = self._clock()
            rows = self._run(tx, f"{SELECT} WHERE id = ? FOR UPDATE SKIP LOCKED", (job_id,))
            return self._take(
                tx,
                rows.fetchall(),
                now=now,
                worker_id=worker_id,
                lease_seconds=lease_seconds,
                max_attempts=max_attempts,
            )

    def close(self) -> None:
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(psycopg.Error):
                conn.close()
        self._local = threading.local()


def open_store(settings: Settings, sqlite_path: Path) -> JobStore:
    """PostgreSQL when ``CUTUPS_DATABASE_URL`` is set, else SQLite at ``sqlite_path``."""
    url = settings.database_url
    if url:
        if url.startswith("postgresql+psycopg://"):  # SQLAlchemy-style URL
            url = "postgresql://" + url.split("://", 1)[1]
        return PostgresJobStore(url)
    return SqliteJobStore(sqlite_path)
