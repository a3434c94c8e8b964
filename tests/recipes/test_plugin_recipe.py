"""A recipe registered by the test suite runs through ``cutups run`` and ``POST /jobs``.

Nothing in the service knows it: the server and the CLI load it from
``CUTUPS_RECIPE_MODULES``, like any installation adding its own recipe. (The distributed
worker's run of the same recipe is in ``tests/ops/test_plugin_recipe_worker.py``.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cutups_testkit import GeneratedBroadcast
from tests.api.conftest import Server, server_env, start_server, wait_job
from tests.sources.fileserver import FileServer

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = {"CUTUPS_RECIPE_MODULES": "tests.recipes.tiny_recipe", "PYTHONPATH": str(ROOT)}


def manifest_duration(broadcast: GeneratedBroadcast) -> float:
    from cutups.media.probe import probe

    return probe(broadcast.video, keyframes=False).duration


def _clip_starts(manifest: dict[str, object]) -> list[float]:
    clips = manifest["clips"]
    assert isinstance(clips, list)
    return [float(c["start"]) for c in clips]


def test_cutups_run_runs_a_plugged_in_recipe(broadcast: GeneratedBroadcast, tmp_path: Path) -> None:
    env = {**os.environ, **PLUGIN}
    argv = [sys.executable, "-m", "cutups.cli", "run", str(broadcast.video), "--recipe", "every"]
    argv += ["--every", "30", "--length", "4", "--out", str(tmp_path / "out")]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["recipe"] == "every"
    assert _clip_starts(manifest) == [30.0 * n for n in range(len(manifest["clips"]))]
    assert len(manifest["clips"]) == int((manifest_duration(broadcast) - 4) // 30) + 1
    for clip in manifest["clips"]:
        assert (tmp_path / "out" / clip["file"]).stat().st_size > 0
        assert abs(clip["duration"] - 4.0) < 0.1


def test_cutups_run_checks_a_plugged_in_recipes_flags(tmp_path: Path) -> None:
    env = {**os.environ, **PLUGIN}
    argv = [sys.executable, "-m", "cutups.cli", "run", "x.mp4", "--recipe", "every"]
    argv += ["--every", "-1", "--out", str(tmp_path)]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "--every" in proc.stderr and "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def plugin_server(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("plugin")
    srv = start_server(root / "data", root / "server.log", server_env(cache_dir, PLUGIN))
    yield srv
    srv.stop()


def test_post_jobs_runs_a_plugged_in_recipe(plugin_server: Server, files: FileServer) -> None:
    with plugin_server.client() as api:
        listed = {r["name"]: r for r in api.get("/recipes").json()}
        assert {"plays", "every"} <= set(listed)
        assert "every" in listed["every"]["options_schema"]["properties"]
        body = {
            "recipe": "every",
            "video_url": files.url("/broadcast.mp4"),
            "options": {"every": 40, "length": 3},
        }
        r = api.post("/jobs", json=body)
        assert r.status_code == 202, r.text
        job = wait_job(api, r.json()["job_id"], server=plugin_server)
        assert job["status"] == "completed", job
        manifest = api.get(f"/jobs/{job['job_id']}/manifest").json()
    assert manifest["recipe"] == "every"
    assert _clip_starts(manifest) == [40.0 * n for n in range(len(manifest["clips"]))]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"recipe": "nonsense"}, "unknown recipe 'nonsense'"),
        ({"recipe": "every", "options": {"evry": 3}}, "evry: unknown option"),
        ({"recipe": "every", "options": {"length": 0}}, "length"),
        ({"recipe": "every", "pbp": {"plays": []}}, "does not use play-by-play"),
        ({"options": {"play_padding_pre": 2, "colour": "red"}}, "colour: unknown option"),
    ],
)
def test_post_jobs_refuses_bad_recipes_and_options(
    plugin_server: Server, files: FileServer, body: dict[str, object], message: str
) -> None:
    with plugin_server.client() as api:
        r = api.post("/jobs", json={"video_url": files.url("/broadcast.mp4"), **body})
    assert r.status_code == 422, r.text
    assert message in r.json()["error"]["message"]
