"""PostgreSQL-only behaviour beyond the shared contract (tests/jobs/test_store_contract.py).

A real PostgreSQL 15 on loopback (session fixture ``pg``).
"""

from __future__ import annotations

import threading
import time
import uuid

import psycopg
import pytest

from cutups.jobs.models import JobStatus
from cutups.jobs.pg_pool import ConnectionPool
from cutups.jobs.postgres_store import APPLICATION_NAME, PostgresJobStore, open_store
from cutups.settings import Settings
from tests.jobs.claim_race import claim_all_racing
from tests.ops.services import Postgres

REQ = {"video_url": "https://example.com/game.mp4"}


def test_two_stores_never_share_a_job(pg: Postgres) -> None:
    """SKIP LOCKED claims across connections (as across processes)."""
    schema = f"s_{uuid.uuid4().hex[:10]}"
    stores = [PostgresJobStore(pg.url, schema=schema) for _ in range(2)]
    ids = {stores[0].create(REQ)[0].id for _ in range(40)}
    claimed = claim_all_racing(stores, workers=6)
    for s in stores:
        s.close()
    assert sorted(claimed) == sorted(ids)


def test_claim_id_takes_only_a_runnable_job(pg: Postgres) -> None:
    now = [1000.0]
    store = PostgresJobStore(pg.url, clock=lambda: now[0], schema=f"s_{uuid.uuid4().hex[:10]}")
    job, _ = store.create(REQ)
    taken = store.claim_id(job.id, "a", 10)
    assert taken is not None and taken.worker_id == "a" and taken.attempts == 1
    assert store.claim_id(job.id, "b", 10) is None  # a live lease: a duplicate message waits
    now[0] += 11
    again = store.claim_id(job.id, "b", 10)
    assert again is not None and again.worker_id == "b" and again.attempts == 2
    assert store.finish(job.id, JobStatus.COMPLETED, worker_id="b") is not None
    now[0] += 100
    assert store.claim_id(job.id, "c", 10) is None  # finished: redelivery is a no-op
    assert store.claim_id("nope", "c", 10) is None
    store.close()


def test_open_store_picks_postgres_from_the_url(pg: Postgres, tmp_path: object) -> None:
    from pathlib import Path

    settings = Settings(CUTUPS_DATABASE_URL=pg.url)
    store = open_store(settings, Path(str(tmp_path)) / "jobs.db")
    assert isinstance(store, PostgresJobStore) and store.ping()
    store.close()


def test_a_small_pool_serves_many_threads(pg: Postgres) -> None:
    """Threads beyond the pool wait their turn for a connection: every claim and read lands."""
    store = PostgresJobStore(pg.url, schema=f"s_{uuid.uuid4().hex[:10]}", pool_size=2)
    ids = {store.create(REQ)[0].id for _ in range(30)}
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        while (job := store.claim(f"w{n}", 60)) is not None:
            assert store.get(job.id) is not None and store.count() == 30
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert sorted(claimed) == sorted(ids)


def test_dropped_connections_are_replaced_without_a_failed_call(pg: Postgres) -> None:
    """As after a server restart: every pooled connection is gone, the next calls still work."""
    store = PostgresJobStore(pg.url, schema=f"s_{uuid.uuid4().hex[:10]}", pool_size=4)
    job, _ = store.create(REQ)
    barrier = threading.Barrier(4)

    def read() -> None:  # several connections in the pool
        barrier.wait()
        assert store.get(job.id) is not None

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ours = "SELECT {} FROM pg_stat_activity WHERE application_name = %s"
    with psycopg.connect(pg.url, autocommit=True) as admin:
        killed = admin.execute(
            ours.format("count(pg_terminate_backend(pid))"), (APPLICATION_NAME,)
        ).fetchone()
        assert killed is not None and killed[0] >= 1
        # Terminating is asynchronous: wait until the backends are gone, as after a restart.
        deadline = time.monotonic() + 10
        while admin.execute(ours.format("count(*)"), (APPLICATION_NAME,)).fetchone() != (0,):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert store.ping()
    assert store.get(job.id) is not None
    assert store.claim("w", 30) is not None
    store.close()


def test_the_pool_lends_at_most_size_connections(pg: Postgres) -> None:
    """A full pool makes the next borrower wait for a returned connection, then time out."""
    pool = ConnectionPool(lambda: psycopg.connect(pg.url, autocommit=True), size=1, timeout=1.0)
    got: list[psycopg.Connection[object]] = []

    def borrow() -> None:
        with pool.connection() as conn:
            got.append(conn)

    with pool.connection() as first:
        with pytest.raises(psycopg.OperationalError, match="no free database connection"):
            borrow()
        waiter = threading.Thread(target=borrow)
        waiter.start()
        time.sleep(0.1)
        assert got == []  # still waiting: the only connection is lent
    waiter.join(timeout=5)
    assert got == [first]  # handed over, not a second connection
    pool.close()
    assert first.closed
    with pytest.raises(psycopg.OperationalError, match="closed"):
        borrow()
