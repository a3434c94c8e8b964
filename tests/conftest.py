"""Shared fixtures. Test media is generated, never downloaded."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_error_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test that logs at ERROR: errors must be raised, not just logged."""
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, f"unexpected ERROR logs: {[r.getMessage() for r in errors]}"
