"""Status polls answered from memory: a snapshot per job, read once however many clients poll.

``GET /jobs/{id}`` is every client's hot path (a page polls it while its job runs). A poll is
answered from the job's snapshot: the job as last read from the store and its JSON answer,
serialised once per base URL. A snapshot is used while it is younger than
``CUTUPS_STATUS_MAX_AGE`` and no write to its job has been announced since its read began.

**How fresh.** The store announces every write it commits (:meth:`JobStore.listen`): writes made
in this process (the embedded workers, the API's own cancels and submissions, the watchdog) drop
the snapshot at once, so the next poll reads the store again. Writes by other processes
(``cutups worker`` in distributed mode, other servers on one PostgreSQL) are seen within
``CUTUPS_STATUS_MAX_AGE`` (0.25 s by default, the event feeds' poll interval) plus the time of
one store read (a snapshot's age counts from when its read ended); sooner when
someone follows the job's event stream, since the feed drops the snapshot when it reads new
events. A store no other process writes (SQLite: one server per data dir) is heard in full, and
its snapshots are read again only every :data:`UNSHARED_MAX_AGE` seconds, a safety net.

**Never backwards.** One process's answers for a job never go back in time: the store is read
again only by a read that starts after the change it must see was announced (tickets below),
and a read's result replaces the snapshot only if that read began after the snapshot's. So a
client never sees a state older than one it was already shown (within one API process: several
processes behind a balancer each keep their own snapshots).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cutups.api.reads import StoreReads
from cutups.api.schemas import job_public
from cutups.jobs.models import Job
from cutups.jobs.store import JobStore
from cutups.storage.layout import valid_id

__all__ = ["UNSHARED_MAX_AGE", "JobSnapshots"]

MAX_SNAPSHOTS = 10_000
"""Jobs kept at most; the oldest read is dropped first."""
UNSHARED_MAX_AGE = 10.0
"""The max age of snapshots of a store only this process writes (every change announced)."""
MAX_BODIES = 4
"""Answers kept per snapshot (one per base URL; a client naming a new Host gets it built)."""


@dataclass(slots=True)
class _Snapshot:
    job: Job | None
    """None: the store had no such job."""
    ticket: int
    """When its read began, on the tickets' clock."""
    read_at: float
    bodies: dict[str, bytes] = field(default_factory=dict)


class JobSnapshots:
    """The snapshots of one API process.

    Arguments:
        store: the job store (a getter: the service opens it when it starts).
        reads: the threads that read it.
        max_age: seconds a snapshot answers polls without a new read, when other processes
            write the store too (:attr:`JobStore.SHARED`).
    """

    def __init__(
        self, store: Callable[[], JobStore], reads: StoreReads, max_age: float = 0.25
    ) -> None:
        self._store = store
        self._reads = reads
        self._shared_max_age = self._max_age = max_age
        self._tickets = itertools.count(1)
        self._snapshots: dict[str, _Snapshot] = {}
        self._changed: dict[str, int] = {}
        """Ticket of the last announced change per job (only jobs with a snapshot or a read)."""
        self._reading: dict[str, tuple[int, asyncio.Future[_Snapshot]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unlisten: Callable[[], None] | None = None

    # -- listening to the store's writes --------------------------------------------------
    def _listen(self) -> None:
        """Listen to the store's writes, from the first poll on (no snapshot before it).

        A poll on another event loop (a test client may run one per request) starts over on
        that loop."""
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return
        self.close()
        self._loop = loop
        store = self._store()
        self._unlisten = store.listen(self._announced)
        shared = self._shared_max_age
        self._max_age = shared if store.SHARED else max(shared, UNSHARED_MAX_AGE)

    def close(self) -> None:
        """Stop listening and forget every snapshot."""
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        self._loop = None
        self._snapshots.clear()
        self._changed.clear()
        self._reading.clear()

    def _announced(self, job_id: str) -> None:
        """A write to ``job_id`` was committed (in any thread): drop its snapshot, on the loop."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to drop
                loop.call_soon_threadsafe(self.changed, job_id)

    def changed(self, job_id: str) -> None:
        """``job_id`` changed: its next poll reads the store again (on the event loop)."""
        if job_id in self._snapshots or job_id in self._reading:
            self._changed[job_id] = next(self._tickets)

    # -- polls ----------------------------------------------------------------------------------
    async def get(self, job_id: str) -> Job | None:
        """The job as fresh as promised above; None when there is no such job."""
        return (await self._snapshot(job_id)).job if valid_id(job_id) else None

    async def body(self, job_id: str, base_url: str) -> bytes | None:
        """The job's ``GET /jobs/{id}`` answer (JSON) for ``base_url``; None: no such job."""
        if not valid_id(job_id):
            return None
        snap = await self._snapshot(job_id)
        if snap.job is None:
            return None
        body = snap.bodies.get(base_url)
        if body is None:
            body = job_public(snap.job, base_url).model_dump_json().encode()
            if len(snap.bodies) < MAX_BODIES:
                snap.bodies[base_url] = body
        return body

    async def _snapshot(self, job_id: str) -> _Snapshot:
        self._listen()
        changed = self._changed.get(job_id, 0)
        snap = self._snapshots.get(job_id)
        if (
            snap is not None
            and snap.ticket > changed
            and time.monotonic() - snap.read_at < self._max_age
        ):
            return snap
        under_way = self._reading.get(job_id)
        if under_way is not None and under_way[0] > changed:
            return await asyncio.shield(under_way[1])  # the read began after the change
        ticket = next(self._tickets)
        read = asyncio.ensure_future(self._read(job_id, ticket))
        read.add_done_callback(_retrieved)  # its waiters may all have gone (disconnected)
        self._reading[job_id] = (ticket, read)
        return await asyncio.shield(read)

    async def _read(self, job_id: str, ticket: int) -> _Snapshot:
        try:
            job = await self._reads(self._store().get, job_id)
        finally:
            if self._reading.get(job_id, (0,))[0] == ticket:
                del self._reading[job_id]
        snap = _Snapshot(job, ticket, time.monotonic())
        kept = self._snapshots.get(job_id)
        # No snapshot of a missing job (it may be created any moment), and a read that began
        # later is never replaced.
        if job is not None and (kept is None or kept.ticket < ticket):
            self._keep(job_id, snap)
        return snap

    def _keep(self, job_id: str, snap: _Snapshot) -> None:
        self._snapshots.pop(job_id, None)  # re-inserted last: the dict is in order of reads
        self._snapshots[job_id] = snap
        while len(self._snapshots) > MAX_SNAPSHOTS:
            oldest = next(iter(self._snapshots))
            del self._snapshots[oldest]
            self._changed.pop(oldest, None)
        if job_id not in self._reading and self._changed.get(job_id, 0) < snap.ticket:
            self._changed.pop(job_id, None)


def _retrieved(read: asyncio.Future[_Snapshot]) -> None:
    """Mark a failed read's error as seen: each waiter has it raised (or has gone)."""
    if not read.cancelled():
        read.exception()
