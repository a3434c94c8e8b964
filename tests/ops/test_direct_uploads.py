"""Source-direct uploads (seed 001): the client PUTs the video straight to the bucket with an
ephemeral presigned URL, and a worker that shares no disk with the API runs the job from it.

Real and on loopback: ``moto_server`` (an S3 **emulator**, standing in for S3/MinIO), and for
the end-to-end test PostgreSQL, ``redis-server``, ``cutups serve`` and one ``cutups worker``,
each with its own data dir (and the worker its own analysis cache).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config

from cutups.api.app import create_app
from cutups.jobs.service import Service
from cutups.settings import Settings
from cutups.sources import FetchContext, PresignedUrlSource, source_for
from cutups.sources.ssrf import PrivateAddressError
from cutups.storage.direct_uploads import BucketUploads
from cutups.storage.s3 import S3Artifacts
from cutups.storage.uploads import TooLargeError
from cutups_testkit import GeneratedBroadcast
from tests.api.conftest import read_events, server_env, start_server, wait_job
from tests.ops.cluster import fresh_database, start_worker
from tests.ops.services import Postgres, S3Emulator

with warnings.catch_warnings():  # starlette asks for `httpx2`; the installed httpx works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

BUCKET = "cutups-direct"
PREFIX = "direct"


@pytest.fixture
def bucket(s3: S3Emulator) -> Iterator[Any]:
    client = boto3.client(
        "s3",
        endpoint_url=s3.endpoint,
        region_name="us-east-1",
        config=Config(signature_version="s3v4"),
    )
    client.create_bucket(Bucket=BUCKET)
    yield client


def s3_settings(s3: S3Emulator, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "storage_backend": "s3",
        "s3_bucket": BUCKET,
        "s3_endpoint_url": s3.endpoint,
        "s3_prefix": PREFIX,
    }
    return Settings(**{**values, **extra})


def stored(client: Any, prefix: str) -> set[str]:
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return {str(o["Key"]) for o in listed.get("Contents", ())}


def test_direct_upload_lifecycle_and_expiry(tmp_path: Path, s3: S3Emulator, bucket: Any) -> None:
    settings = s3_settings(s3, upload_ttl_hours=2, s3_upload_url_seconds=60, max_upload_bytes=1000)
    uploads = BucketUploads(S3Artifacts(settings), settings)
    made = uploads.begin("game.mp4")
    assert made.expires_at == pytest.approx(time.time() + 60, abs=5)
    assert uploads.announced(made.upload_id) and uploads.info(made.upload_id) is None
    assert httpx.put(made.upload_url, content=b"v" * 500).status_code == 200
    info = uploads.info(made.upload_id)
    assert info is not None and (info.size, info.filename, info.kind) == (500, "game.mp4", "video")

    seen: list[int] = []
    got = tmp_path / "got.mp4"
    assert uploads.fetch(made.upload_id, got, lambda done, total: seen.append(done)) == 500
    assert got.read_bytes() == b"v" * 500 and seen[-1] == 500
    assert uploads.fetch("0123456789abcdef", got, lambda d, t: None) is None
    assert not uploads.announced("../../etc") and uploads.info("../x") is None

    big = uploads.begin("big.mp4")  # a presigned PUT cannot bound the size: checked on reading
    assert httpx.put(big.upload_url, content=b"v" * 2000).status_code == 200
    with pytest.raises(TooLargeError, match="limit of 1000"):
        uploads.fetch(big.upload_id, tmp_path / "big.mp4", lambda d, t: None)

    never = uploads.begin("never.mp4")  # announced, never uploaded
    now = time.time()
    assert uploads.expire(now) == []
    # its URL (60 s) and the grace for a PUT in flight (1 h) are over; the others are kept 2 h
    assert uploads.expire(now + 3700) == [never.upload_id]
    assert sorted(uploads.expire(now + 7300)) == sorted([made.upload_id, big.upload_id])
    assert stored(bucket, f"{PREFIX}/uploads/") == set()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("backend", ["local", "s3"])
def test_direct_upload_requests_are_checked(
    tmp_path: Path, s3: S3Emulator, bucket: Any, backend: str
) -> None:
    settings = s3_settings(
        s3,
        storage_backend=backend,
        data_dir=tmp_path / "data",
        min_free_bytes=0,
        max_upload_bytes=1000,
    )
    service = Service(settings, workers=0)
    service.start()
    try:
        with TestClient(create_app(settings, service=service)) as api:
            if backend == "local":  # the multipart form is the way here
                r = api.post("/upload", json={"filename": "game.mp4"})
                assert r.status_code == 422, r.text
                assert r.json()["error"]["code"] == "direct_upload_unavailable"
                return
            r = api.post("/upload", json={"filename": "game.mp4", "colour": "red"})
            assert r.status_code == 422 and "colour" in r.text
            assert api.post("/upload", json={"size": 5000}).status_code == 413
            assert api.post("/upload?kind=pbp", json={}).status_code == 422
            assert api.post("/upload", json={"filename": "x" * 20_000}).status_code == 413
            missing = api.post("/jobs", json={"upload_id": "0123456789abcdef"})
            assert missing.status_code == 422, missing.text

            made = api.post("/upload", json={"filename": "game.mp4"}).json()
            assert httpx.put(made["upload_url"], content=b"v" * 5000).status_code == 200
            r = api.post("/jobs", json={"upload_id": made["upload_id"]})
            assert r.status_code == 413 and "limit of 1000" in r.text
    finally:
        service.stop()


def test_a_presigned_source_stays_behind_the_ssrf_guard(
    tmp_path: Path, s3: S3Emulator, bucket: Any
) -> None:
    """A job's ``presigned_url`` is fetched through the guard even when it points at the very
    bucket the service uses: the service reaches that with its credentials, never by URL."""
    bucket.put_object(Bucket=BUCKET, Key="elsewhere/game.mp4", Body=b"v" * 100)
    url = bucket.generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": "elsewhere/game.mp4"}, ExpiresIn=600
    )
    assert source_for(url) is PresignedUrlSource
    guarded = PresignedUrlSource(FetchContext(Settings()))
    with pytest.raises(PrivateAddressError, match=r"presigned URL points to 127\.0\.0\.1"):
        guarded.fetch(url, tmp_path / "refused.mp4")
    assert not (tmp_path / "refused.mp4").exists()
    allowed = PresignedUrlSource(FetchContext(Settings(allow_private_urls=True)))
    fetched = allowed.fetch(url, tmp_path / "allowed.mp4")
    assert fetched.size == 100


def test_direct_upload_is_run_by_a_worker_that_shares_no_disk_with_the_api(
    tmp_path: Path,
    pg: Postgres,
    redis_url: str,
    s3: S3Emulator,
    bucket: Any,
    cache_dir: Path,
    broadcast: GeneratedBroadcast,
) -> None:
    env = server_env(
        cache_dir,
        {
            **s3.env,
            "CUTUPS_DATABASE_URL": fresh_database(pg, "direct"),
            "CUTUPS_BROKER_URL": redis_url,
            "CUTUPS_STORAGE_BACKEND": "s3",
            "CUTUPS_S3_BUCKET": BUCKET,
            "CUTUPS_S3_ENDPOINT_URL": s3.endpoint,
            "CUTUPS_S3_PREFIX": PREFIX,
            "CUTUPS_ALLOW_PRIVATE_URLS": "false",  # the bucket is on loopback: not needed
            "CUTUPS_JOBS": "1",
        },
    )
    api_dir, worker_dir = tmp_path / "api", tmp_path / "worker"
    server = start_server(api_dir, tmp_path / "server.log", env)
    worker_env = {**env, "CUTUPS_CACHE_DIR": str(tmp_path / "worker-cache")}
    worker = start_worker(worker_env, worker_dir, tmp_path / "worker.log")
    try:
        with server.client() as api:
            video = broadcast.video.read_bytes()
            r = api.post("/upload", json={"filename": "game.mp4", "size": len(video)})
            assert r.status_code == 201, r.text
            made = r.json()
            assert made["method"] == "PUT" and made["expires_in"] == 3600
            upload_id = made["upload_id"]
            early = api.post("/jobs", json={"upload_id": upload_id})
            assert early.status_code == 422 and "PUT it to its upload_url" in early.text

            assert httpx.put(made["upload_url"], content=video).status_code == 200
            r = api.post("/jobs", json={"upload_id": upload_id})
            assert r.status_code == 202, r.text
            job_id = r.json()["job_id"]
            done = wait_job(api, job_id, timeout=240, server=server)
            assert done["status"] == "completed", f"{done}\n{worker.tail()}"
            manifest_url = api.get(f"/jobs/{job_id}/manifest", follow_redirects=False)
            manifest = httpx.get(manifest_url.headers["location"]).json()
            events = read_events(api, job_id)
        attempt = next(e["data"] for e in events if e["event"] == "attempt")
        assert f"-{worker.proc.pid}-" in attempt["worker_id"]
        fetched = next(
            e["data"]
            for e in events
            if e["event"] == "checkpoint" and e["data"]["name"] == "download"
        )
        assert fetched["handler"] == "upload" and fetched["size"] == len(video)
        ids = [c["id"] for c in manifest["clips"]]
        assert ids
        keys = stored(bucket, f"{PREFIX}/jobs/{job_id}/")
        names = {k.split(f"{job_id}/", 1)[1] for k in keys}
        assert {"manifest.json", "job.zip"} <= names
        assert {n for n in names if n.startswith("clips/")} == {f"clips/{i}.mp4" for i in ids}
        assert not {n for n in names if n.startswith("checkpoint/")}
        # The video never touched the API's disk; the worker read it from the bucket.
        assert list((api_dir / "uploads").iterdir()) == []
        assert not (api_dir / "jobs" / job_id).exists()

        # A multipart upload to the server still works: in distributed mode the server copies
        # the video to the bucket, so the worker (without the server's disk) can read it.
        with server.client() as api:
            r = api.post("/upload", files={"file": ("again.mp4", video, "video/mp4")})
            assert r.status_code == 201, r.text
            r = api.post("/jobs", json={"upload_id": r.json()["upload_id"]})
            assert r.status_code == 202, r.text
            again = wait_job(api, r.json()["job_id"], timeout=240, server=server)
            assert again["status"] == "completed", f"{again}\n{worker.tail()}"
            assert again["result"]["clips"] == len(ids)
    finally:
        worker.stop()
        server.stop()
