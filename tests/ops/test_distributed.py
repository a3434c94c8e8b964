"""Acceptance: two ``cutups worker`` processes, one killed mid-job; the job finishes once.

Everything is real and on loopback: ``redis-server`` (the Celery broker), PostgreSQL 15 (the job
store), ``moto_server`` (an S3 **emulator**, standing in for AWS S3/MinIO), the API server
(``cutups serve`` in distributed mode: it only enqueues) and two worker processes sharing one
data dir (as workers on one host would). The job is slowed with the test-only
``CUTUPS_TEST_CUT_DELAY`` so it can be caught between clips.

The project's default lease settings (30 s lease renewed every 5 s, sweeps every 5 s) and
broker visibility timeout (7 h): the killed worker's job comes back through its lease running
out and the sweeper, not through Redis, and completes on the other worker within 2 minutes.
"""

from __future__ import annotations

import io
import signal
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import psycopg
import pytest

from tests.api.conftest import Server, read_events, server_env, start_server, wait_job
from tests.ops.cluster import (
    DEFAULT_LEASE,
    TEST_TIMINGS,
    Worker,
    fresh_database,
    pid_of,
    start_worker,
)
from tests.ops.services import Postgres, S3Emulator
from tests.sources.fileserver import FileServer

BUCKET = "cutups-dist"
PREFIX = "ops-test"


@dataclass
class Cluster:
    server: Server
    workers: list[Worker]
    env: dict[str, str]
    s3: Any


@pytest.fixture
def cluster(
    tmp_path: Path, pg: Postgres, redis_url: str, s3: S3Emulator, cache_dir: Path
) -> Iterator[Cluster]:
    client = boto3.client("s3", endpoint_url=s3.endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    env = server_env(
        cache_dir,
        {
            **s3.env,
            "CUTUPS_DATABASE_URL": fresh_database(pg, "dist"),
            "CUTUPS_BROKER_URL": redis_url,
            "CUTUPS_STORAGE_BACKEND": "s3",
            "CUTUPS_S3_BUCKET": BUCKET,
            "CUTUPS_S3_ENDPOINT_URL": s3.endpoint,
            "CUTUPS_S3_PREFIX": PREFIX,
            "CUTUPS_TEST_CUT_DELAY": "2",
            "CUTUPS_JOBS": "1",
        },
    )
    for name in TEST_TIMINGS:  # server_env shortens them for the API tests: keep the defaults
        env.pop(name, None)
    data = tmp_path / "data"
    server = start_server(data, tmp_path / "server.log", env)
    workers: list[Worker] = []
    try:
        for n in range(2):
            workers.append(start_worker(env, data, tmp_path / f"worker{n}.log"))
        yield Cluster(server, workers, env, client)
    finally:
        for worker in workers:
            worker.stop()
        server.stop()


def test_a_killed_workers_job_finishes_once_on_the_other(
    cluster: Cluster, files: FileServer
) -> None:
    server, workers = cluster.server, cluster.workers
    with server.client() as api:
        assert api.get("/health").json()["workers"] == 0  # the server only enqueues
        fetched_before = files.count("/broadcast.mp4")  # the server is shared by the session
        r = api.post("/jobs", json={"video_url": files.url("/broadcast.mp4")})
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        # Catch it mid-cutting: at least one clip done, not all.
        job = wait_job(
            api,
            job_id,
            lambda j: j["status"] != "queued" and (j["progress"] or {}).get("clips_done", 0) >= 1,
            timeout=150,
            server=server,
        )
        assert job["status"] == "processing", job
        first = job["progress"]
        victim_pid = pid_of(_store_job(cluster, job_id)["worker_id"])
        victim = next(w for w in workers if w.proc.pid == victim_pid)
        survivor = next(w for w in workers if w is not victim)
        victim.proc.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        victim.proc.wait(10)
        while _store_job(cluster, job_id)["attempts"] < 2:  # resumed by the survivor
            assert time.monotonic() - killed_at < 2 * DEFAULT_LEASE, survivor.tail()
            time.sleep(0.2)
        resumed_after = time.monotonic() - killed_at

        done = wait_job(api, job_id, timeout=120, server=server)
        completed_after = time.monotonic() - killed_at
        assert done["status"] == "completed", f"{done}\n{survivor.tail()}"
        assert completed_after < 120, completed_after
        print(f"killed worker: resumed after {resumed_after:.1f} s, done {completed_after:.1f} s")
        events = read_events(api, job_id)

        # -- exactly once: one completed event, two attempts on two workers ------------------
        kinds = [e["event"] for e in events]
        assert kinds.count("completed") == 1 and "failed" not in kinds
        attempts = [e["data"] for e in events if e["event"] == "attempt"]
        assert len(attempts) == 2, attempts
        assert pid_of(attempts[0]["worker_id"]) == victim_pid
        assert pid_of(attempts[1]["worker_id"]) == survivor.proc.pid
        resumed = attempts[1]["resumed"]
        assert resumed["download"] is True  # the download checkpoint: fetched once
        assert len(resumed["clips"]) >= first["clips_done"] >= 1  # finished clips kept
        assert files.count("/broadcast.mp4") == fetched_before + 1

        # -- clips not duplicated ---------------------------------------------------------------
        cut_here = [e["data"]["clip"]["id"] for e in events if e["event"] == "clip_ready"]
        fresh = [
            e["data"]["clip"]["id"]
            for e in events
            if e["event"] == "clip_ready" and not e["data"]["resumed"]
        ]
        assert len(fresh) == len(set(fresh))  # no clip cut twice
        manifest_r = api.get(f"/jobs/{job_id}/manifest", follow_redirects=False)
        assert manifest_r.status_code == 302
        manifest = httpx.get(manifest_r.headers["location"]).json()
        ids = [c["id"] for c in manifest["clips"]]
        assert len(ids) == len(set(ids)) and set(ids) == set(cut_here)

        # -- artifacts in the bucket ------------------------------------------------------------
        listed = cluster.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{PREFIX}/jobs/{job_id}/")
        keys = {o["Key"].split(f"{job_id}/", 1)[1] for o in listed.get("Contents", ())}
        assert {"manifest.json", "job.zip"} <= keys
        assert {k for k in keys if k.startswith("clips/")} == {f"clips/{i}.mp4" for i in ids}
        assert {k for k in keys if k.startswith("thumbs/")} == {f"thumbs/{i}.jpg" for i in ids}

        # -- the download link works: a fresh presigned URL each time ---------------------------
        link = api.get(f"/jobs/{job_id}/download", follow_redirects=False)
        assert link.status_code == 302
        location = link.headers["location"]
        assert location.startswith(cluster.env["CUTUPS_S3_ENDPOINT_URL"])
        assert "X-Amz-Signature" in location
        archive = httpx.get(location)
        assert archive.status_code == 200 and archive.content[:2] == b"PK"
        with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
            assert "manifest.json" in z.namelist()
        clip = api.get(f"/jobs/{job_id}/clips/{ids[0]}", follow_redirects=True)
        assert clip.status_code == 200 and len(clip.content) > 1000

        # -- the surviving worker says it resumed; the API's metrics count the job ---------------
        assert "resuming a job another worker left" in survivor.tail(400)
        metrics = api.get("/metrics").text
        assert 'cutups_jobs_completed_total{status="completed"} 1.0' in metrics


def _store_job(cluster: Cluster, job_id: str) -> dict[str, Any]:
    with psycopg.connect(cluster.env["CUTUPS_DATABASE_URL"]) as conn:
        row = conn.execute(
            "SELECT worker_id, attempts FROM jobs WHERE id = %s", (job_id,)
        ).fetchone()
    assert row is not None
    return {"worker_id": row[0], "attempts": row[1]}
