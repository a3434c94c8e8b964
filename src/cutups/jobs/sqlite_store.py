"""The durable :class:`~cutups.jobs.store.JobStore`: one SQLite file (WAL) in the data dir.

Every write runs in ``BEGIN IMMEDIATE``, which takes SQLite's write lock up front, so a claim's
read-then-update is atomic across threads *and* processes (two stores on one file). The state
changes themselves are the pure functions of :mod:`cutups.jobs.store`, shared with the in-memory
store, so both behave the same by construction and the contract suite checks it.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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

__all__ = ["SqliteJobStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    n                 INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL,
    request           TEXT NOT NULL,
    created           REAL NOT NULL,
    updated           REAL NOT NULL,
    stage             TEXT,
    pct               REAL NOT NULL DEFAULT 0,
    eta_sec           REAL,
    detail            TEXT NOT NULL DEFAULT '',
    progress          TEXT NOT NULL DEFAULT '{}',
    error             TEXT,
    error_code        TEXT,
    result            TEXT,
    worker_id         TEXT,
    lease_expires_at  REAL,
    last_heartbeat_at REAL,
    started_at        REAL,
    finished_at       REAL,
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
    at     REAL NOT NULL,
    PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
"""

_COLUMNS = (
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
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM jobs"


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _row(job: Job) -> tuple[Any, ...]:
    return (
        job.id,
        job.status.value,
        _dump(dict(job.request)),
        job.created,
        job.updated,
        job.stage.value if job.stage is not None else None,
        job.pct,
        job.eta_sec,
        job.detail,
        _dump(dict(job.progress)),
        job.error,
        job.error_code,
        _dump(dict(job.result)) if job.result is not None else None,
        job.worker_id,
        job.lease_expires_at,
        job.last_heartbeat_at,
        job.started_at,
        job.finished_at,
        job.attempts,
        int(job.cancel_requested),
        _dump(dict(job.checkpoints)),
        job.webhook_state,
        _dump([dict(w) for w in job.webhooks]),
        job.idempotency_key,
        job.request_hash,
    )


def _job(row: sqlite3.Row | tuple[Any, ...]) -> Job:
    r = dict(zip(_COLUMNS, row, strict=True))
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


class SqliteJobStore:
    """A :class:`~cutups.jobs.store.JobStore` in one SQLite file.

    Arguments:
        path: the database file (created with its folder).
        clock: the time source (tests pass a fake one to expire leases without sleeping).
    """

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
    def _write(self) -> Iterator[sqlite3.Connection]:
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

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> builtins.list[Any]:
        with self._lock:
            return self._db().execute(sql, params).fetchall()

    @staticmethod
    def _load(db: sqlite3.Connection, job_id: str) -> Job | None:
        row = db.execute(f"{_SELECT} WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    @staticmethod
    def _save(db: sqlite3.Connection, job: Job) -> None:
        sets = ", ".join(f"{c} = ?" for c in _COLUMNS[1:])
        db.execute(f"UPDATE jobs SET {sets} WHERE id = ?", (*_row(job)[1:], job.id))

    def _append(
        self, db: sqlite3.Connection, job_id: str, type: str, data: Mapping[str, Any]
    ) -> Event:
        (last,) = db.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM events WHERE job_id = ?", (job_id,)
        ).fetchone()
        event = Event(job_id=job_id, seq=last + 1, type=type, data=dict(data), at=self._clock())
        db.execute(
            "INSERT INTO events (job_id, seq, type, data, at) VALUES (?, ?, ?, ?, ?)",
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
        with self._write() as db:
            if idempotency_key is not None:
                row = db.execute(f"{_SELECT} WHERE idempotency_key = ?", (idempotency_key,))
                found = row.fetchone()
                if found:
                    first = _job(found)
                    if first.request_hash != digest:
                        raise IdempotencyConflict(idempotency_key, first.id)
                    return first, False
            if max_queued is not None:
                (depth,) = db.execute(
                    "SELECT COUNT(*) FROM jobs WHERE status = 'queued'"
                ).fetchone()
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
            marks = ", ".join("?" for _ in _COLUMNS)
            db.execute(f"INSERT INTO jobs ({', '.join(_COLUMNS)}) VALUES ({marks})", _row(job))
            self._append(db, job.id, "queued", {"status": "queued"})
            return job, True

    def get(self, job_id: str) -> Job | None:
        rows = self._read(f"{_SELECT} WHERE id = ?", (job_id,))
        return _job(rows[0]) if rows else None

    def list(
        self, *, status: JobStatus | None = None, limit: int = 50, offset: int = 0
    ) -> builtins.list[Job]:
        if status is None:
            rows = self._read(f"{_SELECT} ORDER BY n DESC LIMIT ? OFFSET ?", (limit, offset))
        else:
            rows = self._read(
                f"{_SELECT} WHERE status = ? ORDER BY n DESC LIMIT ? OFFSET ?",
                (status.value, limit, offset),
            )
        return [_job(r) for r in rows]

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
        with self._write() as db:
            now = self._clock()
            rows = db.execute(
                f"{_SELECT} WHERE cancel_requested = 0 AND (status = 'queued' OR "
                "(status = 'processing' AND COALESCE(lease_expires_at, 0) < ?)) ORDER BY n",
                (now,),
            )
            for row in rows.fetchall():
                job = _job(row)
                if claimable(job, now, max_attempts):
                    taken = claimed(job, worker_id, now, lease_seconds)
                    self._save(db, taken)
                    return taken
            return None

    def heartbeat(self, job_id: str, worker_id: str, lease_seconds: float) -> Job | None:
        with self._write() as db:
            job = self._load(db, job_id)
            if job is None or not held_by(job, worker_id):
                return None
            job = heartbeated(job, self._clock(), lease_seconds)
            self._save(db, job)
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
        with self._write() as db:
            job = self._load(db, job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._save(
                db,
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
        with self._write() as db:
            job = self._load(db, job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._save(db, checkpointed(job, self._clock(), name, data))
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
        with self._write() as db:
            job = self._load(db, job_id)
            if job is None or job.terminal:
                return None
            if worker_id is not None and not held_by(job, worker_id):
                return None
            done = finished(
                job, self._clock(), status, result=result, error=error, error_code=error_code
            )
            self._save(db, done)
            self._append(db, job_id, *terminal_event(done))
            return done

    def release(self, job_id: str, worker_id: str) -> bool:
        with self._write() as db:
            job = self._load(db, job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._save(db, released(job, self._clock()))
            return True

    def request_cancel(self, job_id: str) -> Job | None:
        with self._write() as db:
            job = self._load(db, job_id)
            if job is None:
                return None
            if job.status is JobStatus.QUEUED:
                done = finished(
                    job,
                    self._clock(),
                    JobStatus.CANCELED,
                    result=None,
                    error="canceled",
                    error_code="canceled",
                )
                self._save(db, done)
                self._append(db, job_id, *terminal_event(done))
                return done
            if job.status is JobStatus.PROCESSING and not job.cancel_requested:
                db.execute(
                    "UPDATE jobs SET cancel_requested = 1, updated = ? WHERE id = ?",
                    (self._clock(), job_id),
                )
                return self._load(db, job_id)
            return job

    def expire_leases(self, keep_prefix: str) -> builtins.list[str]:
        with self._write() as db:
            rows = db.execute(
                "SELECT id, COALESCE(worker_id, '') FROM jobs WHERE status = 'processing'"
            ).fetchall()
            gone = [job_id for job_id, worker in rows if not worker.startswith(keep_prefix)]
            for job_id in gone:
                db.execute(
                    "UPDATE jobs SET lease_expires_at = ? WHERE id = ?",
                    (self._clock() - 1e-6, job_id),
                )
            return gone

    def stalled(self) -> builtins.list[Job]:
        rows = self._read(
            f"{_SELECT} WHERE status = 'processing' AND COALESCE(lease_expires_at, 0) < ? "
            "ORDER BY n",
            (self._clock(),),
        )
        return [_job(r) for r in rows]

    # -- events and webhooks --------------------------------------------------------------------
    def append_event(self, job_id: str, type: str, data: Mapping[str, Any]) -> Event:
        with self._write() as db:
            if db.execute("SELECT 1 FROM jobs WHERE id = ?", (job_id,)).fetchone() is None:
                raise KeyError(job_id)
            return self._append(db, job_id, type, data)

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
        with self._write() as db:
            job = self._load(db, job_id)
            if job is None:
                return
            log = [dict(w) for w in job.webhooks]
            if entry is not None:
                log.append(dict(entry))
            db.execute(
                "UPDATE jobs SET webhook_state = ?, webhooks = ? WHERE id = ?",
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
        except sqlite3.Error:
            return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
