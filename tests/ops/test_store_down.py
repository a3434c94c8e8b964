"""The job store down: the API answers 503 with a clear error and Retry-After, and recovers.

A real ``cutups serve`` on a PostgreSQL cluster of the test's own, stopped mid-test
(``pg_ctl stop -m fast``) and started again. While it is down, every route that needs the
store answers 503 ``store_unavailable`` (never 500, no traceback in the log), quickly once the
pool has given up waiting for it; once it is back, the same routes answer as before.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from cutups.jobs.postgres_store import store_unreachable
from tests.api.conftest import Server, server_env, start_server
from tests.ops.services import (
    Postgres,
    postgres,
    postgres_available,
    start_postgres,
    stop_postgres,
)

VIDEO = {"video_url": "http://127.0.0.1:9/game.mp4"}


@pytest.fixture
def own_pg(tmp_path: Path) -> Iterator[Postgres]:
    """A cluster this test alone stops (the session's is shared)."""
    if not postgres_available():
        pytest.skip("PostgreSQL 15 binaries or the postgres user are missing")
    with postgres(tmp_path / "pg") as server:
        yield server


@pytest.fixture
def api(tmp_path: Path, own_pg: Postgres, cache_dir: Path) -> Iterator[Server]:
    env = server_env(cache_dir, {"CUTUPS_DATABASE_URL": own_pg.url})
    server = start_server(tmp_path / "data", tmp_path / "server.log", env, workers=0)
    yield server
    server.stop()


def _unavailable(answer: httpx.Response) -> None:
    assert answer.status_code == 503, (answer.status_code, answer.text)
    assert answer.headers["retry-after"] == "5"
    error = answer.json()["error"]
    assert error["code"] == "store_unavailable"
    assert "database" in error["message"]


def test_store_down_is_503_then_recovers(api: Server, own_pg: Postgres) -> None:
    with api.client() as client:
        accepted = client.post("/jobs", json=VIDEO)
        assert accepted.status_code == 202
        job_id = accepted.json()["job_id"]
        assert client.get(f"/jobs/{job_id}").status_code == 200

        stop_postgres(own_pg)
        time.sleep(0.5)  # past the status snapshot's max age (0.25 s)
        _unavailable(client.get(f"/jobs/{job_id}"))  # the pool rides out a restart first
        started = time.monotonic()
        for answer in (
            client.get(f"/jobs/{job_id}"),
            client.get("/jobs"),
            client.post("/jobs", json=VIDEO),
            client.get(f"/jobs/{job_id}/events"),
            client.post(f"/jobs/{job_id}/cancel"),
        ):
            _unavailable(answer)
        assert time.monotonic() - started < 5, "once known down, each answer comes at once"
        assert client.get("/health/ready").status_code == 503
        assert client.get("/health").status_code == 200  # alive: not a reason to restart it

        start_postgres(own_pg)
        deadline = time.monotonic() + 20
        while client.get(f"/jobs/{job_id}").status_code != 200:
            assert time.monotonic() < deadline, "the API did not recover"
            time.sleep(0.2)
        assert client.get(f"/jobs/{job_id}").json()["status"] == "queued"
        assert client.post("/jobs", json=VIDEO).status_code == 202
        assert client.get("/jobs").json()["count"] == 2
    log = api.log.read_text()
    assert "Traceback" not in log and '"internal error' not in log
    assert "answered 503" in log


def test_which_store_errors_mean_unreachable(tmp_path: Path) -> None:
    """A locked or unopenable SQLite file is the store being away (503); a bad query is a bug
    (500), whatever the driver calls both."""
    path = tmp_path / "jobs.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    errors = []
    for query in ("BEGIN IMMEDIATE", "SELECT nonsense FROM"):
        with pytest.raises(sqlite3.OperationalError) as caught:
            other.execute(query)
        errors.append(caught.value)
    with pytest.raises(sqlite3.OperationalError) as unopenable:
        sqlite3.connect(tmp_path / "missing" / "jobs.db")
    holder.close()
    other.close()
    assert [store_unreachable(e) for e in errors] == [True, False]
    assert store_unreachable(unopenable.value)
    assert store_unreachable(psycopg.OperationalError("connection refused"))
    assert not store_unreachable(psycopg.errors.UndefinedTable("no such table"))
