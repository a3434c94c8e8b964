"""Shared fixtures. Test media is generated, never downloaded."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from cutups_testkit import GeneratedBroadcast, generate_cached, presets
from tests.sources.fileserver import FileServer, Route, serve_files


@pytest.fixture(autouse=True)
def _no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test that logs at ERROR: errors must be raised, not just logged."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, f"unexpected ERROR logs: {[r.getMessage() for r in errors]}"


# -- session media, shared by the service, operations and web tests -----------------------------
@pytest.fixture(scope="session")
def broadcast(tmp_path_factory: pytest.TempPathFactory) -> GeneratedBroadcast:
    """The tiny generated broadcast (about 100 s, three plays), rendered once per session."""
    return generate_cached(presets.tiny(), tmp_path_factory.getbasetemp() / "broadcasts")


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
