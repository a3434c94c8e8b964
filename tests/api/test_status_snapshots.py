"""Status polls from snapshots: one store read serves many polls, never an answer older than one
already given, writes made in the API's process shown at once, others within the max age.

A real uvicorn server on loopback, in this process so the store's reads can be counted. Another
store object on the same SQLite file stands for another process (a ``cutups worker``): its
writes are not announced to the API's store, as another process's would not be. (The server's
store is then declared shared, as PostgreSQL is: a server's own SQLite file is its alone.)
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from cutups.api.app import create_app
from cutups.api.schemas import job_public
from cutups.jobs.service import Service
from cutups.jobs.sqlite_store import SqliteJobStore
from cutups.settings import Settings

from .in_thread import ServedService, serve_service

KEY = "poll-key"


class _SharedSqlite(SqliteJobStore):
    """The SQLite store, declared written by other processes too (as PostgreSQL is)."""

    SHARED = True


def _serve(tmp_path: Path, *, shared: bool = False, **settings: Any) -> Iterator[ServedService]:
    config = Settings(
        CUTUPS_DATA_DIR=tmp_path,
        CUTUPS_CACHE_DIR=tmp_path / "cache",
        CUTUPS_MIN_FREE_BYTES=0,
        CUTUPS_ALLOW_PRIVATE_URLS=True,
        **settings,
    )
    store = _SharedSqlite(tmp_path / "jobs.db") if shared else None
    with serve_service(config, store) as served:
        yield served


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServedService]:
    """The server's own SQLite store: only announced writes refresh its snapshots."""
    yield from _serve(tmp_path)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[ServedService]:
    """A shared store; snapshots kept 0.2 s."""
    yield from _serve(tmp_path, shared=True, CUTUPS_STATUS_MAX_AGE=0.2)


def _submit(served: ServedService) -> str:
    job, _ = served.service.submit({"video_url": "http://127.0.0.1:9/game.mp4"})
    return job.id


def test_writes_in_the_api_process_show_at_once(served: ServedService) -> None:
    store = served.service.store
    job_id = _submit(served)
    with served.client() as client:
        assert client.get(f"/jobs/{job_id}").json()["status"] == "queued"
        assert store.claim("w1", 30) is not None
        assert client.get(f"/jobs/{job_id}").json()["status"] == "processing"
        assert store.update_progress(job_id, "w1", pct=40.0, detail="cutting")
        seen = client.get(f"/jobs/{job_id}").json()
        assert (seen["pct"], seen["detail"]) == (40.0, "cutting")
        served.service.cancel(job_id)  # what POST /cancel does (which then waits for a worker)
        assert client.get(f"/jobs/{job_id}").json()["cancel_requested"] is True


def test_many_polls_share_one_read(served: ServedService) -> None:
    job_id = _submit(served)
    served.count_reads("get")

    async def polls() -> list[int]:
        async with httpx.AsyncClient(base_url=served.url, timeout=10) as client:
            answers = await asyncio.gather(*(client.get(f"/jobs/{job_id}") for _ in range(64 * 5)))
        return [a.status_code for a in answers]

    assert asyncio.run(polls()) == [200] * 320
    assert served.reads <= 2, served.reads  # one per snapshot: 320 polls before, 320 reads


def test_the_fast_answer_is_the_routes_answer(served: ServedService) -> None:
    job_id = _submit(served)
    job = served.service.store.get(job_id)
    assert job is not None
    with served.client() as client:
        answer = client.get(f"/jobs/{job_id}")
        assert answer.headers["content-type"] == "application/json"
        assert answer.json() == json.loads(job_public(job, served.url).model_dump_json())
        missing = client.get("/jobs/0123456789ab")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"
        assert client.get("/jobs/not%20an%20id").status_code == 404
        assert client.get(f"/jobs/{job_id}/").status_code == 307  # the app's own redirect


def test_other_processes_writes_show_within_the_max_age_and_never_backwards(
    fresh: ServedService, tmp_path: Path
) -> None:
    job_id = _submit(fresh)
    other = SqliteJobStore(tmp_path / "jobs.db")  # another process's store: not announced
    seen: list[tuple[float, float]] = []
    stop = threading.Event()

    def poll() -> None:
        with fresh.client() as client:
            while not stop.is_set():
                seen.append((time.monotonic(), client.get(f"/jobs/{job_id}").json()["pct"]))

    poller = threading.Thread(target=poll)
    try:
        assert other.claim("elsewhere", 30) is not None
        poller.start()
        for pct in range(1, 41):
            assert other.update_progress(job_id, "elsewhere", pct=float(pct))
            time.sleep(0.01)
        last_write = time.monotonic()
        time.sleep(0.8)
    finally:
        stop.set()
        poller.join(10)
        other.close()
    pcts = [pct for _, pct in seen]
    assert pcts == sorted(pcts), "a poll answered an older state than an earlier one"
    shown = next(at for at, pct in seen if pct == 40.0)
    assert shown - last_write <= 0.2 + 0.3, shown - last_write  # max age + a read, with slack


def test_api_keys_hold_on_the_fast_path(tmp_path: Path) -> None:
    for served in _serve(tmp_path, CUTUPS_API_KEYS=KEY):
        job_id = _submit(served)
        with served.client() as client:
            refused = client.get(f"/jobs/{job_id}")
            assert refused.status_code == 401
            assert refused.json()["error"]["code"] == "unauthorized"
            wrong = client.get(f"/jobs/{job_id}", headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
            ok = client.get(f"/jobs/{job_id}", headers={"Authorization": f"Bearer {KEY}"})
            assert ok.status_code == 200
            assert ok.json()["job_id"] == job_id


def test_a_client_without_the_lifespan_sees_writes_at_once(tmp_path: Path) -> None:
    """A test client used without ``with`` runs each request on an event loop of its own and
    never runs the lifespan: the snapshots listen from the first poll on each loop."""
    config = Settings(CUTUPS_DATA_DIR=tmp_path, CUTUPS_MIN_FREE_BYTES=0)
    service = Service(config, workers=0)
    service.start()
    try:
        client = TestClient(create_app(config, service=service))
        job, _ = service.submit({"video_url": "https://example.com/game.mp4"})
        assert client.get(f"/jobs/{job.id}").json()["status"] == "queued"
        assert service.store.claim("w1", 30) is not None
        assert client.get(f"/jobs/{job.id}").json()["status"] == "processing"
        assert service.store.update_progress(job.id, "w1", pct=12.0)
        assert client.get(f"/jobs/{job.id}").json()["pct"] == 12.0
    finally:
        service.stop()
