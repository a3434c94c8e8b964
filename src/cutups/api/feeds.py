"""Event streams fan out from one source: one store poller per job per process, however many
clients follow that job.

Before, every ``GET /jobs/{id}/events`` polled the store four times a second on its own: a
hundred browsers on one job were four hundred reads a second. Now a :class:`JobFeed` per job
polls (on the API's read thread, :mod:`cutups.api.reads`) while anyone follows it, keeps the
job's events in a bounded window, and wakes every follower. The feed's first read is the whole
log, so a follower's replay after its cursor (``Last-Event-ID``) comes from the window too; a
follower reads the store itself only when it is behind the window's start (a very long log).

Event ``seq`` counts from 1 per job, so the window holds exactly the events
``floor + 1 .. cursor``. A feed ends after it reads a terminal event, or when the job turns out
to be gone or finished with nothing more to read; the last follower to leave stops its poller.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from cutups.api.reads import StoreReads
from cutups.jobs.models import Event
from cutups.jobs.store import JobStore

log = logging.getLogger(__name__)

__all__ = ["KEEP_ALIVE", "TERMINAL_EVENTS", "EventFeeds", "JobFeed"]

TERMINAL_EVENTS = frozenset({"completed", "failed", "canceled"})
KEEP_ALIVE = None
"""What :meth:`EventFeeds.follow` yields when a follower has been idle for a heartbeat."""
WINDOW = 2000
"""Events a feed keeps for followers that are behind (a job logs a few hundred at most)."""


@dataclass
class JobFeed:
    """One job's events as one poller reads them: the window ``floor + 1 .. cursor``."""

    job_id: str
    floor: int = 0
    followers: int = 0
    ended: bool = False

    def __post_init__(self) -> None:
        self.cursor = self.floor
        self.window: deque[Event] = deque()
        self.changed = asyncio.Event()
        self.poller: asyncio.Task[None] | None = None

    def after(self, seq: int) -> list[Event]:
        """The window's events after ``seq`` (``seq`` must be >= ``floor``)."""
        return [event for event in self.window if event.seq > seq]

    def add(self, events: list[Event]) -> None:
        self.window.extend(events)
        while len(self.window) > WINDOW:
            self.floor = self.window.popleft().seq
        self.cursor = events[-1].seq
        self.ended = events[-1].type in TERMINAL_EVENTS
        self.wake()

    def wake(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()


class EventFeeds:
    """The feeds of one process, by job id.

    Arguments:
        store: where events are read (a getter: the service opens its store when it starts).
        reads: the threads that read it.
        poll_seconds: pause between two reads of a feed that found nothing new.
        on_events: called with the job's id when a feed reads new events (its status polls
            must then show at least what the stream shows: :mod:`cutups.api.snapshots`).
    """

    def __init__(
        self,
        store: Callable[[], JobStore],
        reads: StoreReads,
        poll_seconds: float = 0.25,
        *,
        on_events: Callable[[str], None] | None = None,
    ) -> None:
        self._store = store
        self._reads = reads
        self._poll = poll_seconds
        self._on_events = on_events
        self._feeds: dict[str, JobFeed] = {}

    def __len__(self) -> int:
        return len(self._feeds)

    async def follow(
        self, job_id: str, after: int, heartbeat: float
    ) -> AsyncIterator[Event | None]:
        """The job's events after ``after`` until its terminal event, live; ``KEEP_ALIVE``
        after ``heartbeat`` seconds without one. Ends early when the job is gone or finished."""
        feed = self._join(job_id)
        try:
            last_sent = time.monotonic()
            while True:
                if after < feed.floor:  # behind the window's start: read the store
                    events = await self._reads(self._store().events_since, job_id, after)
                else:
                    events = feed.after(after)
                for event in events:
                    yield event
                    after, last_sent = event.seq, time.monotonic()
                    if event.type in TERMINAL_EVENTS:
                        return
                if events:
                    continue
                if feed.ended:
                    return  # the job ended (or is gone) with nothing after the cursor
                idle = heartbeat - (time.monotonic() - last_sent)
                if idle <= 0 or not await _wait(feed.changed, idle):
                    yield KEEP_ALIVE
                    last_sent = time.monotonic()
        finally:
            self._leave(feed)

    def _join(self, job_id: str) -> JobFeed:
        feed = self._feeds.get(job_id)
        if feed is None or not _alive(feed):
            feed = self._feeds[job_id] = JobFeed(job_id)
            feed.poller = asyncio.create_task(self._run(feed), name=f"feed-{job_id}")
        feed.followers += 1
        return feed

    def _leave(self, feed: JobFeed) -> None:
        feed.followers -= 1
        if feed.followers == 0:
            if self._feeds.get(feed.job_id) is feed:
                del self._feeds[feed.job_id]
            if feed.poller is not None:
                feed.poller.cancel()

    def close(self) -> None:
        """Stop every poller (their followers are being ended with the server)."""
        for feed in self._feeds.values():
            if feed.poller is not None:
                feed.poller.cancel()
        self._feeds.clear()

    async def _run(self, feed: JobFeed) -> None:
        """Poll the store for ``feed`` until its job ends; a failed read is retried."""
        while not feed.ended:
            try:
                found = await self._read(feed)
            except Exception:  # the store's driver errors: the followers wait, the poll retries
                log.warning("event feed of job %s: the store read failed", feed.job_id)
                found = False
            if not found:
                await asyncio.sleep(self._poll)

    async def _read(self, feed: JobFeed) -> bool:
        """One poll: True when it found events (the next poll follows at once)."""
        store = self._store()
        events = await self._reads(store.events_since, feed.job_id, feed.cursor)
        if events:
            if self._on_events is not None:
                self._on_events(feed.job_id)
            feed.add(events)
            return True
        job = await self._reads(store.get, feed.job_id)
        if job is None or job.terminal:
            # the terminal event may have been logged just before the job was read as ended
            last = await self._reads(store.events_since, feed.job_id, feed.cursor)
            if last:
                feed.add(last)
            feed.ended = True
            feed.wake()
        return False


def _alive(feed: JobFeed) -> bool:
    """The feed's poller runs on this event loop, or has ended with its job. (A loop that
    closed under its followers, as a test client's does, leaves a feed nobody polls.)"""
    poller = feed.poller
    if poller is None or poller.get_loop() is not asyncio.get_running_loop():
        return False
    return feed.ended or not poller.done()


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    """True when ``event`` is set within ``seconds``."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
        return True
    return False
