"""The shorts recipe's cache: transcripts (with loudness) and face analyses, on disk.

Keys are the source's content fingerprint (:func:`cutups.analysis.cache.fingerprint`) plus
everything that changes the result (transcriber, model, language; face span and sampling) plus
a version bumped when the stage's code changes its output. So another caption style, clip count
or layout re-renders without transcribing again, and faces are detected once per planned span.
Entries are written atomically; an unreadable one is recomputed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.face_types import FaceAnalysis, FaceBox, FaceTrack
from cutups.errors import InputError
from cutups.settings import Settings
from cutups.speech.transcript import TRANSCRIPT_VERSION, Transcript

__all__ = [
    "FACES_CACHE_VERSION",
    "TRANSCRIPT_CACHE_VERSION",
    "FaceCache",
    "TranscriptCache",
    "faces_key",
    "transcript_key",
]

log = logging.getLogger(__name__)

TRANSCRIPT_CACHE_VERSION = 3
"""Bumped when transcription or word-edge refinement changes what it returns."""
FACES_CACHE_VERSION = 1
"""Bumped when face detection, tracking or mouth activity change what they return."""
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, InputError)


def _key(parts: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def transcript_key(content: str, settings: Settings) -> str:
    """Key of a source's transcript made with ``settings``' transcriber."""
    engine = (
        {"cloud": settings.transcribe_url, "model": settings.transcribe_model}
        if settings.transcribe_url
        else {"local": settings.speech_model, "beam": settings.speech_beam_size}
    )
    return _key(
        {
            "content": content,
            "engine": engine,
            "language": settings.speech_language,
            "transcript": TRANSCRIPT_VERSION,
            "version": TRANSCRIPT_CACHE_VERSION,
        }
    )


def faces_key(content: str, span: tuple[float, float], rate: float, height: int) -> str:
    """Key of the faces of one span of a source, sampled ``rate`` a second at ``height``."""
    start, end = (round(t, 3) for t in span)
    return _key(
        {
            "content": content,
            "span": [start, end],
            "rate": rate,
            "height": height,
            "version": FACES_CACHE_VERSION,
        }
    )


def _replace(path: Path, write: Any) -> None:
    """Write through a temporary file, so a killed run never leaves half an entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    tmp.replace(path)


class TranscriptCache:
    """Transcripts (``KEY.json``) and their loudness per tick (``KEY.npy``) in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, key: str) -> tuple[Transcript, NDArray[np.float32]] | None:
        """The entry under ``key``; None when absent or unreadable."""
        text, levels = self.folder / f"{key}.json", self.folder / f"{key}.npy"
        if not (text.exists() and levels.exists()):
            return None
        try:
            return Transcript.read(text), np.load(levels, allow_pickle=False)
        except _UNREADABLE as exc:
            log.warning("transcript cache entry %s unreadable (%s); recomputing", key, exc)
            return None

    def save(self, key: str, transcript: Transcript, loudness: NDArray[np.float32]) -> None:
        _replace(self.folder / f"{key}.npy", lambda p: p.write_bytes(_npy_bytes(loudness)))
        _replace(self.folder / f"{key}.json", transcript.write)


def _npy_bytes(array: NDArray[Any]) -> bytes:
    buffer = BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


class FaceCache:
    """One face analysis per ``KEY.json`` in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, key: str) -> FaceAnalysis | None:
        path = self.folder / f"{key}.json"
        if not path.exists():
            return None
        try:
            return faces_from_json(json.loads(path.read_text()))
        except _UNREADABLE as exc:
            log.warning("faces cache entry %s unreadable (%s); recomputing", key, exc)
            return None

    def save(self, key: str, analysis: FaceAnalysis) -> None:
        text = json.dumps(faces_to_json(analysis))
        _replace(self.folder / f"{key}.json", lambda p: p.write_text(text))


def _floats(array: NDArray[Any]) -> list[float]:
    return [float(v) for v in array]


def faces_to_json(analysis: FaceAnalysis) -> dict[str, Any]:
    """A face analysis as JSON-ready data (:func:`faces_from_json` reads it back)."""
    return {
        "width": analysis.width,
        "height": analysis.height,
        "rate": analysis.rate,
        "times": _floats(analysis.times),
        "cuts": _floats(analysis.cuts),
        "audio_db": _floats(analysis.audio_db),
        "tracks": [
            {
                "id": track.id,
                "times": _floats(track.times),
                "mouth": _floats(track.mouth_activity),
                "boxes": [
                    [b.x0, b.y0, b.x1, b.y1, b.score, b.mouth_x, b.mouth_y] for b in track.boxes
                ],
            }
            for track in analysis.tracks
        ],
    }


def faces_from_json(data: dict[str, Any]) -> FaceAnalysis:
    def array(values: list[float]) -> NDArray[np.float64]:
        return np.asarray(values, np.float64)

    tracks = tuple(
        FaceTrack(
            id=int(t["id"]),
            times=array(t["times"]),
            boxes=tuple(FaceBox(*map(float, box)) for box in t["boxes"]),
            mouth_activity=array(t["mouth"]),
        )
        for t in data["tracks"]
    )
    return FaceAnalysis(
        width=int(data["width"]),
        height=int(data["height"]),
        rate=float(data["rate"]),
        times=array(data["times"]),
        cuts=array(data["cuts"]),
        tracks=tracks,
        audio_db=array(data["audio_db"]),
    )
