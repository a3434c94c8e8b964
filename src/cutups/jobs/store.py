"""The job store: one small protocol, an in-memory and a SQLite implementation.

Jobs are durable by lease, never by delete: :meth:`JobStore.claim` marks the oldest runnable job
``processing`` with the worker's id and a lease deadline, and the worker renews the lease with
:meth:`JobStore.heartbeat`. A job whose lease runs out (its worker died) is claimable again. Work
done so far is recorded with :meth:`JobStore.checkpoint`, so the next claim resumes.

Worker-side writes (``heartbeat``, ``update_progress``, ``checkpoint``, ``finish``) take the
worker's id and are ignored (return ``False``/``None``) once that worker no longer holds the
job: a worker that lost its lease cannot overwrite its successor's progress (fencing).

Both implementations pass the same contract suite (``tests/jobs/test_store_contract.py``).
"""

from __future__ import annotations

import builtins
import copy
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from cutups.jobs.models import (
    Event,
    IdempotencyConflict,
    Job,
    JobStatus,
    QueueFullError,
    Stage,
    request_hash,
)

__all__ = [
    "Clock",
    "JobStore",
    "MemoryJobStore",
    "checkpointed",
    "claimable",
    "claimed",
    "finished",
    "heartbeated",
    "held_by",
    "new_job_id",
    "progressed",
    "released",
    "terminal_event",
]

Clock = Callable[[], float]


def new_job_id() -> str:
    """A short random job id (12 hex digits, like the seed's)."""
    return uuid.uuid4().hex[:12]


class JobStore(Protocol):
    """Where jobs live. Every method is safe to call from any thread."""

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
        ...

    def get(self, job_id: str) -> Job | None:
        """The job, or None."""
        ...

    def list(
        self, *, status: JobStatus | None = None, limit: int = 50, offset: int = 0
    ) -> builtins.list[Job]:
        """Jobs, newest first."""
        ...

    def count(self, *, status: JobStatus | None = None) -> int:
        """How many jobs (with that status)."""
        ...

    def queue_depth(self) -> int:
        """Jobs waiting for a worker."""
        ...

    def claim(
        self, worker_id: str, lease_seconds: float, *, max_attempts: int | None = None
    ) -> Job | None:
        """Atomically take the oldest queued job, or a processing one whose lease expired.

        The job becomes ``processing`` held by ``worker_id`` until now + ``lease_seconds``, and
        its ``attempts`` goes up by one. Jobs with a cancel request, and expired jobs that have
        had ``max_attempts`` claims already, are left for the watchdog. Never deletes anything.
        """
        ...

    def heartbeat(self, job_id: str, worker_id: str, lease_seconds: float) -> Job | None:
        """Renew the lease; the current job (see ``cancel_requested``), or None if lost."""
        ...

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
        ...

    def checkpoint(self, job_id: str, worker_id: str, name: str, data: Mapping[str, Any]) -> bool:
        """Record that a stage finished and what it left behind."""
        ...

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
        ...

    def release(self, job_id: str, worker_id: str) -> bool:
        """Hand a processing job back to the queue (graceful shutdown); attempts are refunded."""
        ...

    def request_cancel(self, job_id: str) -> Job | None:
        """Cancel: a queued job ends now; a processing one gets ``cancel_requested``."""
        ...

    def expire_leases(self, keep_prefix: str) -> builtins.list[str]:
        """Expire the leases of processing jobs whose worker id lacks ``keep_prefix``.

        Used at start-up: workers of an earlier server on this data dir are gone.
        """
        ...

    def stalled(self) -> builtins.list[Job]:
        """Processing jobs whose lease has run out."""
        ...

    def append_event(self, job_id: str, type: str, data: Mapping[str, Any]) -> Event:
        """Add an event to the job's log."""
        ...

    def events_since(
        self, job_id: str, after: int = 0, *, limit: int = 1000
    ) -> builtins.list[Event]:
        """Events with ``seq > after``, oldest first."""
        ...

    def set_webhook(self, job_id: str, state: str, entry: Mapping[str, Any] | None = None) -> None:
        """Set the webhook state and append ``entry`` to the delivery log."""
        ...

    def pending_webhooks(self) -> builtins.list[Job]:
        """Finished jobs whose webhook is still to be delivered."""
        ...

    def ping(self) -> bool:
        """True when the store answers."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...


# -- pure transitions, shared by every store (each runs them inside its own lock/transaction) --
def claimed(job: Job, worker_id: str, now: float, lease_seconds: float) -> Job:
    """``job`` taken by ``worker_id``."""
    return replace(
        job,
        status=JobStatus.PROCESSING,
        worker_id=worker_id,
        lease_expires_at=now + lease_seconds,
        last_heartbeat_at=now,
        attempts=job.attempts + 1,
        updated=now,
        started_at=job.started_at or now,
    )


def held_by(job: Job | None, worker_id: str) -> bool:
    """True when ``worker_id`` holds ``job``'s lease."""
    return job is not None and job.status is JobStatus.PROCESSING and job.worker_id == worker_id


def heartbeated(job: Job, now: float, lease_seconds: float) -> Job:
    return replace(job, lease_expires_at=now + lease_seconds, last_heartbeat_at=now, updated=now)


def progressed(
    job: Job,
    now: float,
    *,
    stage: Stage | None,
    pct: float | None,
    eta_sec: float | None,
    detail: str | None,
    progress: Mapping[str, Any] | None,
) -> Job:
    return replace(
        job,
        stage=stage if stage is not None else job.stage,
        pct=max(job.pct, min(100.0, pct)) if pct is not None else job.pct,
        eta_sec=eta_sec if eta_sec is not None else job.eta_sec,
        detail=detail if detail is not None else job.detail,
        progress={**job.progress, **copy.deepcopy(dict(progress or {}))},
        updated=now,
    )


def checkpointed(job: Job, now: float, name: str, data: Mapping[str, Any]) -> Job:
    return replace(
        job, checkpoints={**job.checkpoints, name: copy.deepcopy(dict(data))}, updated=now
    )


def finished(
    job: Job,
    now: float,
    status: JobStatus,
    *,
    result: Mapping[str, Any] | None,
    error: str | None,
    error_code: str | None,
) -> Job:
    if not status.terminal:
        raise ValueError(f"finish needs a terminal status, not {status.value}")
    done = status is JobStatus.COMPLETED
    return replace(
        job,
        status=status,
        result=copy.deepcopy(dict(result)) if result is not None else None,
        error=error,
        error_code=error_code,
        finished_at=now,
        updated=now,
        lease_expires_at=None,
        eta_sec=0.0 if done else None,
        stage=Stage.COMPLETED if done else job.stage,
        pct=100.0 if done else job.pct,
    )


def released(job: Job, now: float) -> Job:
    return replace(
        job,
        status=JobStatus.QUEUED,
        lease_expires_at=None,
        attempts=max(0, job.attempts - 1),
        updated=now,
    )


def claimable(job: Job, now: float, max_attempts: int | None) -> bool:
    """True when :meth:`JobStore.claim` may take ``job`` now."""
    if job.cancel_requested:
        return False
    if job.status is JobStatus.QUEUED:
        return True
    if job.status is not JobStatus.PROCESSING or (job.lease_expires_at or 0.0) >= now:
        return False
    return max_attempts is None or job.attempts < max_attempts


def terminal_event(job: Job) -> tuple[str, dict[str, Any]]:
    """The event a finished job appends: its status as type, the outcome as data."""
    data: dict[str, Any] = {
        "status": job.status.value,
        "stage": job.stage.value if job.stage is not None else None,
    }
    if job.error:
        data["error"] = job.error
    if job.result is not None:
        data["result"] = dict(job.result)
    return job.status.value, data


class MemoryJobStore:
    """A :class:`JobStore` in a dict, for tests and throw-away servers."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._jobs: dict[str, Job] = {}
        self._order: list[str] = []
        self._events: dict[str, list[Event]] = {}
        self._keys: dict[str, str] = {}
        self._lock = threading.RLock()

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
        with self._lock:
            if idempotency_key is not None and idempotency_key in self._keys:
                first = self._jobs[self._keys[idempotency_key]]
                if first.request_hash != digest:
                    raise IdempotencyConflict(idempotency_key, first.id)
                return first, False
            if max_queued is not None:
                depth = sum(1 for j in self._jobs.values() if j.status is JobStatus.QUEUED)
                if depth >= max_queued:
                    raise QueueFullError(depth)
            now = self._clock()
            job = Job(
                id=job_id or new_job_id(),
                status=JobStatus.QUEUED,
                request=copy.deepcopy(dict(request)),
                created=now,
                updated=now,
                webhook_state="pending" if request.get("webhook_url") else None,
                idempotency_key=idempotency_key,
                request_hash=digest,
            )
            self._jobs[job.id] = job
            self._order.append(job.id)
            self._events[job.id] = []
            if idempotency_key is not None:
                self._keys[idempotency_key] = job.id
            self._append(job.id, "queued", {"status": "queued"})
            return job, True

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def list(
        self, *, status: JobStatus | None = None, limit: int = 50, offset: int = 0
    ) -> builtins.list[Job]:
        with self._lock:
            jobs = [self._jobs[i] for i in reversed(self._order)]
        if status is not None:
            jobs = [j for j in jobs if j.status is status]
        return jobs[offset : offset + limit]

    def count(self, *, status: JobStatus | None = None) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if status is None or j.status is status)

    def queue_depth(self) -> int:
        return self.count(status=JobStatus.QUEUED)

    # -- the worker's side ----------------------------------------------------------------------
    def claim(
        self, worker_id: str, lease_seconds: float, *, max_attempts: int | None = None
    ) -> Job | None:
        with self._lock:
            now = self._clock()
            for job_id in self._order:
                job = self._jobs[job_id]
                if claimable(job, now, max_attempts):
                    self._jobs[job_id] = taken = claimed(job, worker_id, now, lease_seconds)
                    return taken
            return None

    def heartbeat(self, job_id: str, worker_id: str, lease_seconds: float) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not held_by(job, worker_id):
                return None
            self._jobs[job_id] = job = heartbeated(job, self._clock(), lease_seconds)
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
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._jobs[job_id] = progressed(
                job,
                self._clock(),
                stage=stage,
                pct=pct,
                eta_sec=eta_sec,
                detail=detail,
                progress=progress,
            )
            return True

    def checkpoint(self, job_id: str, worker_id: str, name: str, data: Mapping[str, Any]) -> bool:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._jobs[job_id] = checkpointed(job, self._clock(), name, data)
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
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.terminal:
                return None
            if worker_id is not None and not held_by(job, worker_id):
                return None
            done = finished(
                job, self._clock(), status, result=result, error=error, error_code=error_code
            )
            self._jobs[job_id] = done
            self._append(job_id, *terminal_event(done))
            return done

    def release(self, job_id: str, worker_id: str) -> bool:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or not held_by(job, worker_id):
                return False
            self._jobs[job_id] = released(job, self._clock())
            return True

    def request_cancel(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return None
            if job.status is JobStatus.QUEUED:
                return self.finish(
                    job_id, JobStatus.CANCELED, error="canceled", error_code="canceled"
                )
            if job.status is JobStatus.PROCESSING and not job.cancel_requested:
                job = replace(job, cancel_requested=True, updated=self._clock())
                self._jobs[job_id] = job
            return job

    def expire_leases(self, keep_prefix: str) -> builtins.list[str]:
        with self._lock:
            now = self._clock()
            expired = []
            for job in list(self._jobs.values()):
                if job.status is JobStatus.PROCESSING and not (job.worker_id or "").startswith(
                    keep_prefix
                ):
                    self._jobs[job.id] = replace(job, lease_expires_at=now - 1e-6)
                    expired.append(job.id)
            return expired

    def stalled(self) -> builtins.list[Job]:
        with self._lock:
            now = self._clock()
            return [
                j
                for j in (self._jobs[i] for i in self._order)
                if j.status is JobStatus.PROCESSING and (j.lease_expires_at or 0.0) < now
            ]

    # -- events and webhooks --------------------------------------------------------------------
    def _append(self, job_id: str, type: str, data: Mapping[str, Any]) -> Event:
        log = self._events.setdefault(job_id, [])
        event = Event(
            job_id=job_id,
            seq=len(log) + 1,
            type=type,
            data=copy.deepcopy(dict(data)),
            at=self._clock(),
        )
        log.append(event)
        return event

    def append_event(self, job_id: str, type: str, data: Mapping[str, Any]) -> Event:
        with self._lock:
            if job_id not in self._jobs:
                raise KeyError(job_id)
            return self._append(job_id, type, data)

    def events_since(
        self, job_id: str, after: int = 0, *, limit: int = 1000
    ) -> builtins.list[Event]:
        with self._lock:
            return [e for e in self._events.get(job_id, []) if e.seq > after][:limit]

    def set_webhook(self, job_id: str, state: str, entry: Mapping[str, Any] | None = None) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            log: Sequence[Mapping[str, Any]] = job.webhooks
            if entry is not None:
                log = (*log, dict(entry))
            self._jobs[job_id] = replace(job, webhook_state=state, webhooks=tuple(log))

    def pending_webhooks(self) -> builtins.list[Job]:
        with self._lock:
            return [
                j
                for j in (self._jobs[i] for i in self._order)
                if j.terminal and j.webhook_state == "pending"
            ]

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        return None
