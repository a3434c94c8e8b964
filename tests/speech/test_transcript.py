"""transcript.json: round trip, validation, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from cutups.errors import InputError
from cutups.speech.transcript import Segment, Transcript, Word


def _transcript() -> Transcript:
    words = (
        Word(start=0.5, end=0.9, text="Hello,", probability=0.9),
        Word(start=1.0, end=1.4, text="world."),
    )
    return Transcript(
        language="en",
        language_probability=0.98,
        duration=2.0,
        engine="faster-whisper:whisper-base",
        segments=(Segment(start=0.5, end=1.4, text="Hello, world.", words=words),),
    )


def test_round_trip(tmp_path: Path) -> None:
    original = _transcript()
    original.write(tmp_path / "transcript.json")
    again = Transcript.read(tmp_path / "transcript.json")
    assert again == original
    assert again.text == "Hello, world." and [w.text for w in again.words] == ["Hello,", "world."]


def test_bad_files_and_values_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read transcript"):
        Transcript.read(tmp_path / "missing.json")
    (tmp_path / "t.json").write_text('{"language": "en"}')
    with pytest.raises(InputError, match="not a transcript"):
        Transcript.read(tmp_path / "t.json")
    with pytest.raises(ValidationError, match="before it starts"):
        Word(start=2.0, end=1.0, text="backwards")
