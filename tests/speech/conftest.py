"""Fixtures of the speech tests."""

from __future__ import annotations

import pytest

from cutups.speech.local import LocalTranscriber
from tests.speech.talk import shipped_transcriber


@pytest.fixture(scope="session")
def transcriber(tmp_path_factory: pytest.TempPathFactory) -> LocalTranscriber:
    return shipped_transcriber(tmp_path_factory)
