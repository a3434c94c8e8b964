"""Data-dir layout, disk checks and the uploads folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cutups.storage.artifacts import LocalArtifacts
from cutups.storage.layout import DataLayout, InsufficientStorageError, ensure_free, free_bytes
from cutups.storage.uploads import TooLargeError, UploadStore


def test_layout_refuses_ids_that_would_leave_the_data_dir(tmp_path: Path) -> None:
    layout = DataLayout(tmp_path)
    assert layout.out_dir("0123456789ab") == tmp_path / "jobs" / "0123456789ab" / "out"
    for bad in ("../etc", "a/b", "", "ABCDEF123456", "0123456789ab/.."):
        with pytest.raises(ValueError):
            layout.job_dir(bad)


def test_disk_checks(tmp_path: Path) -> None:
    assert free_bytes(tmp_path / "not" / "yet") == free_bytes(tmp_path)
    ensure_free(tmp_path, 1024, 0)
    with pytest.raises(InsufficientStorageError, match="CUTUPS_MIN_FREE_BYTES"):
        ensure_free(tmp_path, 1024, free_bytes(tmp_path))


def test_upload_lifecycle(tmp_path: Path) -> None:
    store = UploadStore(tmp_path / "uploads")
    writer = store.begin("video", max_bytes=10, reserve=0)
    writer.filename = "game.mp4"
    writer.write(b"12345")
    assert store.info(writer.upload_id) is None  # not usable until committed
    info = writer.commit({"duration": 1.0})
    assert store.info(info.upload_id) == info and info.size == 5
    assert store.path(info.upload_id) == tmp_path / "uploads" / info.upload_id / "data"
    assert store.path("../../etc") is None and store.info("nothex!") is None


def test_upload_limit_and_abort(tmp_path: Path) -> None:
    store = UploadStore(tmp_path / "uploads")
    writer = store.begin("video", max_bytes=10, reserve=0)
    writer.write(b"123456")
    with pytest.raises(TooLargeError):
        writer.write(b"123456")
    writer.abort()
    assert list((tmp_path / "uploads").iterdir()) == []


def test_old_uploads_expire(tmp_path: Path) -> None:
    store = UploadStore(tmp_path / "uploads")
    old = store.begin("pbp", max_bytes=100, reserve=0)
    old.write(b"[]")
    old_info = old.commit({})
    fresh = store.begin("pbp", max_bytes=100, reserve=0)
    fresh.write(b"[]")
    fresh_info = fresh.commit({})
    meta = tmp_path / "uploads" / old_info.upload_id / "meta.json"
    meta.write_text(meta.read_text().replace(str(old_info.created), str(time.time() - 7200)))
    stale = store.begin("video", max_bytes=100, reserve=0)  # never committed, long ago
    stale.close_file()
    os.utime(stale.path, (time.time() - 7200,) * 2)
    gone = store.expire(time.time() - 3600)
    assert sorted(gone) == sorted([old_info.upload_id, stale.upload_id])
    assert store.info(fresh_info.upload_id) is not None


def test_local_artifacts(tmp_path: Path) -> None:
    layout = DataLayout(tmp_path)
    out = layout.out_dir("0123456789ab")
    out.mkdir(parents=True)
    (out / "reel.mp4").write_bytes(b"x")
    (out / "job.zip").write_bytes(b"x")
    artifacts = LocalArtifacts(layout)
    urls = artifacts.publish("0123456789ab", out)
    assert urls == {
        "manifest_url": "/jobs/0123456789ab/manifest",
        "archive_url": "/jobs/0123456789ab/download",
        "reel_url": "/jobs/0123456789ab/files/reel.mp4",
    }
    assert artifacts.exists("0123456789ab", "job.zip")
    assert not artifacts.exists("0123456789ab", "manifest.json")
