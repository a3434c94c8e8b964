"""A recipe registered by the test suite runs on a distributed ``cutups worker``.

Real Redis (the broker) and PostgreSQL (the job store) on loopback; the API server only
enqueues, the worker runs the job. Neither knows the recipe except through
``CUTUPS_RECIPE_MODULES``.
"""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import server_env, start_server, wait_job
from tests.ops.cluster import fresh_database, start_worker
from tests.ops.services import Postgres
from tests.recipes.test_plugin_recipe import PLUGIN
from tests.sources.fileserver import FileServer


def test_a_worker_runs_a_plugged_in_recipe(
    tmp_path: Path, pg: Postgres, redis_url: str, cache_dir: Path, files: FileServer
) -> None:
    env = server_env(
        cache_dir,
        {
            **PLUGIN,
            "CUTUPS_DATABASE_URL": fresh_database(pg, "plugin"),
            "CUTUPS_BROKER_URL": redis_url,
        },
    )
    data = tmp_path / "data"
    server = start_server(data, tmp_path / "server.log", env)
    worker = start_worker(env, data, tmp_path / "worker.log")
    try:
        with server.client() as api:
            assert api.get("/health").json()["workers"] == 0  # the server only enqueues
            body = {
                "recipe": "every",
                "video_url": files.url("/broadcast.mp4"),
                "options": {"every": 25, "length": 2},
            }
            r = api.post("/jobs", json=body)
            assert r.status_code == 202, r.text
            job = wait_job(api, r.json()["job_id"], server=server)
            assert job["status"] == "completed", f"{job}\n{worker.tail()}"
            manifest = api.get(f"/jobs/{job['job_id']}/manifest").json()
    finally:
        worker.stop()
        server.stop()
    starts = [c["start"] for c in manifest["clips"]]
    assert manifest["recipe"] == "every" and starts == [25.0 * n for n in range(len(starts))]
    assert len(starts) >= 3
