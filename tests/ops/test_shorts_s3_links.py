"""With S3 storage, a shorts job's ``transcript.json`` and ``plan.json`` go up beside its clips,
and the links ``GET /ai-clipping/jobs/{id}`` hands out for them (``transcript_url``,
``plan_url``, each clip's ``s3_url``) fetch them straight from the bucket, with no header
(moto's S3 emulator on loopback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import httpx
import pytest
from botocore.config import Config  # type: ignore[import-untyped]

from cutups.api.routes.ai_clipping import output_links
from cutups.settings import Settings
from cutups.storage.s3 import S3Artifacts
from tests.ops.services import S3Emulator

BUCKET = "cutups-shorts"
JOB = "job-shorts-1"


@pytest.fixture
def store(s3: S3Emulator) -> S3Artifacts:
    client = boto3.client(
        "s3", endpoint_url=s3.endpoint, region_name="us-east-1",
        config=Config(signature_version="s3v4"),
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    settings = Settings(
        storage_backend="s3", s3_bucket=BUCKET, s3_endpoint_url=s3.endpoint, s3_prefix="p"
    )
    return S3Artifacts(settings)


def _shorts_output(out: Path) -> dict[str, Any]:
    """The files a shorts job leaves (small stand-ins for the clip's bytes)."""
    files: dict[str, Any] = {
        "transcript.json": {"segments": [{"words": [{"text": "hello", "start": 0.5}]}]},
        "plan.json": {"clips": [{"start": 0.4, "end": 18.2, "score": 0.7}]},
        "manifest.json": {"clips": [{"file": "clips/short-01.mp4"}]},
    }
    for name, data in files.items():
        (out / name).write_text(json.dumps(data))
    (out / "clips").mkdir()
    (out / "clips" / "short-01.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(64))
    return files


def test_transcript_plan_and_clips_are_uploaded_and_linked(
    tmp_path: Path, store: S3Artifacts
) -> None:
    written = _shorts_output(tmp_path)
    store.publish(JOB, tmp_path)
    for name in ("transcript.json", "plan.json", "clips/short-01.mp4"):
        assert store.exists(JOB, name), name
    link = output_links(store, Settings(api_keys=("k",)), JOB, "http://api.invalid")
    for name in ("transcript.json", "plan.json"):
        url = link(name)
        assert url.startswith(store._s3.meta.endpoint_url) and "Signature" in url
        answer = httpx.get(url)  # no API key, no header: the presigned link alone
        assert answer.status_code == 200 and answer.json() == written[name]
    clip = httpx.get(link("clips/short-01.mp4"))
    assert clip.status_code == 200
    assert clip.content == (tmp_path / "clips" / "short-01.mp4").read_bytes()


def test_local_storage_links_stay_signed_api_links(tmp_path: Path) -> None:
    from cutups.storage.artifacts import LocalArtifacts
    from cutups.storage.layout import DataLayout

    store = LocalArtifacts(DataLayout(tmp_path))
    link = output_links(store, Settings(api_keys=("k",)), JOB, "http://api")
    assert link("plan.json").startswith(f"http://api/ai-clipping/links/{JOB}/plan.json?")
    unsigned = output_links(store, Settings(), JOB, "http://api")
    assert unsigned("transcript.json") == f"http://api/ai-clipping/jobs/{JOB}/transcript.json"


def test_a_commentary_plays_every_chunk_goes_up_when_the_play_is_done(
    tmp_path: Path, store: S3Artifacts
) -> None:
    """A fast start's first play comes in several chunks: its manifest entry lists them all in
    ``chunks``, and each is uploaded with the play, not only its last (``file``)."""
    (tmp_path / "chunks").mkdir()
    names = [f"chunks/chunk_{n:04d}.mp4" for n in range(3)]
    for name in names:
        (tmp_path / name).write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(64))
    store.clip_ready(JOB, tmp_path, {"id": "clip_0", "file": names[-1], "chunks": names})
    assert all(store.exists(JOB, name) for name in names)
