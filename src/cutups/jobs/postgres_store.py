"""A :class:`~cutups.jobs.store.JobStore` in PostgreSQL, shared by servers and workers.

Chosen with ``CUTUPS_DATABASE_URL=postgresql://...``; SQLite stays the embedded default.

* **Claims** take the oldest runnable row with ``SELECT ... FOR UPDATE SKIP LOCKED``: two
  workers never get the same job and never wait on each other's claim. Claiming marks the row
  ``processing`` with a lease (nothing is ever deleted on pickup), and :meth:`claim_id` takes
  one given job (a broker message names its job).
* **Every other write** locks its job's row (``FOR UPDATE``), applies the same pure transition
  as the SQLite and in-memory stores (:mod:`cutups.jobs.store`) and writes it back, so all three
  behave alike; ``tests/jobs/test_store_contract.py`` runs over each.
* **Time** is the caller's clock (Unix seconds, like the other stores), so leases compare across
  machines only as well as their clocks agree: run NTP.

One connection per thread (psycopg connections are not for concurrent use), autocommit with
explicit transactions. JSON columns are text, written exactly as the SQLite store writes them.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from cutups.jobs.models import (
    Event,
    IdempotencyConflict,
    Job,
    JobStatus,
    QueueFullError,
    Stage,
    request_hash,
)
from cutups.jobs.sqlite_store import _COLUMNS, SqliteJobStore, _dump, _job, _row
from cutups.jobs.store import (
    Clock,
    JobStore,
    checkpointed,
    claimable,
    claimed,
    finished,
    heartbeated,
    held_by,
    new_job_id,
    progressed,
    released,
    terminal_event,
)

if TYPE_CHECKING:
    from cutups.settings import Settings

__all__ = ["PostgresJobStore", "open_store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    n                 BIGSERIAL PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL,
    request           TEXT NOT NULL,
    created           DOUBLE PRECISION NOT NULL,
    updated           DOUBLE PRECISION NOT NULL,
    stage             TEXT,
    pct               DOUBLE PRECISION NOT NULL DEFAULT 0,
    eta_sec           DOUBLE PRECISION,
    detail            TEXT NOT NULL DEFAULT '',
    progress          TEXT NOT NULL DEFAULT '{}',
    error             TEXT,
    error_code        TEXT,
    result            TEXT,
    worker_id         TEXT,
    lease_expires_at  DOUBLE PRECISION,
    last_heartbeat_at DOUBLE PRECISION,
    started_at        DOUBLE PRECISION,
    finished_at       DOUBLE PRECISION,
    attempts          INTEGER NOT NULL DEFAULT 0,
    cancel_requested  INTEGER NOT NULL DEFAULT 0,
    checkpoints       TEXT NOT NULL DEFAULT '{}',
    webhook_state     TEXT,
    webhooks          TEXT NOT NULL DEFAULT '[]',
    idempotency_key   TEXT UNIQUE,
    request_hash      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status_n ON jobs (status, n);
CREATE TABLE IF NOT EXISTS events (
    job_id TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    type   TEXT NOT NULL,
    data   TEXT NOT NULL,
    at     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (job_id, seq)
);
"""

_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM jobs"
_CREATE_LOCK = 0x637574757073  # pg_advisory_xact_lock key serialising creates ("cutups")


class PostgresJobStore:
    """The job store in PostgreSQL.

    Arguments:
        url: a libpq connection string or URL (``postgresql://user:pass@host:port/db``).
        clock: the time source (tests pass a fake one).
        schema: a schema to keep the tables in (created if missing); None: the default
            search path (normally ``public``).
    """

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

    def _read(self, query: str, params: tuple[Any, ...] = ()) -> builtins.list[Any]:
        with self._conn().cursor() as cur:
            cur.execute(query.encode(), params)
            return cur.fetchall()

    @staticmethod
    def _lock_job(cur: psycopg.Cursor[Any], job_id: str) -> Job | None:
        cur.execute(f"{_SELECT} WHERE id = %s FOR UPDATE".encode(), (job_id,))
        row = cur.fetchone()
        return _job(row) if row else None

    @staticmethod
    def _save(cur: psycopg.Cursor[Any], job: Job) -> None:
        sets = ", ".join(f"{c} = %s" for c in _COLUMNS[1:])
        cur.execute(f"UPDATE jobs SET {sets} WHERE id = %s".encode(), (*_row(job)[1:], job.id))

    def _append(
        self, cur: psycopg.Cursor[Any], job_id: str, type: str, data: Mapping[str, Any]
    ) -> Event:
        """Add an event; the caller holds the job's row lock, which orders the seqs."""
        cur.execute(b"SELECT COALESCE(MAX(seq), 0) FROM events WHERE job_id = %s", (job_id,))
        row = cur.fetchone()
        last = int(row[0]) if row else 0
        event = Event(job_id=job_id, seq=last + 1, type=type, data=dict(data), at=self._clock())
        cur.execute(
            b"INSERT INTO events (job_id, seq, type, data, at) VALUES (%s, %s, %s, %s, %s)",
            (job_id, event.seq, type, _dump(event.data), event.at),
        )
        return event

    # -- creation and reads ---------------------------------------------------------------------
    def create(
        self,
        request: Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        job_id: str | None = None,
        max_queued: int | None = None,
    ) -> tuple[Job, bool]:
        digest = request_hash(request)
        with self._tx() as cur:
            # One create at a time across every process: the idempotency check and the queue
            # bound are then exact, not racy.
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_CREATE_LOCK,))
            if idempotency_key is not None:
                cur.execute(f"{_SELECT} WHERE idempotency_key = %s".encode(), (idempotency_key,))
                found = cur.fetchone()
                if found:
                    first = _job(found)
                    if first.request_hash != digest:
                        raise IdempotencyConflict(idempotency_key, first.id)
                    return first, False
            if max_queued is not None:
                cur.execute(b"SELECT COUNT(*) FROM jobs WHERE status = 'queued'")
                row = cur.fetchone()
                depth = int(row[0]) if row else 0
                if depth >= max_queued:
                    raise QueueFullError(depth)
            now = self._clock()
            job = Job(
                id=job_id or new_job_id(),
                status=JobStatus.QUEUED,
                request=json.loads(_dump(dict(request))),
                created=now,
                updated=now,
                webhook_state="pending" if request.get("webhook_url") else None,
                idempotency_key=idempotency_key,
                request_hash=digest,
            )
            marks = ", ".join("%s" for _ in _COLUMNS)
            cur.execute(
                f"INSERT INTO jobs ({', '.join(_COLUMNS)}) VALUES ({marks})".encode(), _row(job)
            )
            self._append(cur, job.id, "queued", {"status": "queued"})
            return job, True

    def get(self, job_id: str) -> Job | None:
        rows = self._read(f"{_SELECT} WHERE id = %s", (job_id,))
        return _job(rows[0]) if rows else None

    def list(
        self, *, status: JobStatus | None = None, limit: int = 50, offset: int = 0
    ) -> builtins.list[Job]:
        if status is None:
            rows = self._read(f"{_SELECT} ORDER BY n DESC LIMIT %s OFFSET %s", (limit, offset))
        else:
            rows = self._read(
                f"{_SELECT} WHERE status = %s ORDER BY n DESC LIMIT %s OFFSET %s",
                (status.value, limit, offset),
            )
        return [_job(r) for r in rows]

    def count(self, *, status: JobStatus | None = None) -> int:
        if status is None:
            rows = self._read("SELECT COUNT(*) FROM jobs")
        else:
            rows = self._read("SELECT COUNT(*) FROM jobs WHERE status = %s", (status.value,))
        return int(rows[0][0])

    def queue_depth(self) -> int:
        return self.count(status=JobStatus.QUEUED)

    # -- the worker's side ----------------------------------------------------------------------
    def claim(
        self, worker_id: str, lease_seconds: float, *, max_attempts: int | None = None
    ) -> Job | None:
        with self._tx() as cur:
            now = self._clock()
            cur.execute(
                f"{_SELECT} WHERE cancel_requested = 0 AND (status = 'queued' OR "
                "(status = 'processing' AND COALESCE(lease_expires_at, 0) < %s "
                "AND (%s::integer IS NULL OR attempts < %s::integer))) "
                "ORDER BY n LIMIT 1 FOR UPDATE SKIP LOCKED".encode(),
                (now, max_attempts, max_attempts),
            )
            row = cur.fetchone()
            if row is None:
                return None
            job = _job(row)
            if not claimable(job, now, max_attempts):  # pragma: no cover - the WHERE says so
                return None
            taken = claimed(job, worker_id, now, lease_seconds)
            self._save(cur, taken)
            return taken

    def claim_id(
        self,
        job_id: str,
        worker_id: str,
        lease_seconds: float,
        *,
        max_attempts: int | None = None,
    ) -> Job | None:
        """Claim this job if it is claimable now (queued, or its lease ran out); else None."""
        with self._tx() as cur:
            now = self._clock()
            cur.execute(f"{_SELECT} WHERE id = %s FOR UPDATE SKIP LOCKED".encode(), (job_id,))
            row = cur.fetchone()
            if row is None:
                return None
            job = _job(row)
            if not claimable(job, now, max_attempts):
                return None
            taken = claimed(job, worker_id, now, lease_seconds)
            self._save(cur, taken)
            return taken

    def heartbeat(self, job_id: str, worker_id: str, lease_seconds: float) -> Job | None:
        with self._tx() as cur:
            job = self._lock_job(cur, job_id)
            if job is None or not held_by(job, worker_id):
                return None
            job = heartbeated(job, self._clock(), lease_seconds)
            self._save(cur, job)
            return job

    def update_progress(
        self,
        job_id: str,
        worker_id: str,
        *,
        stage: Stage | None = None,
        pct: float | None = None,
        eta_sec: float | None = None,
        detail: str | None = None,
        progress: Mapping[str, Any] | None = None,
    ) -> bool:
        with self._tx() as cur:
            job = self._lock_job(cur, job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._save(
                cur,
                progressed(
                    job,
                    self._clock(),
                    stage=stage,
                    pct=pct,
                    eta_sec=eta_sec,
                    detail=detail,
                    progress=progress,
                ),
            )
            return True

    def checkpoint(self, job_id: str, worker_id: str, name: str, data: Mapping[str, Any]) -> bool:
        with self._tx() as cur:
            job = self._lock_job(cur, job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._save(cur, checkpointed(job, self._clock(), name, data))
            return True

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        *,
        worker_id: str | None = None,
        result: Mapping[str, Any] | None = None,
        error: str | None = None,
        error_code: str | None = None,
    ) -> Job | None:
        with self._tx() as cur:
            job = self._lock_job(cur, job_id)
            if job is None or job.terminal:
                return None
            if worker_id is not None and not held_by(job, worker_id):
                return None
            done = finished(
                job, self._clock(), status, result=result, error=error, error_code=error_code
            )
            self._save(cur, done)
            self._append(cur, job_id, *terminal_event(done))
            return done

    def release(self, job_id: str, worker_id: str) -> bool:
        with self._tx() as cur:
            job = self._lock_job(cur, job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._save(cur, released(job, self._clock()))
            return True

    def request_cancel(self, job_id: str) -> Job | None:
        with self._tx() as cur:
            job = self._lock_job(cur, job_id)
            if job is None:
                return None
            now = self._clock()
            if job.status is JobStatus.QUEUED:
                done = finished(
                    job,
                    now,
                    JobStatus.CANCELED,
                    result=None,
                    error="canceled",
                    error_code="canceled",
                )
                self._save(cur, done)
                self._append(cur, job_id, *terminal_event(done))
                return done
            if job.status is JobStatus.PROCESSING and not job.cancel_requested:
                cur.execute(
                    b"UPDATE jobs SET cancel_requested = 1, updated = %s WHERE id = %s",
                    (now, job_id),
                )
                return self._lock_job(cur, job_id)
            return job

    def expire_leases(self, keep_prefix: str) -> builtins.list[str]:
        with self._tx() as cur:
            cur.execute(
                b"SELECT id, COALESCE(worker_id, '') FROM jobs WHERE status = 'processing' "
                b"FOR UPDATE"
            )
            gone = [
                job_id for job_id, worker in cur.fetchall() if not worker.startswith(keep_prefix)
            ]
            for job_id in gone:
                cur.execute(
                    b"UPDATE jobs SET lease_expires_at = %s WHERE id = %s",
                    (self._clock() - 1e-6, job_id),
                )
            return gone

    def stalled(self) -> builtins.list[Job]:
        rows = self._read(
            f"{_SELECT} WHERE status = 'processing' AND COALESCE(lease_expires_at, 0) < %s "
            "ORDER BY n",
            (self._clock(),),
        )
        return [_job(r) for r in rows]

    # -- events and webhooks --------------------------------------------------------------------
    def append_event(self, job_id: str, type: str, data: Mapping[str, Any]) -> Event:
        with self._tx() as cur:
            cur.execute(b"SELECT 1 FROM jobs WHERE id = %s FOR UPDATE", (job_id,))
            if cur.fetchone() is None:
                raise KeyError(job_id)
            return self._append(cur, job_id, type, data)

    def events_since(
        self, job_id: str, after: int = 0, *, limit: int = 1000
    ) -> builtins.list[Event]:
        rows = self._read(
            "SELECT seq, type, data, at FROM events WHERE job_id = %s AND seq > %s "
            "ORDER BY seq LIMIT %s",
            (job_id, after, limit),
        )
        return [
            Event(job_id=job_id, seq=s, type=t, data=json.loads(d), at=a) for s, t, d, a in rows
        ]

    def set_webhook(self, job_id: str, state: str, entry: Mapping[str, Any] | None = None) -> None:
        with self._tx() as cur:
            job = self._lock_job(cur, job_id)
            if job is None:
                return
            log = [dict(w) for w in job.webhooks]
            if entry is not None:
                log.append(dict(entry))
            cur.execute(
                b"UPDATE jobs SET webhook_state = %s, webhooks = %s WHERE id = %s",
                (state, _dump(log), job_id),
            )

    def pending_webhooks(self) -> builtins.list[Job]:
        rows = self._read(
            f"{_SELECT} WHERE webhook_state = 'pending' AND status IN "
            "('completed', 'failed', 'canceled') ORDER BY n"
        )
        return [_job(r) for r in rows]

    def ping(self) -> bool:
        try:
            self._read("SELECT 1")
        except psycopg.Error:
            return False
        return True

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
