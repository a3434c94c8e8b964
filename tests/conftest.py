"""Shared fixtures. Test media is generated, never downloaded."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import cutups_testkit
from cutups.settings import default_cache_dir
from cutups_testkit import GeneratedBroadcast, generate_cached, presets
from tests.sources.fileserver import FileServer, Route, serve_files


@pytest.fixture(autouse=True)
def _no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test that logs at ERROR: errors must be raised, not just logged."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, f"unexpected ERROR logs: {[r.getMessage() for r in errors]}"


# -- session media, shared by the service, operations and web tests -----------------------------
RENDERS_ENV = "CUTUPS_TEST_RENDERS"
"""``tmp``: render every broadcast afresh into the session's temporary folder (a cold run)."""
_STALE_RENDERS_SECONDS = 7 * 24 * 3600


def _renderer_digest() -> str:
    """The testkit's source and ffmpeg's version: what a rendered broadcast depends on beyond its
    spec, so an edited generator never reads a render of the old one."""
    digest = hashlib.sha256()
    root = Path(cutups_testkit.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    version = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True, check=True)
    digest.update(version.stdout.splitlines()[0].encode())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def render_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where generated broadcasts are kept: ~/.cache/cutups/test-broadcasts/<renderer digest>, so
    a broadcast is rendered once per version of the testkit rather than once per session
    (renders land by an atomic rename: concurrent sessions at worst render twice). Renders of
    other versions untouched for a week are removed. ``CUTUPS_TEST_RENDERS=tmp`` renders into
    the session's temporary folder instead."""
    if os.environ.get(RENDERS_ENV) == "tmp":
        return tmp_path_factory.getbasetemp() / "broadcasts"
    shelf = default_cache_dir() / "test-broadcasts"
    current = shelf / _renderer_digest()
    current.mkdir(parents=True, exist_ok=True)
    os.utime(current)
    for other in shelf.iterdir():
        if other != current and time.time() - other.stat().st_mtime > _STALE_RENDERS_SECONDS:
            shutil.rmtree(other, ignore_errors=True)
    return current


@pytest.fixture(scope="session")
def broadcast(render_cache: Path) -> GeneratedBroadcast:
    """The tiny generated broadcast (about 100 s, three plays), rendered once (see
    ``render_cache``)."""
    return generate_cached(presets.tiny(), render_cache)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A signal cache shared by the session's jobs."""
    return tmp_path_factory.mktemp("signal-cache")


@pytest.fixture(scope="session")
def files(broadcast: GeneratedBroadcast) -> Iterator[FileServer]:
    """A local HTTP server with the broadcast at /broadcast.mp4 (requests are logged)."""
    with serve_files() as server:
        server.add("/broadcast.mp4", Route(broadcast.video))
        yield server
