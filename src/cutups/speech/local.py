"""Transcription on this machine: faster-whisper with a shipped, hash-checked model.

The audio is transcribed in windows of about ten minutes cut at the quietest moment near each
boundary (never inside a word in practice: the cut is the quietest 0.2 s within 30 s), so memory
stays flat for a 3-hour talk and progress can be reported. The language is detected on the first
window and kept for the rest, so one talk is not split into two languages.

Silence, music or noise give an empty transcript with the ``no_speech`` warning, not an error.
"""

from __future__ import annotations

import functools
import itertools
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cutups.errors import CanceledError
from cutups.media.audio import SpeechAudio
from cutups.speech.models import MODELS, ModelName, prepare_model
from cutups.speech.onsets import refine_transcript
from cutups.speech.transcript import Segment, Transcript, TranscriptWarning, Word

__all__ = ["LocalOptions", "LocalTranscriber", "speech_windows"]

_QUIET_FRAME = 0.2
"""Seconds of the frames among which a window boundary picks the quietest."""
_QUIET_SEARCH = 30.0
"""Seconds before each nominal boundary searched for a quiet place to cut."""


@dataclass(frozen=True, slots=True)
class LocalOptions:
    """How to transcribe locally."""

    model: ModelName = "whisper-base"
    language: str | None = None
    """Force a language (ISO 639-1); None detects it (English-only models always use "en")."""
    expected_language: str | None = "en"
    """When the detected language differs, the transcript carries ``other_language``."""
    threads: int = 2
    beam_size: int = 5
    """See ``Settings.speech_beam_size``: greedy (1) saves little CPU and mishears more; 10
    mishears one word fewer on the 26-sentence espeak talk (WER 2.4 -> 2.0 %, captions within
    100 ms 92.1 -> 92.9 %), JFK unchanged, for ~20 % more transcription CPU: 5 stays."""
    vad: bool = True
    window_seconds: float = 600.0
    refine: bool = True
    """Snap word edges next to pauses onto the sound (see :mod:`cutups.speech.onsets`)."""


@functools.lru_cache(maxsize=2)
def _load(folder: Path, threads: int) -> Any:
    # A local folder never touches the Hugging Face hub, but say so to the hub client anyway:
    # nothing may download at run time.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(folder), device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
    )


def speech_windows(
    samples: NDArray[np.float32], rate: int, window_seconds: float
) -> list[tuple[int, int]]:
    """Sample ranges of about ``window_seconds`` each, cut at the quietest 0.2 s before each
    nominal boundary (pure)."""
    total, step = len(samples), int(window_seconds * rate)
    bounds = [0]
    while total - bounds[-1] > step + step // 4:  # no tiny last window
        nominal = bounds[-1] + step
        bounds.append(_quietest(samples, rate, nominal))
    bounds.append(total)
    return list(itertools.pairwise(bounds))


def _quietest(samples: NDArray[np.float32], rate: int, nominal: int) -> int:
    frame = int(_QUIET_FRAME * rate)
    lo = max(0, nominal - int(_QUIET_SEARCH * rate))
    span = np.asarray(samples[lo:nominal], dtype=np.float32)
    n = len(span) // frame
    if n == 0:
        return nominal
    energy = np.square(span[: n * frame].reshape(n, frame)).mean(axis=1)
    return lo + int(np.argmin(energy)) * frame + frame // 2


class LocalTranscriber:
    """faster-whisper on the CPU with a model from :data:`~cutups.speech.models.MODELS`.

    Arguments:
        options: model, language and decoding choices.
        cache_dir: where the model's joined files live (see :func:`prepare_model`).

    Raises:
        ModelError: the model's package is missing or a file fails its hash check.
    """

    def __init__(self, options: LocalOptions, cache_dir: Path) -> None:
        self.options = options
        self.model = MODELS[options.model]
        self.folder = prepare_model(self.model, cache_dir)

    @property
    def engine(self) -> str:
        return f"faster-whisper:{self.model.name}"

    def transcribe(
        self,
        audio: SpeechAudio,
        *,
        progress: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Transcript:
        """Transcribe ``audio``; times are on the source's video timeline.

        Raises:
            CanceledError: ``cancel`` was set between windows.
        """
        whisper = _load(self.folder, self.options.threads)
        samples = audio.samples()
        language = self.options.language or (None if self.model.multilingual else "en")
        probability: float | None = None
        segments: list[Segment] = []
        windows = speech_windows(samples, audio.rate, self.options.window_seconds)
        for done, (lo, hi) in enumerate(windows):
            if cancel is not None and cancel.is_set():
                raise CanceledError("canceled while transcribing")
            chunk = np.array(samples[lo:hi], dtype=np.float32)
            found, info = self._decode(whisper, chunk, language)
            shift = audio.offset + lo / audio.rate
            window_segments = list(_segments(found, shift))
            if window_segments and language is None:
                language, probability = info.language, float(info.language_probability)
            segments.extend(window_segments)
            if progress is not None:
                progress((done + 1) / len(windows))
        transcript = self._result(segments, language, probability, audio.duration)
        return refine_transcript(transcript, audio) if self.options.refine else transcript

    def _decode(
        self, whisper: Any, chunk: NDArray[np.float32], language: str | None
    ) -> tuple[list[Any], Any]:
        """faster-whisper's segments (decoded now: it returns a generator) and its info."""
        found, info = whisper.transcribe(
            chunk,
            language=language,
            beam_size=self.options.beam_size,
            word_timestamps=True,
            vad_filter=self.options.vad,
            condition_on_previous_text=False,  # keeps one misheard line from snowballing
        )
        return list(found), info

    def _result(
        self,
        segments: list[Segment],
        language: str | None,
        probability: float | None,
        duration: float,
    ) -> Transcript:
        warnings: list[TranscriptWarning] = []
        if not segments:
            warnings.append("no_speech")
            language, probability = None, None
        expected = self.options.expected_language
        if language is not None and expected is not None and language != expected:
            warnings.append("other_language")
        return Transcript(
            language=language,
            language_probability=probability,
            duration=duration,
            engine=self.engine,
            segments=tuple(segments),
            warnings=tuple(warnings),
        )


def _segments(found: Iterable[Any], shift: float) -> Iterable[Segment]:
    """faster-whisper's segments as ours, shifted onto the video timeline; empty ones dropped."""
    for seg in found:
        words = tuple(_words(seg.words or (), shift))
        if not words:
            continue
        yield Segment(
            start=words[0].start, end=words[-1].end, text=str(seg.text).strip(), words=words
        )


def _words(found: Iterable[Any], shift: float) -> Iterable[Word]:
    for w in found:
        text = str(w.word).strip()
        if not text:
            continue
        start = max(0.0, float(w.start) + shift)
        end = max(start, float(w.end) + shift)
        probability = min(1.0, max(0.0, float(w.probability)))
        yield Word(start=round(start, 3), end=round(end, 3), text=text, probability=probability)
