"""One contract for every JobStore: the in-memory, SQLite and PostgreSQL stores run the same tests.

PostgreSQL is a real server (Debian's PostgreSQL 15) started once per session on a free loopback
port (:func:`tests.ops.services.postgres`); each test gets its own schema. Skipped when the
binaries are missing.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cutups.jobs.models import IdempotencyConflict, JobStatus, QueueFullError, Stage
from cutups.jobs.sqlite_store import SqliteJobStore
from cutups.jobs.store import JobStore, MemoryJobStore
from tests.jobs.claim_race import claim_all_racing
from tests.ops.services import postgres, postgres_available


class FakeClock:
    """Time that only moves when a test says so."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class GatedClock(FakeClock):
    """A fake clock that can stop one thread inside a store's write, until released.

    Stores read the clock inside their write transaction, so :meth:`hold` freezes a write
    half-way, its locks held.
    """

    def __init__(self) -> None:
        super().__init__()
        self._held: int | None = None
        self.entered = threading.Event()
        self.released = threading.Event()

    def hold(self) -> None:
        """The calling thread's next reads of the clock wait for :attr:`released`."""
        self._held = threading.get_ident()

    def __call__(self) -> float:
        if threading.get_ident() == self._held:
            self.entered.set()
            self.released.wait(30)
        return self.now


@pytest.fixture
def clock() -> GatedClock:
    return GatedClock()


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real PostgreSQL for the session (stopped with pg_ctl at the end)."""
    if not postgres_available():
        pytest.skip("PostgreSQL 15 binaries or the postgres user are missing")
    with postgres(tmp_path_factory.mktemp("contract-pg")) as server:
        yield server.url


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: GatedClock
) -> Iterator[Callable[[], JobStore]]:
    made: list[JobStore] = []
    schema = f"t_{uuid.uuid4().hex[:12]}"  # one schema per test: stores made in it share it

    def make() -> JobStore:
        store: JobStore
        if request.param == "memory":
            store = MemoryJobStore(clock=clock)
        elif request.param == "postgres":
            from cutups.jobs.postgres_store import PostgresJobStore

            store = PostgresJobStore(request.getfixturevalue("pg_url"), clock=clock, schema=schema)
        else:
            store = SqliteJobStore(tmp_path / "jobs.db", clock=clock)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def store(make_store: Callable[[], JobStore]) -> JobStore:
    return make_store()


REQ = {"video_url": "https://example.com/game.mp4", "options": {"team": "Michigan"}}


def test_create_get_list_count(store: JobStore, clock: FakeClock) -> None:
    first, new = store.create(REQ)
    clock.advance(1)
    second, _ = store.create({**REQ, "webhook_url": "https://example.com/hook"})
    assert new and first.status is JobStatus.QUEUED and first.pct == 0.0
    got = store.get(first.id)
    assert got is not None and got.request == REQ and got.created == first.created
    assert store.get("nope") is None
    assert [j.id for j in store.list()] == [second.id, first.id]  # newest first
    assert [j.id for j in store.list(limit=1, offset=1)] == [first.id]
    assert store.count() == 2 and store.queue_depth() == 2
    assert second.webhook_state == "pending" and first.webhook_state is None
    assert [e.type for e in store.events_since(first.id)] == ["queued"]


def test_claim_is_fifo_and_marks_the_lease(store: JobStore, clock: FakeClock) -> None:
    a, _ = store.create(REQ)
    clock.advance(1)
    b, _ = store.create(REQ)
    taken = store.claim("w1", 30)
    assert taken is not None and taken.id == a.id
    assert taken.status is JobStatus.PROCESSING and taken.worker_id == "w1"
    assert taken.attempts == 1 and taken.lease_expires_at == clock.now + 30
    assert taken.started_at == clock.now and taken.last_heartbeat_at == clock.now
    again = store.claim("w2", 30)
    assert again is not None and again.id == b.id
    assert store.claim("w3", 30) is None
    assert store.queue_depth() == 0
    assert store.list(status=JobStatus.PROCESSING)[0].id == b.id


def test_claim_is_atomic_under_threads(store: JobStore) -> None:
    ids = {store.create(REQ)[0].id for _ in range(30)}
    claimed = claim_all_racing([store], workers=8)
    assert sorted(claimed) == sorted(ids)  # every job exactly once


def test_two_sqlite_stores_on_one_file_never_share_a_job(tmp_path: Path) -> None:
    """Atomic across connections (processes), not only across threads of one store."""
    stores = [SqliteJobStore(tmp_path / "shared.db") for _ in range(2)]
    ids = {stores[0].create(REQ)[0].id for _ in range(20)}
    claimed = claim_all_racing(stores, workers=4)
    for s in stores:
        s.close()
    assert sorted(claimed) == sorted(ids)


def test_expired_lease_is_reclaimed_and_fences_the_old_worker(
    store: JobStore, clock: FakeClock
) -> None:
    job, _ = store.create(REQ)
    assert store.claim("old", 10) is not None
    assert store.checkpoint(job.id, "old", "download", {"path": "/x", "size": 5})
    clock.advance(5)
    beat = store.heartbeat(job.id, "old", 10)
    assert beat is not None and beat.lease_expires_at == clock.now + 10
    assert store.claim("new", 10) is None  # lease still held
    clock.advance(10.5)
    assert [j.id for j in store.stalled()] == [job.id]
    taken = store.claim("new", 10)
    assert taken is not None and taken.id == job.id
    assert taken.attempts == 2 and taken.worker_id == "new"
    assert taken.checkpoints["download"] == {"path": "/x", "size": 5}  # work survives
    # The old worker has lost the job: none of its writes land.
    assert store.heartbeat(job.id, "old", 10) is None
    assert not store.update_progress(job.id, "old", pct=50)
    assert not store.checkpoint(job.id, "old", "analysis", {})
    assert store.finish(job.id, JobStatus.COMPLETED, worker_id="old") is None
    current = store.get(job.id)
    assert current is not None and current.status is JobStatus.PROCESSING
    assert "analysis" not in current.checkpoints


def test_exhausted_job_is_left_for_the_watchdog(store: JobStore, clock: FakeClock) -> None:
    job, _ = store.create(REQ)
    for n in range(3):
        assert store.claim(f"w{n}", 10, max_attempts=3) is not None
        clock.advance(11)
    assert store.claim("w9", 10, max_attempts=3) is None
    assert [j.id for j in store.stalled()] == [job.id]
    failed = store.finish(job.id, JobStatus.FAILED, error="gave up", error_code="poison")
    assert failed is not None and failed.error == "gave up"
    assert store.stalled() == []


def test_jobs_are_never_deleted(store: JobStore, clock: FakeClock) -> None:
    job, _ = store.create(REQ)
    store.claim("w", 10)
    store.finish(job.id, JobStatus.COMPLETED, worker_id="w", result={"manifest_url": "/m"})
    clock.advance(10_000)
    assert store.claim("w2", 10) is None
    done = store.get(job.id)
    assert done is not None and done.status is JobStatus.COMPLETED
    assert done.pct == 100.0 and done.stage is Stage.COMPLETED
    assert done.result == {"manifest_url": "/m"} and store.count() == 1
    assert store.finish(job.id, JobStatus.FAILED) is None  # a finished job stays finished


def test_idempotency_keys(store: JobStore) -> None:
    a, new_a = store.create(REQ, idempotency_key="k1")
    b, new_b = store.create(dict(REQ), idempotency_key="k1")
    assert new_a and not new_b and a.id == b.id
    with pytest.raises(IdempotencyConflict) as err:
        store.create({**REQ, "video_url": "https://example.com/other.mp4"}, idempotency_key="k1")
    assert err.value.job_id == a.id
    c, new_c = store.create(REQ, idempotency_key="k2")
    assert new_c and c.id != a.id
    assert store.count() == 2


def test_progress_is_monotone_and_merged(store: JobStore) -> None:
    job, _ = store.create(REQ)
    store.claim("w", 30)
    assert store.update_progress(
        job.id, "w", stage=Stage.ANALYSING, pct=40, detail="x", progress={"a": 1}
    )
    assert store.update_progress(job.id, "w", pct=30, eta_sec=12.5, progress={"b": 2})
    got = store.get(job.id)
    assert got is not None
    assert got.pct == 40 and got.stage is Stage.ANALYSING and got.eta_sec == 12.5
    assert got.progress == {"a": 1, "b": 2} and got.detail == "x"


def test_events_and_terminal_event(store: JobStore) -> None:
    job, _ = store.create(REQ)
    store.claim("w", 30)
    e1 = store.append_event(job.id, "stage", {"stage": "analysing"})
    e2 = store.append_event(job.id, "clip_ready", {"clip": {"id": "clip_0"}})
    assert (e1.seq, e2.seq) == (2, 3)
    store.finish(job.id, JobStatus.FAILED, worker_id="w", error="boom", error_code="x")
    events = store.events_since(job.id)
    assert [e.type for e in events] == ["queued", "stage", "clip_ready", "failed"]
    assert events[-1].data["error"] == "boom"
    assert [e.seq for e in store.events_since(job.id, 2)] == [3, 4]
    assert store.events_since(job.id, 2, limit=1)[0].data == {"clip": {"id": "clip_0"}}
    with pytest.raises(KeyError):
        store.append_event("missing", "stage", {})


def test_cancel(store: JobStore, clock: FakeClock) -> None:
    queued, _ = store.create(REQ)
    running, _ = store.create(REQ)
    store.claim("x", 30)  # takes `queued` (oldest)
    canceled = store.request_cancel(running.id)  # still queued: ends at once
    assert canceled is not None and canceled.status is JobStatus.CANCELED
    assert store.events_since(running.id)[-1].type == "canceled"
    flagged = store.request_cancel(queued.id)
    assert flagged is not None and flagged.status is JobStatus.PROCESSING
    assert flagged.cancel_requested
    clock.advance(60)
    assert store.claim("y", 30) is None  # a cancel-requested job is never re-run
    assert store.request_cancel("missing") is None
    done = store.finish(queued.id, JobStatus.CANCELED, worker_id="x", error="canceled")
    assert done is not None and done.status is JobStatus.CANCELED


def test_release_hands_the_job_back(store: JobStore) -> None:
    job, _ = store.create(REQ)
    store.claim("w", 30)
    assert not store.release(job.id, "someone-else")
    assert store.release(job.id, "w")
    back = store.get(job.id)
    assert back is not None and back.status is JobStatus.QUEUED and back.attempts == 0
    again = store.claim("w2", 30)
    assert again is not None and again.attempts == 1


def test_expire_leases_of_a_previous_server(store: JobStore) -> None:
    a, _ = store.create(REQ)
    b, _ = store.create(REQ)
    store.claim("old-server:1", 3600)
    store.claim("this-server:1", 3600)
    assert store.expire_leases("this-server:") == [a.id]
    taken = store.claim("this-server:2", 30)
    assert taken is not None and taken.id == a.id and taken.attempts == 2
    assert store.get(b.id) is not None


def test_webhook_log(store: JobStore) -> None:
    job, _ = store.create({**REQ, "webhook_url": "https://example.com/hook"})
    store.claim("w", 30)
    assert store.pending_webhooks() == []  # not finished yet
    store.finish(job.id, JobStatus.COMPLETED, worker_id="w")
    assert [j.id for j in store.pending_webhooks()] == [job.id]
    store.set_webhook(job.id, "pending", {"attempt": 1, "status_code": 500})
    store.set_webhook(job.id, "delivered", {"attempt": 2, "status_code": 200})
    got = store.get(job.id)
    assert got is not None and got.webhook_state == "delivered"
    assert [w["attempt"] for w in got.webhooks] == [1, 2]
    assert store.pending_webhooks() == []
    assert store.ping()


def test_sqlite_survives_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    first = SqliteJobStore(tmp_path / "jobs.db", clock=clock)
    job, _ = first.create(REQ, idempotency_key="k")
    first.claim("w", 30)
    first.checkpoint(job.id, "w", "download", {"size": 3})
    first.append_event(job.id, "stage", {"stage": "downloading"})
    first.close()
    second = SqliteJobStore(tmp_path / "jobs.db", clock=clock)
    got = second.get(job.id)
    assert got is not None and got.checkpoints == {"download": {"size": 3}}
    assert got.worker_id == "w" and got.status is JobStatus.PROCESSING
    assert [e.type for e in second.events_since(job.id)] == ["queued", "stage"]
    assert second.create(REQ, idempotency_key="k")[0].id == job.id
    second.close()


def test_bounded_queue(store: JobStore) -> None:
    store.create(REQ, idempotency_key="a", max_queued=2)
    store.create(REQ, max_queued=2)
    with pytest.raises(QueueFullError):
        store.create(REQ, max_queued=2)
    # A retried submission still gets its job back, full queue or not.
    _, new = store.create(REQ, idempotency_key="a", max_queued=2)
    assert not new
    store.claim("w", 30)
    store.create(REQ, max_queued=2)  # room again
    assert store.queue_depth() == 2


@pytest.mark.parametrize("make_store", ["sqlite", "postgres"], indirect=True)
def test_reads_never_wait_for_a_write(
    make_store: Callable[[], JobStore], clock: GatedClock
) -> None:
    """Status polls answer at once, with the last committed state, while a write is under way.

    SQL stores only: the in-memory test double runs everything under one lock.
    """
    store = make_store()
    job, _ = store.create(REQ)
    store.claim("w", 30)
    store.update_progress(job.id, "w", pct=10)

    def slow_write() -> None:
        clock.hold()
        store.update_progress(job.id, "w", pct=60, detail="half way")

    writer = threading.Thread(target=slow_write)
    writer.start()
    assert clock.entered.wait(10)  # the writer now holds its transaction (and the job's row)
    seen: list[float] = []
    lock = threading.Lock()

    def poll() -> None:
        for _ in range(20):
            got = store.get(job.id)
            assert got is not None and store.list() and store.count() == 1
            assert [e.type for e in store.events_since(job.id)] == ["queued"]
            with lock:
                seen.append(got.pct)

    readers = [threading.Thread(target=poll) for _ in range(6)]
    for t in readers:
        t.start()
    deadline = time.monotonic() + 5.0
    for t in readers:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = [t for t in readers if t.is_alive()]
    assert writer.is_alive()  # still held: every read above ran beside the open write
    clock.released.set()
    writer.join(timeout=10)
    for t in stuck:
        t.join(timeout=10)
    assert not stuck, "reads waited for the write"
    assert seen == [10.0] * 120  # the committed state, never the write in flight
    after = store.get(job.id)
    assert after is not None and after.pct == 60 and after.detail == "half way"


def test_sqlite_writers_in_threads_and_processes_queue_not_fail(tmp_path: Path) -> None:
    """Many threads over two stores on one file (two processes' worth): every write lands."""
    stores = [SqliteJobStore(tmp_path / "shared.db") for _ in range(2)]
    job, _ = stores[0].create(REQ)
    stores[0].claim("w", 600)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(25):
                store = stores[(n + i) % 2]
                assert store.update_progress(job.id, "w", progress={f"t{n}": i})
                store.append_event(job.id, "tick", {"n": n, "i": i})
                assert store.get(job.id) is not None
        except BaseException as exc:  # reported below, with the thread's name
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    got = stores[1].get(job.id)
    assert got is not None and got.progress == {f"t{n}": 24 for n in range(8)}
    events = stores[1].events_since(job.id, limit=1000)
    assert [e.seq for e in events] == list(range(1, 8 * 25 + 2))  # no gap, no duplicate
    for s in stores:
        s.close()


# -- the sweeper: leases decide, not the broker -------------------------------------------------
def test_sweep_requeues_expired_leases_and_fences_the_dead_worker(
    store: JobStore, clock: FakeClock
) -> None:
    job, _ = store.create(REQ)
    store.claim("dead", 30, max_attempts=3)
    store.checkpoint(job.id, "dead", "download", {"path": "/x", "size": 5})
    clock.advance(29)
    assert store.sweep(max_attempts=3, grace_seconds=60).ids == ()  # lease still live
    clock.advance(2)
    swept = store.sweep(max_attempts=3, grace_seconds=60)
    assert swept.expired == (job.id,) and swept.unsent == ()
    back = store.get(job.id)
    assert back is not None and back.status is JobStatus.QUEUED and back.attempts == 1
    assert back.checkpoints["download"] == {"path": "/x", "size": 5}  # resumed, not restarted
    assert store.sweep(max_attempts=3, grace_seconds=60).ids == ()  # sent once, not every pass
    assert store.heartbeat(job.id, "dead", 30) is None  # the old holder is fenced
    assert store.finish(job.id, JobStatus.COMPLETED, worker_id="dead") is None
    taken = store.claim("next", 30, max_attempts=3)
    assert taken is not None and taken.id == job.id and taken.attempts == 2


def test_sweep_resends_queued_jobs_after_the_grace_period(
    store: JobStore, clock: FakeClock
) -> None:
    old, _ = store.create(REQ)
    clock.advance(50)
    young, _ = store.create({**REQ, "n": 2})
    clock.advance(11)
    assert store.sweep(max_attempts=3, grace_seconds=60).unsent == (old.id,)
    clock.advance(50)  # young is now 61 s old; old was re-sent 50 s ago
    assert store.sweep(max_attempts=3, grace_seconds=60).unsent == (young.id,)
    clock.advance(11)
    assert store.sweep(max_attempts=3, grace_seconds=60).unsent == (old.id,)


def test_sweep_leaves_live_finished_canceled_and_exhausted_jobs(
    store: JobStore, clock: FakeClock
) -> None:
    live, _ = store.create(REQ)
    done, _ = store.create({**REQ, "n": 2})
    flagged, _ = store.create({**REQ, "n": 3})
    poison, _ = store.create({**REQ, "n": 4})
    for n in range(4):
        store.claim(f"w{n}", 100, max_attempts=3)
    store.finish(done.id, JobStatus.COMPLETED, worker_id="w1")
    store.request_cancel(flagged.id)
    clock.advance(101)
    store.heartbeat(live.id, "w0", 100)
    for _ in range(2):  # the poison job dies twice more (three claims in all)
        assert store.claim("again", 100, max_attempts=3) is not None
        clock.advance(101)
        store.heartbeat(live.id, "w0", 100)
    assert store.sweep(max_attempts=3, grace_seconds=60).ids == ()  # the watchdog's, or live
    assert {j.id for j in store.stalled()} == {flagged.id, poison.id}


@pytest.mark.parametrize("make_store", ["sqlite", "postgres"], indirect=True)
def test_one_sweep_at_a_time_across_stores(
    make_store: Callable[[], JobStore], clock: GatedClock
) -> None:
    """Two processes' sweeps never both re-send a job: the second waits (SQLite's write lock)
    or, finding the sweeper's lock taken, does nothing (PostgreSQL)."""
    first, second = make_store(), make_store()
    job, _ = first.create(REQ)
    clock.advance(61)
    results: list[tuple[str, ...]] = []

    def slow_sweep() -> None:
        clock.hold()
        results.append(first.sweep(max_attempts=3, grace_seconds=60).ids)

    sweeper = threading.Thread(target=slow_sweep)
    sweeper.start()
    assert clock.entered.wait(10)  # the first sweep holds its lock and transaction
    other: list[tuple[str, ...]] = []
    racer = threading.Thread(
        target=lambda: other.append(second.sweep(max_attempts=3, grace_seconds=60).ids)
    )
    racer.start()
    racer.join(timeout=2)
    clock.released.set()
    sweeper.join(timeout=10)
    racer.join(timeout=10)
    assert results == [(job.id,)] and other == [()]
