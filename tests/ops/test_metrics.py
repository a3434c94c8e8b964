"""``GET /metrics`` on a real server: run one job, scrape, and the seed's metrics have moved.

Also: every log line written while the job ran carries its id (JSON logs).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import server_env, start_server, wait_job
from tests.sources.fileserver import FileServer


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _observed_finish(
    api: httpx.Client, timeout: float = 10.0
) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The metrics once the worker has recorded the finished job: the job's status is stored
    first and its clips and timings are counted just after, so a poll can fall in between."""
    deadline = time.monotonic() + timeout
    while True:
        samples = _samples(api.get("/metrics").text)
        key = ("cutups_jobs_finished_here_total", (("status", "completed"),))
        if samples.get(key, 0) >= 1 or time.monotonic() > deadline:
            return samples
        time.sleep(0.05)


def test_metrics_move_when_a_job_runs(tmp_path: Path, cache_dir: Path, files: FileServer) -> None:
    server = start_server(tmp_path / "data", tmp_path / "server.log", server_env(cache_dir))
    try:
        with server.client() as api:
            before = api.get("/metrics")
            assert before.status_code == 200
            assert before.headers["content-type"].startswith("text/plain")
            b = _samples(before.text)
            assert b[("cutups_jobs_submitted_total", ())] == 0
            r = api.post("/jobs", json={"video_url": files.url("/broadcast.mp4")})
            job_id = r.json()["job_id"]
            job = wait_job(api, job_id, timeout=150, server=server)
            assert job["status"] == "completed", job
            a = _observed_finish(api)
        clips = job["result"]["clips"]
        assert clips >= 1
        assert a[("cutups_jobs_submitted_total", ())] == 1
        assert a[("cutups_jobs_completed_total", (("status", "completed"),))] == 1
        assert a[("cutups_jobs_completed_total", (("status", "failed"),))] == 0
        assert a[("cutups_job_queue_depth", ())] == 0
        assert a[("cutups_clips_generated_total", ())] == clips
        assert a[("cutups_clip_confidence_score_count", ())] == clips
        assert a[("cutups_job_duration_seconds_count", (("stage", "total"),))] == 1
        assert a[("cutups_job_duration_seconds_count", (("stage", "cutting"),))] == 1
        assert a[("cutups_job_duration_seconds_sum", (("stage", "analysing"),))] > 0
        assert ("cutups_ffmpeg_processes_active", ()) in a
        assert a[("cutups_disk_space_used_bytes", ())] > 0
        assert ("cutups_api_calls_total", (("service", "cfbd"),)) in a
        assert a[("cutups_jobs_finished_here_total", (("status", "completed"),))] == 1
        # JSON logs: the job's lines carry its id
        lines = [json.loads(x) for x in server.log.read_text().splitlines() if x.startswith("{")]
        about = [x for x in lines if x.get("job_id") == job_id]
        msgs = " | ".join(x["msg"] for x in about)
        assert re.search(r"claimed", msgs) and "job completed" in msgs, msgs
    finally:
        server.stop()


def test_metrics_can_be_turned_off(tmp_path: Path, cache_dir: Path) -> None:
    env = server_env(cache_dir, {"CUTUPS_METRICS_ENABLED": "false"})
    server = start_server(tmp_path / "data", tmp_path / "server.log", env, workers=0)
    try:
        assert httpx.get(f"{server.url}/metrics").status_code == 404
    finally:
        server.stop()
