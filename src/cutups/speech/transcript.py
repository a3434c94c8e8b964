"""What a transcription produced: words with times, grouped in segments, and how sure it was.

Times are seconds on the source's video timeline (see :mod:`cutups.media.audio`). A transcript is
saved as ``transcript.json`` (:meth:`Transcript.write`) and read back unchanged
(:meth:`Transcript.read`), so planning and captions can run again without transcribing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cutups.jsonfiles import read_model, write_model

__all__ = ["TRANSCRIPT_VERSION", "Segment", "Transcript", "TranscriptWarning", "Word"]

TRANSCRIPT_VERSION = 2
"""2: word times from the forced aligner (:mod:`cutups.speech.align`)."""

TranscriptWarning = Literal["no_speech", "other_language"]
"""``no_speech``: nothing was recognised (silence, music, noise): the transcript is empty.
``other_language``: the detected language is not the one asked for."""


class _Timed(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    start: float = Field(ge=0)
    end: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        return self


class Word(_Timed):
    """One spoken word; ``text`` has no surrounding spaces but keeps its punctuation."""

    text: str
    probability: float = Field(1.0, ge=0, le=1)


class Segment(_Timed):
    """A stretch of speech the recogniser decoded together, with its words."""

    text: str
    words: tuple[Word, ...] = ()


class Transcript(BaseModel):
    """The whole transcription of one source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = TRANSCRIPT_VERSION
    language: str | None
    """Detected (or forced) ISO 639-1 code; None when nothing was heard."""
    language_probability: float | None = None
    duration: float = Field(ge=0)
    """Seconds of audio transcribed."""
    engine: str
    """What transcribed it, e.g. ``faster-whisper:whisper-base`` or ``cloud:<model>``."""
    segments: tuple[Segment, ...] = ()
    warnings: tuple[TranscriptWarning, ...] = ()

    @property
    def words(self) -> tuple[Word, ...]:
        """Every word in order."""
        return tuple(word for segment in self.segments for word in segment.words)

    @property
    def text(self) -> str:
        return " ".join(segment.text.strip() for segment in self.segments).strip()

    def write(self, path: Path) -> None:
        """Save as JSON (``transcript.json``)."""
        write_model(self, path)

    @classmethod
    def read(cls, path: Path) -> Transcript:
        """Load a saved transcript (InputError when missing, unreadable or not one)."""
        return read_model(cls, path, "transcript")
