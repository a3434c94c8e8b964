"""The job store: every operation written once, over a few primitives each backend supplies.

Jobs are durable by lease, never by delete: :meth:`JobStore.claim` marks the oldest runnable job
``processing`` with the worker's id and a lease deadline, and the worker renews the lease with
:meth:`JobStore.heartbeat`. A job whose lease runs out (its worker died) is claimable again. Work
done so far is recorded with :meth:`JobStore.checkpoint`, so the next claim resumes.

Worker-side writes (``heartbeat``, ``update_progress``, ``checkpoint``, ``finish``) take the
worker's id and are ignored (return ``False``/``None``) once that worker no longer holds the
job: a worker that lost its lease cannot overwrite its successor's progress (fencing).

Each write is one step: lock the job, apply a pure transition of :mod:`cutups.jobs.transitions`,
save it (and a job that ends appends its terminal event). A backend supplies only
:meth:`JobStore._reading` and :meth:`JobStore._writing` (a :class:`Reader` and a
:class:`Writer`: a handful of row operations), ``ping`` and ``close``. Here: the in-memory
:class:`MemoryJobStore`, the test double; :mod:`cutups.jobs.sql_store` for SQLite and PostgreSQL.
All pass the same contract suite (``tests/jobs/test_store_contract.py``).
"""

from __future__ import annotations

import builtins
import copy
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
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
from cutups.jobs.transitions import (
    Selection,
    cancel_flagged,
    checkpointed,
    claimed,
    finished,
    heartbeated,
    held_by,
    lease_voided,
    new_job,
    progressed,
    released,
    requeued,
    terminal_event,
    webhook_logged,
)

__all__ = ["Clock", "JobStore", "MemoryJobStore", "Reader", "Requeued", "Writer", "new_job_id"]

Clock = Callable[[], float]

Step = Callable[[Job, float], Job | None]
"""A change to one job at a time: the next job, or None to refuse (nothing is written)."""


def new_job_id() -> str:
    """A short random job id (12 hex digits, like the seed's)."""
    return uuid.uuid4().hex[:12]


class Reader(Protocol):
    """Reads of one backend (outside a write: they never wait for one)."""

    def jobs(self, selection: Selection, *, skip_locked: bool = False) -> builtins.list[Job]:
        """The jobs ``selection`` picks; in a :class:`Writer`, locked until it ends.

        ``skip_locked``: leave out rows another transaction holds instead of waiting for them.
        """
        ...

    def count(self, selection: Selection) -> int:
        """How many jobs ``selection`` picks (ordering and paging aside)."""
        ...

    def events(self, job_id: str, after: int, limit: int) -> builtins.list[Event]:
        """The job's events with ``seq > after``, oldest first."""
        ...


class Writer(Reader, Protocol):
    """One write transaction: all of it lands, or none."""

    def lock_creates(self) -> None:
        """Serialise creates where the transaction alone does not (a no-op elsewhere)."""
        ...

    def try_lock_sweep(self) -> bool:
        """Take the sweeper's lock for this transaction; False when another sweep holds it."""
        ...

    def insert(self, job: Job) -> None: ...

    def save(self, job: Job) -> None:
        """Write back a job read (and locked) in this transaction."""
        ...

    def last_seq(self, job_id: str) -> int:
        """The job's last event number (0: none); the job's lock keeps it current."""
        ...

    def add_event(self, event: Event) -> None: ...


@dataclass(frozen=True, slots=True)
class Requeued:
    """What one sweep put back in the queue; each job needs a new broker message."""

    expired: tuple[str, ...] = ()
    """Jobs whose lease ran out (their worker died): to be resumed."""
    unsent: tuple[str, ...] = ()
    """Jobs queued for longer than the grace period (their message may be lost)."""

    @property
    def ids(self) -> tuple[str, ...]:
        return self.expired + self.unsent


class JobStore(ABC):
    """Where jobs live. Every method is safe to call from any thread."""

    SHARED: ClassVar[bool] = True
    """Other processes may write this store (PostgreSQL: every server and worker). False: only
    this process does, so :meth:`listen` hears every write."""
    UNAVAILABLE: ClassVar[tuple[type[Exception], ...]] = ()
    """Errors meaning the store could not be reached just then (a database restarting): a job
    attempt that meets one ends without an outcome and resumes once its lease runs out, and the
    API answers 503."""

    @classmethod
    def unreachable(cls, exc: BaseException) -> bool:
        """True when ``exc`` means the store could not be reached (see :attr:`UNAVAILABLE`)."""
        return isinstance(exc, cls.UNAVAILABLE)

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._listeners: builtins.list[Callable[[str], None]] = []

    def listen(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call ``listener(job_id)`` after every committed write to a job's row made through this
        store object (the API's status snapshots drop theirs); returns what stops it.

        Writes by other processes are not seen here. A listener runs in the writing thread,
        right after the commit: it must be quick and must not raise.
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _announce(self, *job_ids: str) -> None:
        for listener in tuple(self._listeners):
            for job_id in job_ids:
                listener(job_id)

    # -- what a backend supplies ----------------------------------------------------------------
    @abstractmethod
    def _reading(self) -> AbstractContextManager[Reader]:
        """A reader for a few queries."""

    @abstractmethod
    def _writing(self) -> AbstractContextManager[Writer]:
        """One write transaction: committed when the block ends, rolled back if it raises."""

    @abstractmethod
    def ping(self) -> bool:
        """True when the store answers."""

    @abstractmethod
    def close(self) -> None:
        """Release resources."""

    # -- the write step every change goes through -----------------------------------------------
    def _append(
        self, tx: Writer, job_id: str, type: str, data: Mapping[str, Any], *, first: bool = False
    ) -> Event:
        """Log an event after the job's last (``first``: the new job's first, not looked up)."""
        event = Event(
            job_id=job_id,
            seq=1 if first else tx.last_seq(job_id) + 1,
            type=type,
            data=copy.deepcopy(dict(data)),
            at=self._clock(),
        )
        tx.add_event(event)
        return event

    def _change(self, job_id: str, step: Step) -> Job | None:
        """Apply ``step`` to the locked job and save what it returns (None: refused/missing)."""
        with self._writing() as tx:
            found = tx.jobs(Selection(job_id=job_id))
            if not found:
                return None
            before = found[0]
            after = step(before, self._clock())
            if after is not None and after is not before:
                tx.save(after)
                if after.terminal and not before.terminal:
                    self._append(tx, job_id, *terminal_event(after))
        if after is not None and after is not before:
            self._announce(job_id)
        return after

    def _held_change(self, job_id: str, worker_id: str, step: Step) -> Job | None:
        """:meth:`_change` for the lease holder only (fencing)."""
        return self._change(job_id, lambda j, now: step(j, now) if held_by(j, worker_id) else None)

    def _claim(
        self, worker_id: str, lease_seconds: float, max_attempts: int | None, job_id: str | None
    ) -> Job | None:
        with self._writing() as tx:
            now = self._clock()
            wanted = Selection(job_id=job_id, claimable_at=now, max_attempts=max_attempts, limit=1)
            taken = None
            for job in tx.jobs(wanted, skip_locked=True):
                taken = claimed(job, worker_id, now, lease_seconds)
                tx.save(taken)
                break
        if taken is not None:
            self._announce(taken.id)
        return taken

    # -- creation and reads ---------------------------------------------------------------------
    def create(
        self,
        request: Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        job_id: str | None = None,
        max_queued: int | None = None,
    ) -> tuple[Job, bool]:
        """Add a queued job; return it and whether it is new.

        With ``idempotency_key``, a second call with the same key and the same request returns
        the first job (``False``); with a different request it raises
        :class:`~cutups.jobs.models.IdempotencyConflict`. With ``max_queued``, a new job is
        refused with :class:`~cutups.jobs.models.QueueFullError` once that many are queued
        (checked after the idempotency key, so a retried submission still gets its job).
        """
        digest = request_hash(request)
        with self._writing() as tx:
            tx.lock_creates()
            if idempotency_key is not None:
                for first in tx.jobs(Selection(idempotency_key=idempotency_key)):
                    if first.request_hash != digest:
                        raise IdempotencyConflict(idempotency_key, first.id)
                    return first, False
            if max_queued is not None:
                depth = tx.count(Selection(status=JobStatus.QUEUED))
                if depth >= max_queued:
                    raise QueueFullError(depth)
            job = new_job(
                job_id or new_job_id(),
                request,
                self._clock(),
                idempotency_key=idempotency_key,
                digest=digest,
            )
            tx.insert(job)
            # one query fewer while creates are serialised (PostgreSQL: an advisory lock)
            self._append(tx, job.id, "queued", {"status": "queued"}, first=True)
        self._announce(job.id)
        return job, True

    def _select(self, selection: Selection) -> builtins.list[Job]:
        with self._reading() as db:
            return db.jobs(selection)

    def get(self, job_id: str) -> Job | None:
        """The job, or None."""
        found = self._select(Selection(job_id=job_id))
        return found[0] if found else None

    def list(
        self, *, status: JobStatus | None = None, limit: int = 50, offset: int = 0
    ) -> builtins.list[Job]:
        """Jobs, newest first."""
        return self._select(Selection(status=status, newest_first=True, limit=limit, offset=offset))

    def count(self, *, status: JobStatus | None = None) -> int:
        """How many jobs (with that status)."""
        with self._reading() as db:
            return db.count(Selection(status=status))

    def queue_depth(self) -> int:
        """Jobs waiting for a worker."""
        return self.count(status=JobStatus.QUEUED)

    def stalled(self) -> builtins.list[Job]:
        """Processing jobs whose lease has run out."""
        return self._select(Selection(stalled_at=self._clock()))

    def pending_webhooks(self) -> builtins.list[Job]:
        """Finished jobs whose webhook is still to be delivered."""
        return self._select(Selection(webhook_due=True))

    def events_since(
        self, job_id: str, after: int = 0, *, limit: int = 1000
    ) -> builtins.list[Event]:
        """Events with ``seq > after``, oldest first."""
        with self._reading() as db:
            return db.events(job_id, after, limit)

    # -- the worker's side ----------------------------------------------------------------------
    def claim(
        self, worker_id: str, lease_seconds: float, *, max_attempts: int | None = None
    ) -> Job | None:
        """Atomically take the oldest queued job, or a processing one whose lease expired.

        The job becomes ``processing`` held by ``worker_id`` until now + ``lease_seconds``, and
        its ``attempts`` goes up by one. Jobs with a cancel request, and expired jobs that have
        had ``max_attempts`` claims already, are left for the watchdog. Never deletes anything.
        """
        return self._claim(worker_id, lease_seconds, max_attempts, None)

    def heartbeat(self, job_id: str, worker_id: str, lease_seconds: float) -> Job | None:
        """Renew the lease; the current job (see ``cancel_requested``), or None if lost."""
        return self._held_change(
            job_id, worker_id, lambda job, now: heartbeated(job, now, lease_seconds)
        )

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
        """Record progress (``progress`` is merged; ``pct`` never goes down)."""

        def step(job: Job, now: float) -> Job:
            return progressed(
                job, now, stage=stage, pct=pct, eta_sec=eta_sec, detail=detail, progress=progress
            )

        return self._held_change(job_id, worker_id, step) is not None

    def checkpoint(self, job_id: str, worker_id: str, name: str, data: Mapping[str, Any]) -> bool:
        """Record that a stage finished and what it left behind."""
        changed = self._held_change(
            job_id, worker_id, lambda job, now: checkpointed(job, now, name, data)
        )
        return changed is not None

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
        """End the job and append its terminal event; None if already over (or not ours).

        With ``worker_id``, only the lease holder may finish a processing job; without, anyone
        (the watchdog, a cancel of a queued job) may finish any job that is not over.
        """

        def step(job: Job, now: float) -> Job | None:
            if job.terminal or (worker_id is not None and not held_by(job, worker_id)):
                return None
            return finished(job, now, status, result=result, error=error, error_code=error_code)

        return self._change(job_id, step)

    def release(self, job_id: str, worker_id: str) -> bool:
        """Hand a processing job back to the queue (graceful shutdown); attempts are refunded."""
        return self._held_change(job_id, worker_id, released) is not None

    def request_cancel(self, job_id: str) -> Job | None:
        """Cancel: a queued job ends now; a processing one gets ``cancel_requested``."""
        return self._change(job_id, cancel_flagged)

    def expire_leases(self, keep_prefix: str) -> builtins.list[str]:
        """Expire the leases of processing jobs whose worker id lacks ``keep_prefix``.

        Used at start-up: workers of an earlier server on this data dir are gone.
        """
        with self._writing() as tx:
            gone = [
                job
                for job in tx.jobs(Selection(status=JobStatus.PROCESSING))
                if not (job.worker_id or "").startswith(keep_prefix)
            ]
            for job in gone:
                tx.save(lease_voided(job, self._clock()))
        self._announce(*(job.id for job in gone))
        return [job.id for job in gone]

    def sweep(self, *, max_attempts: int | None, grace_seconds: float) -> Requeued:
        """Put back in the queue what no live worker or broker message will run.

        That is (a) processing jobs whose lease ran out and that may be claimed again (the
        watchdog ends the others), and (b) queued jobs (re)queued more than ``grace_seconds``
        ago. Each comes back ``queued`` with ``updated`` now, so the next sweep leaves it alone
        for a grace period; the caller sends each a message. One sweep at a time across every
        process: a sweep that finds the lock taken does nothing (returns nothing). Rows another
        transaction holds (a claim under way) are skipped, never waited for.
        """
        with self._writing() as tx:
            if not tx.try_lock_sweep():
                return Requeued()
            now = self._clock()
            expired = Selection(stalled_at=now, claimable_at=now, max_attempts=max_attempts)
            unsent = Selection(queued_before=now - grace_seconds)
            found = [tx.jobs(wanted, skip_locked=True) for wanted in (expired, unsent)]
            for job in found[0] + found[1]:
                tx.save(requeued(job, now))
        self._announce(*(job.id for job in found[0] + found[1]))
        return Requeued(tuple(j.id for j in found[0]), tuple(j.id for j in found[1]))

    # -- events and webhooks --------------------------------------------------------------------
    def append_event(self, job_id: str, type: str, data: Mapping[str, Any]) -> Event:
        """Add an event to the job's log (KeyError: no such job)."""
        with self._writing() as tx:
            if not tx.jobs(Selection(job_id=job_id)):  # also locks the job: seqs stay in order
                raise KeyError(job_id)
            return self._append(tx, job_id, type, data)

    def set_webhook(self, job_id: str, state: str, entry: Mapping[str, Any] | None = None) -> None:
        """Set the webhook state and append ``entry`` to the delivery log."""
        self._change(job_id, lambda job, _now: webhook_logged(job, state, entry))


class _MemoryTables:
    """The memory store's rows: jobs in queue order and their event logs."""

    def __init__(self) -> None:
        self.by_id: dict[str, Job] = {}
        self.order: list[str] = []
        self.log: dict[str, list[Event]] = {}

    def _matching(self, selection: Selection) -> builtins.list[Job]:
        if selection.job_id is not None:
            one = self.by_id.get(selection.job_id)
            candidates = [one] if one is not None else []
        else:
            ids = reversed(self.order) if selection.newest_first else iter(self.order)
            candidates = [self.by_id[i] for i in ids]
        return [job for job in candidates if selection.matches(job)]

    def jobs(self, selection: Selection, *, skip_locked: bool = False) -> builtins.list[Job]:
        found = self._matching(selection)[selection.offset :]
        return found if selection.limit is None else found[: selection.limit]

    def count(self, selection: Selection) -> int:
        return len(self._matching(selection))

    def events(self, job_id: str, after: int, limit: int) -> builtins.list[Event]:
        return [e for e in self.log.get(job_id, []) if e.seq > after][:limit]

    def lock_creates(self) -> None:
        return None

    def try_lock_sweep(self) -> bool:
        return True  # the store's one lock is held already

    def insert(self, job: Job) -> None:
        self.by_id[job.id] = job
        self.order.append(job.id)

    def save(self, job: Job) -> None:
        self.by_id[job.id] = job

    def last_seq(self, job_id: str) -> int:
        return len(self.log.get(job_id, []))

    def add_event(self, event: Event) -> None:
        self.log.setdefault(event.job_id, []).append(event)


class MemoryJobStore(JobStore):
    """A :class:`JobStore` in a dict, for tests and throw-away servers.

    Writes happen in place under one lock: a step that raises must raise before it changes
    anything, which every step here does (checks first, then one change).
    """

    SHARED: ClassVar[bool] = False

    def __init__(self, clock: Clock = time.time) -> None:
        super().__init__(clock)
        self._tables = _MemoryTables()
        self._lock = threading.RLock()

    @contextmanager
    def _locked(self) -> Iterator[_MemoryTables]:
        with self._lock:
            yield self._tables

    def _reading(self) -> AbstractContextManager[Reader]:
        return self._locked()

    def _writing(self) -> AbstractContextManager[Writer]:
        return self._locked()

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        return None
