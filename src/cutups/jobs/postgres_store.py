"""A :class:`~cutups.jobs.store.JobStore` in PostgreSQL, shared by servers and workers.

Chosen with ``CUTUPS_DATABASE_URL=postgresql://...``; SQLite stays the embedded default.

* **Claims** take the oldest runnable row with ``SELECT ... FOR UPDATE SKIP LOCKED``: two
  workers never get the same job and never wait on each other's claim. Claiming marks the row
  ``processing`` with a lease (nothing is ever deleted on pickup), and :meth:`claim_id` takes
  one given job (a broker message names its job).
* **Every other write** locks its job's row (``FOR UPDATE``); creates take an advisory lock, so
  the idempotency check and the queue bound are exact across processes.
* **Connections** come from a small bounded pool (:mod:`cutups.jobs.pg_pool`), autocommit with
  explicit transactions; reads take any free connection and never wait for a write (nor for a
  row lock: PostgreSQL readers never do).
* **Time** is the caller's clock (Unix seconds, like the other stores), so leases compare across
  machines only as well as their clocks agree: run NTP.

Queries and transitions are :class:`~cutups.jobs.sql_store.SqlJobStore`'s, shared with SQLite;
this module holds only the dialect and the connections.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import psycopg
from psycopg import sql

from cutups.jobs.models import Job
from cutups.jobs.pg_pool import ConnectionPool
from cutups.jobs.sql_store import Dialect, SqlJobStore
from cutups.jobs.sqlite_store import SqliteJobStore
from cutups.jobs.store import Clock, JobStore

if TYPE_CHECKING:
    from cutups.settings import Settings

__all__ = [
    "APPLICATION_NAME",
    "STORE_ERRORS",
    "PostgresJobStore",
    "open_store",
    "store_unreachable",
]

APPLICATION_NAME = "cutups-jobs"
"""How the store's connections name themselves (``pg_stat_activity.application_name``)."""

_CREATE_LOCK = 0x637574757073  # pg_advisory_xact_lock key serialising creates ("cutups")
_DDL_LOCK = _CREATE_LOCK + 1  # ... and the schema set-up of processes starting together
_SWEEP_LOCK = _CREATE_LOCK + 2  # ... and sweeps (tried, never waited for)
_CONNECT_SECONDS = 10.0


class PostgresJobStore(SqlJobStore):
    """The job store in PostgreSQL.

    Arguments:
        url: a libpq connection string or URL (``postgresql://user:pass@host:port/db``).
        clock: the time source (tests pass a fake one).
        schema: a schema to keep the tables in (created if missing); None: the default
            search path (normally ``public``).
        pool_size: the most connections this store opens at once.
    """

    _DIALECT: ClassVar[Dialect] = Dialect(
        serial="BIGSERIAL PRIMARY KEY",
        real="DOUBLE PRECISION",
        mark="%s",
        as_bytes=True,
        row_lock=" FOR UPDATE",
        skip_locked=" FOR UPDATE SKIP LOCKED",
        create_lock=f"SELECT pg_advisory_xact_lock({_CREATE_LOCK})",
        sweep_lock=f"SELECT pg_try_advisory_xact_lock({_SWEEP_LOCK})",
    )
    _ERROR: ClassVar[type[Exception]] = psycopg.Error
    UNAVAILABLE: ClassVar[tuple[type[Exception], ...]] = (psycopg.OperationalError,)

    def __init__(
        self,
        url: str,
        clock: Clock = time.time,
        *,
        schema: str | None = None,
        pool_size: int = 40,
    ) -> None:
        super().__init__(clock)
        self.url = url
        self.schema = schema
        self._pool = ConnectionPool(self._connect, pool_size, _CONNECT_SECONDS)
        with self._transaction() as cur:
            cur.execute(self._DIALECT.text(f"SELECT pg_advisory_xact_lock({_DDL_LOCK})"))
            if schema:
                cur.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
                )
            for statement in self._DIALECT.schema().split(";"):
                if statement.strip():
                    cur.execute(statement.encode())

    # -- connections ----------------------------------------------------------------------------
    def _connect(self) -> psycopg.Connection[Any]:
        """A new connection, with this store's schema first on its search path."""
        conn = psycopg.connect(
            self.url,
            autocommit=True,
            connect_timeout=int(_CONNECT_SECONDS),
            application_name=APPLICATION_NAME,
        )
        if self.schema:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
        return conn

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor[Any]]:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            yield cur

    def claim_id(
        self,
        job_id: str,
        worker_id: str,
        lease_seconds: float,
        *,
        max_attempts: int | None = None,
    ) -> Job | None:
        """Claim this job if it is claimable now (queued, or its lease ran out); else None."""
        return self._claim(worker_id, lease_seconds, max_attempts, job_id)

    def close(self) -> None:
        self._pool.close()


STORE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)
"""The base errors of every store's driver."""


def store_unreachable(exc: BaseException) -> bool:
    """True when ``exc``, from any store, means it could not be reached just then."""
    return SqliteJobStore.unreachable(exc) or PostgresJobStore.unreachable(exc)


def open_store(settings: Settings, sqlite_path: Path) -> JobStore:
    """PostgreSQL when ``CUTUPS_DATABASE_URL`` is set, else SQLite at ``sqlite_path``."""
    url = settings.database_url
    if url:
        if url.startswith("postgresql+psycopg://"):  # SQLAlchemy-style URL
            url = "postgresql://" + url.split("://", 1)[1]
        return PostgresJobStore(url)
    return SqliteJobStore(sqlite_path)
