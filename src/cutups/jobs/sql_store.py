"""The SQL job stores' one implementation: tables, row mapping, queries; a dialect for the rest.

:class:`SqlJobStore` is a :class:`~cutups.jobs.store.JobStore` whose reader and writer are
:class:`SqlTables`: the row operations as SQL, written once. A backend (SQLite, PostgreSQL)
supplies only what truly differs:

* a :class:`Dialect`: parameter marks, column types, the row locks a write transaction takes
  (``FOR UPDATE [SKIP LOCKED]``; none where the transaction locks the whole database), and a
  statement serialising creates;
* ``_connection()`` (a connection for reads) and ``_transaction()`` (one write transaction),
  both yielding something with ``execute(query, params)``; ``_ERROR``, the driver's base
  exception; ``close()``.

JSON columns are compact text, the same in every backend.
"""

from __future__ import annotations

import builtins
import json
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from string import Template
from typing import Any, ClassVar, Protocol

from cutups.jobs.models import TERMINAL, Event, Job, JobStatus, Stage
from cutups.jobs.store import JobStore
from cutups.jobs.transitions import Selection

__all__ = [
    "COLUMNS",
    "SELECT",
    "Dialect",
    "SqlJobStore",
    "SqlTables",
    "dump",
    "job_from_row",
    "job_row",
]

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


@dataclass(frozen=True, slots=True)
class Dialect:
    """What one SQL backend writes differently (queries here are written with ``?`` marks)."""

    serial: str
    """The ``n`` column's type: an auto-numbered primary key, the queue order."""
    real: str
    """The type of a float column."""
    events_options: str = ""
    """Appended to the ``events`` table's definition."""
    mark: str = "?"
    """The driver's parameter mark."""
    as_bytes: bool = False
    """Pass queries as bytes (psycopg types a ``str`` query as a literal only)."""
    row_lock: str = ""
    """Appended to a ``SELECT`` in a write transaction: lock the rows it returns."""
    skip_locked: str = ""
    """Like :attr:`row_lock`, but leave out rows another transaction holds."""
    create_lock: str = ""
    """A statement serialising creates ("": the write transaction already does)."""
    sweep_lock: str = ""
    """A query answering one row, true when this transaction took the sweeper's lock ("": the
    write transaction already excludes every other)."""

    def schema(self) -> str:
        """The tables' DDL in this backend's types."""
        return _DDL.substitute(
            serial=self.serial, real=self.real, events_options=self.events_options
        )

    def text(self, query: str) -> Any:
        """``query`` as the driver takes it (no query here has a ``?`` or ``%`` of its own)."""
        query = query if self.mark == "?" else query.replace("?", self.mark)
        return query.encode() if self.as_bytes else query


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


class Executor(Protocol):
    """A sqlite3 connection, a psycopg connection or cursor."""

    def execute(self, query: Any, params: Any = ..., /) -> Rows: ...


_STALLED = "status = 'processing' AND COALESCE(lease_expires_at, 0) < ?"
_TERMINAL = ", ".join(f"'{s.value}'" for s in sorted(TERMINAL))


def where(selection: Selection) -> tuple[str, builtins.list[Any]]:
    """``selection``'s filters as a ``WHERE`` clause ("" for none) and its parameters.

    The SQL form of :meth:`~cutups.jobs.transitions.Selection.matches`.
    """
    terms: builtins.list[str] = []
    params: builtins.list[Any] = []

    def term(sql: str, *values: Any) -> None:
        terms.append(f"({sql})")
        params.extend(values)

    if selection.job_id is not None:
        term("id = ?", selection.job_id)
    if selection.status is not None:
        term("status = ?", selection.status.value)
    if selection.idempotency_key is not None:
        term("idempotency_key = ?", selection.idempotency_key)
    if selection.stalled_at is not None:
        term(_STALLED, selection.stalled_at)
    if selection.claimable_at is not None:
        tries = () if selection.max_attempts is None else (selection.max_attempts,)
        term(
            f"cancel_requested = 0 AND (status = 'queued' OR ({_STALLED}"
            f"{' AND attempts < ?' if tries else ''}))",
            selection.claimable_at,
            *tries,
        )
    if selection.queued_before is not None:
        term("status = 'queued' AND updated < ?", selection.queued_before)
    if selection.webhook_due:
        term(f"webhook_state = 'pending' AND status IN ({_TERMINAL})")
    return (f" WHERE {' AND '.join(terms)}" if terms else ""), params


class SqlTables:
    """A :class:`~cutups.jobs.store.Writer` (and reader) over one connection or transaction.

    Arguments:
        db: where queries run.
        dialect: the backend's SQL.
        locking: inside a write transaction: ``SELECT`` locks the rows it returns.
    """

    def __init__(self, db: Executor, dialect: Dialect, *, locking: bool) -> None:
        self._db = db
        self._dialect = dialect
        self._locking = locking

    def _run(self, query: str, params: Sequence[Any] = ()) -> Rows:
        return self._db.execute(self._dialect.text(query), params)

    def jobs(self, selection: Selection, *, skip_locked: bool = False) -> builtins.list[Job]:
        clause, params = where(selection)
        query = f"{SELECT}{clause} ORDER BY n{' DESC' if selection.newest_first else ''}"
        if selection.limit is not None:
            query += " LIMIT ? OFFSET ?"
            params += [selection.limit, selection.offset]
        if self._locking:
            query += self._dialect.skip_locked if skip_locked else self._dialect.row_lock
        return [job_from_row(row) for row in self._run(query, params).fetchall()]

    def count(self, selection: Selection) -> int:
        clause, params = where(selection)
        row = self._run(f"SELECT COUNT(*) FROM jobs{clause}", params).fetchone()
        return int(row[0]) if row else 0

    def events(self, job_id: str, after: int, limit: int) -> builtins.list[Event]:
        rows = self._run(
            "SELECT seq, type, data, at FROM events WHERE job_id = ? AND seq > ? "
            "ORDER BY seq LIMIT ?",
            (job_id, after, limit),
        ).fetchall()
        return [
            Event(job_id=job_id, seq=s, type=t, data=json.loads(d), at=a) for s, t, d, a in rows
        ]

    def lock_creates(self) -> None:
        if self._dialect.create_lock:
            self._run(self._dialect.create_lock)

    def try_lock_sweep(self) -> bool:
        if not self._dialect.sweep_lock:
            return True
        row = self._run(self._dialect.sweep_lock).fetchone()
        return bool(row and row[0])

    def insert(self, job: Job) -> None:
        marks = ", ".join("?" for _ in COLUMNS)
        self._run(f"INSERT INTO jobs ({', '.join(COLUMNS)}) VALUES ({marks})", job_row(job))

    def save(self, job: Job) -> None:
        sets = ", ".join(f"{c} = ?" for c in COLUMNS[1:])
        self._run(f"UPDATE jobs SET {sets} WHERE id = ?", (*job_row(job)[1:], job.id))

    def last_seq(self, job_id: str) -> int:
        row = self._run(
            "SELECT COALESCE(MAX(seq), 0) FROM events WHERE job_id = ?", (job_id,)
        ).fetchone()
        return int(row[0]) if row else 0

    def add_event(self, event: Event) -> None:
        self._run(
            "INSERT INTO events (job_id, seq, type, data, at) VALUES (?, ?, ?, ?, ?)",
            (event.job_id, event.seq, event.type, dump(dict(event.data)), event.at),
        )


class SqlJobStore(JobStore):
    """A :class:`~cutups.jobs.store.JobStore` over SQL; subclasses supply the connections."""

    _DIALECT: ClassVar[Dialect]
    _ERROR: ClassVar[type[Exception]]
    """The driver's base exception: :meth:`ping` answers False on it."""

    @abstractmethod
    def _connection(self) -> AbstractContextManager[Executor]:
        """A connection for reads, outside any write transaction."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Executor]:
        """One write transaction: committed when the block ends, rolled back if it raises."""

    @contextmanager
    def _reading(self) -> Iterator[SqlTables]:
        with self._connection() as db:
            yield SqlTables(db, self._DIALECT, locking=False)

    @contextmanager
    def _writing(self) -> Iterator[SqlTables]:
        with self._transaction() as tx:
            yield SqlTables(tx, self._DIALECT, locking=True)

    def ping(self) -> bool:
        try:
            with self._connection() as db:
                db.execute(self._DIALECT.text("SELECT 1"), ()).fetchall()
        except self._ERROR:
            return False
        return True
