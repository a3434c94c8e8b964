"""Chaos: 20 jobs over 3 workers while workers and the API are SIGKILLed and Redis and
PostgreSQL restart; every job completes exactly once.

All on loopback: ``redis-server`` (restartable here: it loses its messages, persistence is off),
PostgreSQL 15 (``pg_ctl restart -m fast`` cuts every session), ``moto_server`` (an S3
**emulator**), ``cutups serve`` in distributed mode and three ``cutups worker`` processes on one
data dir. The project's **default** lease (30 s, renewed every 5 s), sweep (5 s, 60 s grace for
unclaimed jobs) and visibility timeout (7 h) settings; jobs are slowed with the test-only
``CUTUPS_TEST_CUT_DELAY`` so that workers die mid-job.

The plan, one step every few seconds: SIGKILL a worker that runs a job (and start a new one,
as a supervisor would), SIGKILL the API (and restart it), restart Redis, restart PostgreSQL.
Jobs are submitted as earlier ones end, two in flight for three workers: a resumed job goes
ahead of the queue, but it still needs a free worker, and the 2× lease bound is about the lease
and the sweeper, not about a saturated cluster (on two shared cores a job takes 15-40 s, and a
replacement worker 5-20 s to start).
Choices are random (seeded). Two limits keep the test about what it checks: a job's worker is
killed at most once (three deaths make a poison job, failed by design after ``max_attempts``),
and Redis restarts only while no killed worker's job is waiting to be resumed (that job's
message would be lost with Redis and come back after the grace period, not within 2× the lease).

Checked: every job completed, one ``completed`` event each, no clip cut twice, every clip,
thumbnail, manifest and ZIP in the bucket, one webhook delivery per job (no duplicate
``webhook-id``), and each killed worker's job claimed again within 2× the lease.
"""

from __future__ import annotations

import json
import random
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import psycopg
import pytest

from tests.api.conftest import Server, WebhookReceiver, server_env, start_server
from tests.ops.cluster import (
    DEFAULT_LEASE,
    TEST_TIMINGS,
    Worker,
    fresh_database,
    pid_of,
    start_worker,
)
from tests.ops.services import Postgres, RestartableRedis, S3Emulator, restart_postgres
from tests.sources.fileserver import FileServer

BUCKET = "cutups-chaos"
PREFIX = "chaos"
JOBS = 20
WORKERS = 3
IN_FLIGHT = WORKERS - 1  # jobs queued or running at once: one worker is always free to resume
DEADLINE = 540.0  # seconds for the whole run (it took 150-270 s on two shared cores)
PLAN = (
    "kill_worker",
    "kill_api",
    "restart_redis",
    "kill_worker",
    "restart_postgres",
    "kill_worker",
    "kill_api",
    "kill_worker",
)


@dataclass
class Kill:
    job_id: str
    attempts: int
    at: float
    recovered_after: float | None = None


@dataclass
class Chaos:
    """The cluster and what was done to it."""

    tmp: Path
    env: dict[str, str]
    data: Path
    redis: RestartableRedis
    pg: Postgres
    server: Server
    workers: list[Worker]
    kills: list[Kill] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    started: int = 0

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def new_worker(self) -> Worker:
        self.started += 1
        worker = start_worker(self.env, self.data, self.tmp / f"worker{self.started}.log")
        self.workers.append(worker)
        return worker

    def restart_api(self) -> None:
        self.server.kill()
        self.server = start_server(self.data, self.tmp / "server.log", self.env)


_UNREAD: list[str] = []  # why the last reads of the jobs failed (for the failure message)


def _rows(url: str) -> dict[str, dict[str, Any]]:
    """Every job's status, holder and attempts, read straight from PostgreSQL (a fresh
    connection each time: the server restarts under the test); {} while it is away."""
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            rows = conn.execute("SELECT id, status, worker_id, attempts FROM jobs").fetchall()
    except psycopg.Error as exc:
        _UNREAD[:] = [str(exc)]
        return {}
    return {r[0]: {"status": r[1], "worker_id": r[2], "attempts": r[3]} for r in rows}


@pytest.fixture
def chaos(
    tmp_path: Path, pg: Postgres, s3: S3Emulator, cache_dir: Path, files: FileServer
) -> Iterator[Chaos]:
    boto3.client("s3", endpoint_url=s3.endpoint, region_name="us-east-1").create_bucket(
        Bucket=BUCKET
    )
    redis = RestartableRedis(tmp_path / "redis")
    redis.start()
    env = server_env(
        cache_dir,
        {
            **s3.env,
            "CUTUPS_DATABASE_URL": fresh_database(pg, "chaos"),
            "CUTUPS_BROKER_URL": redis.url,
            "CUTUPS_STORAGE_BACKEND": "s3",
            "CUTUPS_S3_BUCKET": BUCKET,
            "CUTUPS_S3_ENDPOINT_URL": s3.endpoint,
            "CUTUPS_S3_PREFIX": PREFIX,
            "CUTUPS_TEST_CUT_DELAY": "2",
            "CUTUPS_JOBS": "1",
        },
    )
    for name in TEST_TIMINGS:  # the project's defaults, not the API tests' short ones
        env.pop(name, None)
    data = tmp_path / "data"
    server = start_server(data, tmp_path / "server.log", env)
    run = Chaos(tmp_path, env, data, redis, pg, server, [])
    try:
        for _ in range(WORKERS):
            run.new_worker()
        yield run
    finally:
        for worker in run.workers:
            worker.stop()
        run.server.stop()
        redis.stop()


def _submit(run: Chaos, video_url: str, webhook_url: str) -> str:
    with run.server.client() as api:
        r = api.post("/jobs", json={"video_url": video_url, "webhook_url": webhook_url})
    assert r.status_code == 202, r.text
    return str(r.json()["job_id"])


def _kill_a_worker(run: Chaos, rows: dict[str, dict[str, Any]], rng: random.Random) -> bool:
    """SIGKILL a worker running a job not killed before; start a new one. False: none now."""
    killed_jobs = {k.job_id for k in run.kills}
    live = {w.proc.pid: w for w in run.workers if w.proc.poll() is None}
    busy = [
        (job_id, row)
        for job_id, row in rows.items()
        if row["status"] == "processing"
        and job_id not in killed_jobs
        and row["worker_id"]
        and pid_of(row["worker_id"]) in live
    ]
    if not busy:
        return False
    job_id, row = rng.choice(busy)
    victim = live[pid_of(row["worker_id"])]
    victim.proc.send_signal(signal.SIGKILL)
    run.kills.append(Kill(job_id, row["attempts"], time.monotonic()))
    victim.proc.wait(10)
    run.workers.remove(victim)
    run.count("worker_kills")
    run.new_worker()  # a supervisor restarts it; the job itself goes to whichever is free
    return True


def _act(run: Chaos, step: str, rows: dict[str, dict[str, Any]], rng: random.Random) -> bool:
    """Do one step of the plan; False when it must wait (nothing to kill, a recovery pending)."""
    if step == "kill_worker":
        return _kill_a_worker(run, rows, rng)
    if step == "kill_api":
        run.restart_api()
        run.count("api_kills")
    elif step == "restart_redis":
        if any(k.recovered_after is None for k in run.kills):
            return False
        run.redis.restart()
        run.count("redis_restarts")
    elif step == "restart_postgres":
        restart_postgres(run.pg)
        run.count("postgres_restarts")
    return True


def _note_recoveries(run: Chaos, rows: dict[str, dict[str, Any]]) -> None:
    now = time.monotonic()
    for kill in run.kills:
        row = rows.get(kill.job_id)
        if kill.recovered_after is None and row is not None and row["attempts"] > kill.attempts:
            kill.recovered_after = now - kill.at


def test_jobs_complete_exactly_once_through_kills_and_restarts(
    chaos: Chaos, files: FileServer
) -> None:
    run, rng = chaos, random.Random(21)
    url = run.env["CUTUPS_DATABASE_URL"]
    receiver = WebhookReceiver()
    began = time.monotonic()
    try:
        video = files.url("/broadcast.mp4")
        ids: list[str] = []
        steps, next_step_at = list(PLAN), began + 8.0
        while True:
            now = time.monotonic()
            rows = _rows(url)
            busy = [
                i for i in ids if rows.get(i, {}).get("status") in (None, "queued", "processing")
            ]
            if len(ids) < JOBS and len(busy) < IN_FLIGHT and (rows or not ids):
                ids.append(_submit(run, video, receiver.url))
            _note_recoveries(run, rows)
            done = [i for i in ids if rows.get(i, {}).get("status") in ("completed", "failed")]
            if len(done) == JOBS:
                assert not steps, f"the jobs ended before the plan did: {steps} left"
                break
            assert now - began < DEADLINE, (rows, run.counts, _UNREAD)
            if steps and now >= next_step_at and rows:
                if _act(run, steps[0], rows, rng):
                    steps.pop(0)
                next_step_at = time.monotonic() + 6.0
            time.sleep(0.5)
        wall = time.monotonic() - began
        calls = receiver.wait(JOBS, timeout=60)
    finally:
        receiver.close()

    figures = _check(run, ids, calls, url)
    figures.update(run.counts, jobs=JOBS, workers=WORKERS, seconds=round(wall, 1))
    print("CHAOS " + json.dumps(figures, sort_keys=True))
    (run.tmp / "chaos.json").write_text(json.dumps(figures, indent=2))


def _check(
    run: Chaos, ids: list[str], calls: list[tuple[dict[str, str], bytes]], url: str
) -> dict[str, Any]:
    rows = _rows(url)
    assert len(ids) == JOBS == len(set(ids))
    lost = sum(rows[i]["status"] != "completed" for i in ids)
    assert lost == 0, rows
    with psycopg.connect(url) as conn:
        events = conn.execute(
            "SELECT job_id, type, data FROM events ORDER BY job_id, seq"
        ).fetchall()
    duplicates = 0
    for job_id in ids:
        mine = [(t, json.loads(d)) for j, t, d in events if j == job_id]
        assert [t for t, _ in mine].count("completed") == 1
        fresh = [d["clip"]["id"] for t, d in mine if t == "clip_ready" and not d["resumed"]]
        duplicates += len(fresh) - len(set(fresh))
        _check_bucket(run, job_id)
    webhook_ids = [headers["webhook-id"] for headers, _ in calls]
    duplicates += len(webhook_ids) - len(set(webhook_ids))
    assert duplicates == 0
    assert set(webhook_ids) == {f"msg_{i}_completed" for i in ids}  # none lost
    recoveries = [k.recovered_after for k in run.kills]
    assert run.counts.get("worker_kills", 0) >= 4 and run.counts.get("api_kills") == 2
    assert all(r is not None and r <= 2 * DEFAULT_LEASE for r in recoveries), recoveries
    return {
        "longest_recovery_s": round(max(r for r in recoveries if r is not None), 1),
        "recoveries_s": [round(r or 0, 1) for r in recoveries],
        "duplicates": duplicates,
        "lost": lost,
        "webhooks": len(webhook_ids),
    }


def _check_bucket(run: Chaos, job_id: str) -> None:
    client = boto3.client(
        "s3", endpoint_url=run.env["CUTUPS_S3_ENDPOINT_URL"], region_name="us-east-1"
    )
    base = f"{PREFIX}/jobs/{job_id}/"
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=base)
    keys = {o["Key"].removeprefix(base) for o in listed.get("Contents", ())}
    assert {"manifest.json", "job.zip"} <= keys, keys
    manifest = json.loads(
        client.get_object(Bucket=BUCKET, Key=base + "manifest.json")["Body"].read()
    )
    clips = [c["id"] for c in manifest["clips"]]
    assert clips and len(clips) == len(set(clips))
    assert {k for k in keys if k.startswith("clips/")} == {f"clips/{c}.mp4" for c in clips}
    assert {k for k in keys if k.startswith("thumbs/")} == {f"thumbs/{c}.jpg" for c in clips}
