"""Exports and playlists over HTTP, on a real server whose outputs go to S3 (moto's emulator).

One job over the tiny generated broadcast, with its play-by-play and team. Its exports are
downloaded and read back; then the server's local copy of the job's outputs is deleted, so the
manifest and clips must come from the bucket, as when a worker on another machine cut them.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import httpx
import opentimelineio as otio
import pytest

from cutups.media.probe import probe
from cutups.mediagen import GeneratedBroadcast
from cutups.output.exports import FORMATS
from tests.api.conftest import Server, server_env, start_server, wait_job
from tests.ops.services import moto_s3
from tests.sources.fileserver import FileServer

BUCKET = "cutups-exports"


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("exports-api")
    with moto_s3(root / "moto") as s3:
        boto3.client(
            "s3",
            endpoint_url=s3.endpoint,
            region_name="us-east-1",
            aws_access_key_id=s3.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=s3.env["AWS_SECRET_ACCESS_KEY"],
        ).create_bucket(Bucket=BUCKET)
        env = server_env(
            cache_dir,
            {
                **s3.env,
                "CUTUPS_STORAGE_BACKEND": "s3",
                "CUTUPS_S3_BUCKET": BUCKET,
                "CUTUPS_S3_ENDPOINT_URL": s3.endpoint,
            },
        )
        server = start_server(root / "data", root / "server.log", env, workers=1)
        yield server
        server.stop()


@pytest.fixture(scope="module")
def done_job(s3_server: Server, files: FileServer, broadcast: GeneratedBroadcast) -> dict[str, Any]:
    pbp = json.loads(Path(broadcast.pbp["cfbd_json"]).read_text())
    with s3_server.client() as client:
        response = client.post(
            "/jobs",
            json={
                "video_url": files.url("/broadcast.mp4"),
                "pbp": pbp,
                "options": {"team": broadcast.truth.home.name},
            },
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        early = client.get(f"/jobs/{job_id}/export", params={"format": "csv"})
        job = wait_job(client, job_id, timeout=300, server=s3_server)
        assert job["status"] == "completed", job
        manifest = client.get(f"/jobs/{job_id}/manifest", follow_redirects=True).json()
    return {"id": job_id, "early": early, "manifest": manifest}


def test_exports_download_and_read_back(s3_server: Server, done_job: dict[str, Any]) -> None:
    early = done_job["early"]
    if early.status_code != 200:  # the job was still running when asked
        assert early.status_code == 409 and early.json()["error"]["code"] == "not_ready"
    job_id, clips = done_job["id"], done_job["manifest"]["clips"]
    assert clips
    with s3_server.client() as client:
        for fmt in FORMATS.values():
            response = client.get(f"/jobs/{job_id}/export", params={"format": fmt.name})
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith(fmt.media_type)
            assert response.headers["content-disposition"] == (
                f'attachment; filename="cutups-{job_id}-{fmt.filename}"'
            )
        rows = list(csv.DictReader(io.StringIO(_export(client, job_id, "csv"), newline="")))
        assert [r["CLIP"] for r in rows] == [
            f"{s3_server.url}/jobs/{job_id}/clips/{c['id']}" for c in clips
        ]
        assert [r["DN"] for r in rows] == [str(c.get("down", "")) for c in clips]
        assert {r["ODK"] for r in rows} <= {"O", "D", "K"} and "O" in {r["ODK"] for r in rows}
        fps = float(done_job["manifest"]["source"]["fps"].split("/")[0]) / float(
            done_job["manifest"]["source"]["fps"].split("/")[1]
        )
        edl = otio.adapters.read_from_string(_export(client, job_id, "edl"), "cmx_3600", rate=fps)
        assert len(list(edl.tracks[0].find_clips())) == len(clips)


def _export(client: httpx.Client, job_id: str, fmt: str) -> str:
    response = client.get(f"/jobs/{job_id}/export", params={"format": fmt})
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/jobs/{id}/export?format=avid", 422, "unknown_format"),
        ("/jobs/{id}/export", 422, "invalid_request"),
        ("/jobs/nosuchjob/export?format=csv", 404, "not_found"),
        ("/jobs/{id}/playlists/0123456789abcdef/manifest.json", 404, "not_found"),
        ("/jobs/{id}/playlists/0123456789abcdef/..%2F..%2Fmanifest.json", 404, "not_found"),
    ],
)
def test_bad_export_requests_answer_json_errors(
    s3_server: Server, done_job: dict[str, Any], path: str, status: int, code: str
) -> None:
    with s3_server.client() as client:
        response = client.get(path.format(id=done_job["id"]))
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_playlists_from_remote_outputs(
    s3_server: Server, done_job: dict[str, Any], tmp_path: Path
) -> None:
    job_id = done_job["id"]
    # The server keeps no copy: everything it needs must come from the bucket.
    shutil.rmtree(s3_server.data_dir / "jobs" / job_id / "out", ignore_errors=True)
    clips = done_job["manifest"]["clips"]
    offense = [c for c in clips if c["bucket"] == "team_offense"]
    assert offense
    with s3_server.client() as client:
        made = client.post(f"/jobs/{job_id}/playlists", json={"where": "odk = O"})
        assert made.status_code == 201, made.text
        playlist = made.json()
        assert playlist["clip_ids"] == [c["id"] for c in offense]
        again = client.post(f"/jobs/{job_id}/playlists", json={"where": "ODK == 'o'"})
        assert again.status_code == 200 and again.json()["playlist_id"] == playlist["playlist_id"]
        reel = client.get(playlist["reel_url"])
        assert reel.status_code == 200 and reel.headers["content-type"] == "video/mp4"
        (tmp_path / "reel.mp4").write_bytes(reel.content)
        info = probe(tmp_path / "reel.mp4", keyframes=False)
        assert info.video.duration == pytest.approx(sum(c["duration"] for c in offense), abs=0.1)
        manifest = client.get(playlist["manifest_url"]).json()
        assert manifest["playlist"]["where"] == "odk = O" and manifest["reel_method"] == "copy"
        m3u = client.get(playlist["exports"]["m3u"]).text
        first_clip = next(line for line in m3u.splitlines() if line.startswith("clips/"))
        url = playlist["reel_url"].rsplit("/", 1)[0] + "/" + first_clip
        assert client.get(url).status_code == 200  # the M3U's relative links resolve
        bad = client.post(f"/jobs/{job_id}/playlists", json={"where": "down >= 3 and"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_query"
        assert "column 14" in bad.json()["error"]["message"]
        none = client.post(f"/jobs/{job_id}/playlists", json={"where": "down = 9"})
        assert none.status_code == 422 and none.json()["error"]["code"] == "no_match"
        # The export still works with only the bucket's manifest.
        assert _export(client, job_id, "csv").count("\n") == len(clips) + 1
