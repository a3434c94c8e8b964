"""What the SQL job stores share: the tables, the row mapping and every method but the connection.

:class:`SqlJobStore` holds the queries and the job logic once; a backend (SQLite, PostgreSQL)
supplies only what truly differs:

* ``_tx()``: one write transaction, yielding something with ``execute(query, params)``;
* ``_read(query, params)``: the rows of one read outside a write transaction;
* ``_sql(query)``: the query in the driver's parameter style (written here with ``?``);
* ``_claim_query(now, max_attempts)``: the query offering claimable rows, oldest first;
* ``_LOCK``: what a write transaction adds to a ``SELECT`` of the rows it will change;
* ``_ERROR``: the driver's base exception, for :meth:`SqlJobStore.ping`;
* ``_before_create(tx)``: serialise creates where the transaction alone does not;
* ``close()``.

The state changes are the pure functions of :mod:`cutups.jobs.store`, shared with the
in-memory store. JSON columns are compact text, the same in every backend.
"""

from __future__ import annotations

import builtins
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from string import Template
from typing import Any, ClassVar, Protocol

from cutups.jobs.models import (
    Event,
    IdempotencyConflict,
    Job,
    JobStatus,
    QueueFullError,
    Stage,
    request_hash,
)
from cutups.jobs.store import (
    Clock,
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

__all__ = ["COLUMNS", "SELECT", "SqlJobStore", "dump", "job_from_row", "job_row", "schema"]

COLUMNS = (
    "id",
    "status",
    "request",
    "created",
    "updated",
    "stage",
    "pct",
    "eta_sec",
    "detail",
    "progress",
    "error",
    "error_code",
    "result",
    "worker_id",
    "lease_expires_at",
    "last_heartbeat_at",
    "started_at",
    "finished_at",
    "attempts",
    "cancel_requested",
    "checkpoints",
    "webhook_state",
    "webhooks",
    "idempotency_key",
    "request_hash",
)
"""The ``jobs`` columns a :class:`~cutups.jobs.models.Job` is stored in, ``id`` first."""

SELECT = f"SELECT {', '.join(COLUMNS)} FROM jobs"

_DDL = Template(
    """
CREATE TABLE IF NOT EXISTS jobs (
    n                 $serial,
    id                TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL,
    request           TEXT NOT NULL,
    created           $real NOT NULL,
    updated           $real NOT NULL,
    stage             TEXT,
    pct               $real NOT NULL DEFAULT 0,
    eta_sec           $real,
    detail            TEXT NOT NULL DEFAULT '',
    progress          TEXT NOT NULL DEFAULT '{}',
    error             TEXT,
    error_code        TEXT,
    result            TEXT,
    worker_id         TEXT,
    lease_expires_at  $real,
    last_heartbeat_at $real,
    started_at        $real,
    finished_at       $real,
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
    at     $real NOT NULL,
    PRIMARY KEY (job_id, seq)
)$events_options;
"""
)


def schema(*, serial: str, real: str, events_options: str) -> str:
    """The tables' DDL in a backend's types.

    Arguments:
        serial: The ``n`` column's type (an auto-numbered primary key, the queue order).
        real: The type of a float column.
        events_options: Appended to the ``events`` table's definition.
    """
    return _DDL.substitute(serial=serial, real=real, events_options=events_options)


def dump(value: Any) -> str:
    """Compact JSON text, as every JSON column holds it."""
    return json.dumps(value, separators=(",", ":"), default=str)


def job_row(job: Job) -> tuple[Any, ...]:
    """``job`` as the values of :data:`COLUMNS`."""
    return (
        job.id,
        job.status.value,
        dump(dict(job.request)),
        job.created,
        job.updated,
        job.stage.value if job.stage is not None else None,
        job.pct,
        job.eta_sec,
        job.detail,
        dump(dict(job.progress)),
        job.error,
        job.error_code,
        dump(dict(job.result)) if job.result is not None else None,
        job.worker_id,
        job.lease_expires_at,
        job.last_heartbeat_at,
        job.started_at,
        job.finished_at,
        job.attempts,
        int(job.cancel_requested),
        dump(dict(job.checkpoints)),
        job.webhook_state,
        dump([dict(w) for w in job.webhooks]),
        job.idempotency_key,
        job.request_hash,
    )


def job_from_row(row: Sequence[Any]) -> Job:
    """The job stored in ``row`` (the values of :data:`COLUMNS`)."""
    r = dict(zip(COLUMNS, row, strict=True))
    return Job(
        id=r["id"],
        status=JobStatus(r["status"]),
        request=json.loads(r["request"]),
        created=r["created"],
        updated=r["updated"],
        stage=Stage(r["stage"]) if r["stage"] else None,
        pct=r["pct"],
        eta_sec=r["eta_sec"],
        detail=r["detail"],
        progress=json.loads(r["progress"]),
        error=r["error"],
        error_code=r["error_code"],
        result=json.loads(r["result"]) if r["result"] else None,
        worker_id=r["worker_id"],
        lease_expires_at=r["lease_expires_at"],
        last_heartbeat_at=r["last_heartbeat_at"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        attempts=r["attempts"],
        cancel_requested=bool(r["cancel_requested"]),
        checkpoints=json.loads(r["checkpoints"]),
        webhook_state=r["webhook_state"],
        webhooks=tuple(json.loads(r["webhooks"])),
        idempotency_key=r["idempotency_key"],
        request_hash=r["request_hash"],
    )


class Rows(Protocol):
    """A DB-API cursor after ``execute``."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> builtins.list[Any]: ...


class Tx(Protocol):
    """A write transaction: a sqlite3 connection or a psycopg cursor."""

    def execute(self, query: Any, params: Any = ..., /) -> Rows: ...


class SqlJobStore(ABC):
    """A :class:`~cutups.jobs.store.JobStore` over SQL; subclasses supply the connection."""

    _clock: Clock

    _LOCK: ClassVar[str] = ""
    """Appended to a ``SELECT`` inside a write transaction to lock the rows it returns."""

    _ERROR: ClassVar[type[Exception]]
    """The driver's base exception: :meth:`ping` answers False on it."""

    # -- what a backend supplies ----------------------------------------------------------------
    @abstractmethod
    def _tx(self) -> AbstractContextManager[Tx]:
        """One write transaction: committed when the block ends, rolled back if it raises."""

    @abstractmethod
    def _read(self, query: str, params: Sequence[Any] = ()) -> builtins.list[Any]:
        """The rows of one read (``query`` with ``?`` marks: pass it through :meth:`_sql`)."""

    @abstractmethod
    def _claim_query(self, now: float, max_attempts: int | None) -> tuple[str, tuple[Any, ...]]:
        """A query (and its parameters) for the rows :meth:`claim` may take, oldest first."""

    @abstractmethod
    def close(self) -> None:
        """Release resources."""

    def _sql(self, query: str) -> Any:
        """``query`` (written with ``?`` marks) as the driver takes it."""
        return query

    def _before_create(self, tx: Tx) -> None:
        """Called first in :meth:`create`'s transaction (a no-op unless overridden)."""
        return None

    # -- helpers inside a write transaction -----------------------------------------------------
    def _run(self, tx: Tx, query: str, params: Sequence[Any] = ()) -> Rows:
        return tx.execute(self._sql(query), params)

    def _load(self, tx: Tx, job_id: str) -> Job | None:
        """The job, its row locked for the rest of the transaction."""
        row = self._run(tx, f"{SELECT} WHERE id = ?{self._LOCK}", (job_id,)).fetchone()
        return job_from_row(row) if row else None

    def _save(self, tx: Tx, job: Job) -> None:
        sets = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
        self._run(tx, f"UPDATE jobs SET {sets} WHERE id = ?", (*job_row(job)[1:], job.id))

    def _append(self, tx: Tx, job_id: str, type: str, data: Mapping[str, Any]) -> Event:
        """Add an event; the caller holds the job's row (or write) lock, which orders seqs."""
        row = self._run(
            tx, "SELECT COALESCE(MAX(seq), 0) FROM events WHERE job_id = ?", (job_id,)
        ).fetchone()
        last = int(row[0]) if row else 0
        event = Event(job_id=job_id, seq=last + 1, type=type, data=dict(data), at=self._clock())
        self._run(
            tx,
            "INSERT INTO events (job_id, seq, type, data, at) VALUES (?, ?, ?, ?, ?)",
            (job_id, event.seq, type, dump(event.data), event.at),
        )
        return event

    def _finish(self, tx: Tx, done: Job) -> Job:
        self._save(tx, done)
        self._append(tx, done.id, *terminal_event(done))
        return done

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
        with self._tx() as tx:
            self._before_create(tx)
            if idempotency_key is not None:
                found = self._run(
                    tx, f"{SELECT} WHERE idempotency_key = ?", (idempotency_key,)
                ).fetchone()
                if found:
                    first = job_from_row(found)
                    if first.request_hash != digest:
                        raise IdempotencyConflict(idempotency_key, first.id)
                    return first, False
            if max_queued is not None:
                row = self._run(tx, "SELECT COUNT(*) FROM jobs WHERE status = 'queued'").fetchone()
                depth = int(row[0]) if row else 0
                if depth >= max_queued:
                    raise QueueFullError(depth)
            now = self._clock()
            job = Job(
                id=job_id or new_job_id(),
                status=JobStatus.QUEUED,
                request=json.loads(dump(dict(request))),
                created=now,
                updated=now,
                webhook_state="pending" if request.get("webhook_url") else None,
                idempotency_key=idempotency_key,
                request_hash=digest,
            )
            marks = ", ".join("?" for _ in COLUMNS)
            self._run(tx, f"INSERT INTO jobs ({', '.join(COLUMNS)}) VALUES ({marks})", job_row(job))
            self._append(tx, job.id, "queued", {"status": "queued"})
            return job, True

    def get(self, job_id: str) -> Job | None:
        rows = self._read(f"{SELECT} WHERE id = ?", (job_id,))
        return job_from_row(rows[0]) if rows else None

    def list(
        self, *, status: JobStatus | None = None, limit: int = 50, offset: int = 0
    ) -> builtins.list[Job]:
        if status is None:
            rows = self._read(f"{SELECT} ORDER BY n DESC LIMIT ? OFFSET ?", (limit, offset))
        else:
            rows = self._read(
                f"{SELECT} WHERE status = ? ORDER BY n DESC LIMIT ? OFFSET ?",
                (status.value, limit, offset),
            )
        return [job_from_row(r) for r in rows]

    def count(self, *, status: JobStatus | None = None) -> int:
        if status is None:
            rows = self._read("SELECT COUNT(*) FROM jobs")
        else:
            rows = self._read("SELECT COUNT(*) FROM jobs WHERE status = ?", (status.value,))
        return int(rows[0][0])

    def queue_depth(self) -> int:
        return self.count(status=JobStatus.QUEUED)

    # -- the worker's side ----------------------------------------------------------------------
    def claim(
        self, worker_id: str, lease_seconds: float, *, max_attempts: int | None = None
    ) -> Job | None:
        with self._tx() as tx:
            now = self._clock()
            query, params = self._claim_query(now, max_attempts)
            return self._take(
                tx,
                self._run(tx, query, params).fetchall(),
                now=now,
                worker_id=worker_id,
                lease_seconds=lease_seconds,
                max_attempts=max_attempts,
            )

    def _take(
        self,
        tx: Tx,
        rows: Iterable[Sequence[Any]],
        *,
        now: float,
        worker_id: str,
        lease_seconds: float,
        max_attempts: int | None,
    ) -> Job | None:
        """Claim the first of ``rows`` that is claimable now for ``worker_id``."""
        for row in rows:
            job = job_from_row(row)
            if claimable(job, now, max_attempts):
                taken = claimed(job, worker_id, now, lease_seconds)
                self._save(tx, taken)
                return taken
        return None

    def heartbeat(self, job_id: str, worker_id: str, lease_seconds: float) -> Job | None:
        with self._tx() as tx:
            job = self._load(tx, job_id)
            if job is None or not held_by(job, worker_id):
                return None
            job = heartbeated(job, self._clock(), lease_seconds)
            self._save(tx, job)
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
        with self._tx() as tx:
            job = self._load(tx, job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._save(
                tx,
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
        with self._tx() as tx:
            job = self._load(tx, job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._save(tx, checkpointed(job, self._clock(), name, data))
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
        with self._tx() as tx:
            job = self._load(tx, job_id)
            if job is None or job.terminal:
                return None
            if worker_id is not None and not held_by(job, worker_id):
                return None
            return self._finish(
                tx,
                finished(
                    job, self._clock(), status, result=result, error=error, error_code=error_code
                ),
            )

    def release(self, job_id: str, worker_id: str) -> bool:
        with self._tx() as tx:
            job = self._load(tx, job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._save(tx, released(job, self._clock()))
            return True

    def request_cancel(self, job_id: str) -> Job | None:
        with self._tx() as tx:
            job = self._load(tx, job_id)
            if job is None:
                return None
            if job.status is JobStatus.QUEUED:
                return self._finish(
                    tx,
                    finished(
                        job,
                        self._clock(),
                        JobStatus.CANCELED,
                        result=None,
                        error="canceled",
                        error_code="canceled",
                    ),
                )
            if job.status is JobStatus.PROCESSING and not job.cancel_requested:
                self._run(
                    tx,
                    "UPDATE jobs SET cancel_requested = 1, updated = ? WHERE id = ?",
                    (self._clock(), job_id),
                )
                return self._load(tx, job_id)
            return job

    def expire_leases(self, keep_prefix: str) -> builtins.list[str]:
        with self._tx() as tx:
            rows = self._run(
                tx,
                "SELECT id, COALESCE(worker_id, '') FROM jobs WHERE status = 'processing'"
                + self._LOCK,
            ).fetchall()
            gone = [job_id for job_id, worker in rows if not worker.startswith(keep_prefix)]
            for job_id in gone:
                self._run(
                    tx,
                    "UPDATE jobs SET lease_expires_at = ? WHERE id = ?",
                    (self._clock() - 1e-6, job_id),
                )
            return gone

    def stalled(self) -> builtins.list[Job]:
        rows = self._read(
            f"{SELECT} WHERE status = 'processing' AND COALESCE(lease_expires_at, 0) < ? "
            "ORDER BY n",
            (self._clock(),),
        )
        return [job_from_row(r) for r in rows]

    # -- events and webhooks --------------------------------------------------------------------
    def append_event(self, job_id: str, type: str, data: Mapping[str, Any]) -> Event:
        with self._tx() as tx:
            if (
                self._run(tx, f"SELECT 1 FROM jobs WHERE id = ?{self._LOCK}", (job_id,)).fetchone()
                is None
            ):
                raise KeyError(job_id)
            return self._append(tx, job_id, type, data)

    def events_since(
        self, job_id: str, after: int = 0, *, limit: int = 1000
    ) -> builtins.list[Event]:
        rows = self._read(
            "SELECT seq, type, data, at FROM events WHERE job_id = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (job_id, after, limit),
        )
        return [
            Event(job_id=job_id, seq=s, type=t, data=json.loads(d), at=a) for s, t, d, a in rows
        ]

    def set_webhook(self, job_id: str, state: str, entry: Mapping[str, Any] | None = None) -> None:
        with self._tx() as tx:
            job = self._load(tx, job_id)
            if job is None:
                return
            log = [dict(w) for w in job.webhooks]
            if entry is not None:
                log.append(dict(entry))
            self._run(
                tx,
                "UPDATE jobs SET webhook_state = ?, webhooks = ? WHERE id = ?",
                (state, dump(log), job_id),
            )

    def pending_webhooks(self) -> builtins.list[Job]:
        rows = self._read(
            f"{SELECT} WHERE webhook_state = 'pending' AND status IN "
            "('completed', 'failed', 'canceled') ORDER BY n"
        )
        return [job_from_row(r) for r in rows]

    def ping(self) -> bool:
        try:
            self._read("SELECT 1")
        except self._ERROR:
            return False
        return True
