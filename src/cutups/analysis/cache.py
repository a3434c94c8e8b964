"""The analysis cache: one ``.npz`` file per (video content, analysers that ran on it).

The key is the video's content fingerprint plus the identity (name, version, params) of every
analyser that runs, plus :data:`CACHE_SCHEMA`, so a second run on the same file skips decoding
entirely, and bumping an analyser's version recomputes exactly what it took part in. A file
holds the whole :class:`~cutups.analysis.result.Analysis`: the signals as ``signal.NAME``
arrays, the scorebug's template and stable mask as ``scorebug.*`` arrays, and everything else
(timebase, scorebug box, clock readings, clock model) as one JSON document.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import zipfile
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.base import Analyser
from cutups.analysis.clock_model import ClockModel, ClockReading, ClockSpan
from cutups.analysis.field_colour import FieldColour
from cutups.analysis.location import ScorebugLocation
from cutups.analysis.result import Analysis
from cutups.analysis.signals import Signals

__all__ = [
    "CACHE_SCHEMA",
    "AnalysisCache",
    "cache_key",
    "fingerprint",
    "read_analysis",
    "write_analysis",
]

log = logging.getLogger(__name__)

CACHE_SCHEMA = 4
"""Bumped when the file layout changes, or the decode pass feeds the analysers differently
(:mod:`cutups.media.decode`, :mod:`cutups.analysis.passes`): part of every key."""
_FINGERPRINT_CHUNK = 1 << 20
_FINGERPRINT_SAMPLES = 16
_META = "analysis"
_SIGNAL = "signal."
_SCOREBUG = "scorebug."
_UNREADABLE = (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile)


def fingerprint(path: Path) -> str:
    """A content hash of a video that costs milliseconds even for multi-GB files.

    Hashing a 5 GB broadcast in full would take longer than some analyses, so we hash the size
    and 16 evenly spaced 1 MiB chunks (head and tail included). Two different recordings that agree
    on all of those bytes do not happen in practice; an edited file changes its size or a chunk.
    """
    size = path.stat().st_size
    digest = hashlib.blake2b(str(size).encode(), digest_size=20)
    with path.open("rb") as fh:
        if size <= _FINGERPRINT_CHUNK * _FINGERPRINT_SAMPLES:
            digest.update(fh.read())
        else:
            step = (size - _FINGERPRINT_CHUNK) // (_FINGERPRINT_SAMPLES - 1)
            for i in range(_FINGERPRINT_SAMPLES):
                fh.seek(i * step)
                digest.update(fh.read(_FINGERPRINT_CHUNK))
    return digest.hexdigest()


def cache_key(content: str, analysers: Iterable[Analyser]) -> str:
    """Key for one video (its :func:`fingerprint`) analysed by ``analysers``, in order."""
    parts = [analyser.identity() for analyser in analysers]
    blob = json.dumps({"schema": CACHE_SCHEMA, "content": content, "analysers": parts})
    return hashlib.sha1(blob.encode()).hexdigest()


class AnalysisCache:
    """Cached analyses in ``folder``; the newest ``keep`` are kept."""

    def __init__(self, folder: Path, keep: int = 32) -> None:
        self.folder = folder
        self.keep = keep

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.npz"

    def load(self, key: str) -> Analysis | None:
        """The analysis stored under ``key``; None if there is none or it cannot be read."""
        path = self.path(key)
        if not path.exists():
            return None
        try:
            return read_analysis(path)
        except _UNREADABLE as exc:  # a damaged entry is recomputed, and replaced
            log.warning("analysis cache entry %s unreadable (%s); recomputing", path.name, exc)
            return None

    def save(self, key: str, analysis: Analysis) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_analysis(self.path(key), analysis)
        # Signals are cheap to recompute, disk is not free.
        entries = sorted(self.folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[self.keep :]:
            old.unlink(missing_ok=True)


def write_analysis(path: Path, analysis: Analysis) -> None:
    """Write atomically, so a killed run never leaves a half-written entry."""
    signals, bug = analysis.signals, analysis.scorebug
    arrays: dict[str, NDArray[Any]] = {_SIGNAL + k: v for k, v in signals.arrays.items()}
    meta: dict[str, Any] = {
        "schema": CACHE_SCHEMA,
        "rate": [signals.rate.numerator, signals.rate.denominator],
        "duration": float(signals.duration),
        "scorebug": None,
        "readings": [_reading_to_json(r) for r in analysis.readings],
        "clock": [_span_to_json(s) for s in analysis.clock.spans],
        "field": {
            "low": analysis.field.low,
            "width": analysis.field.width,
            "learnt": analysis.field.learnt,
            "grey": analysis.field.grey,
        },
    }
    if bug is not None:
        meta["scorebug"] = {k: float(getattr(bug, k)) for k in ("x", "y", "w", "h", "coverage")}
        arrays[_SCOREBUG + "template"] = bug.template
        arrays[_SCOREBUG + "stable"] = bug.stable
    arrays[_META] = np.array(json.dumps(meta))
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, allow_pickle=False, **arrays)
    tmp.replace(path)


def read_analysis(path: Path) -> Analysis:
    """An analysis written by :func:`write_analysis`; ValueError if it has another schema."""
    # Opened here, not by np.load, which leaves the file open when it is not a valid archive.
    with path.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
        meta = json.loads(str(data[_META]))
        if meta["schema"] != CACHE_SCHEMA:
            raise ValueError(f"schema {meta['schema']}, not {CACHE_SCHEMA}")
        arrays = {k.removeprefix(_SIGNAL): data[k] for k in data.files if k.startswith(_SIGNAL)}
        bug = meta["scorebug"]
        scorebug = (
            None
            if bug is None
            else ScorebugLocation(
                template=data[_SCOREBUG + "template"], stable=data[_SCOREBUG + "stable"], **bug
            )
        )
    num, den = meta["rate"]
    return Analysis(
        signals=Signals(rate=Fraction(num, den), duration=meta["duration"], arrays=arrays),
        scorebug=scorebug,
        readings=tuple(_reading_from_json(row) for row in meta["readings"]),
        clock=ClockModel(tuple(_span_from_json(row) for row in meta["clock"])),
        field=FieldColour(**meta["field"]),
        cached=True,
    )


def _reading_to_json(r: ClockReading) -> list[Any]:
    period = None if r.period is None else int(r.period)
    return [float(r.t), period, float(r.seconds), float(r.confidence)]


def _reading_from_json(row: list[Any]) -> ClockReading:
    t, period, seconds, confidence = row
    return ClockReading(t=t, period=period, seconds=seconds, confidence=confidence)


def _span_to_json(s: ClockSpan) -> list[Any]:
    period = None if s.period is None else int(s.period)
    return [float(s.start), float(s.end), period, float(s.clock_start), bool(s.running)]


def _span_from_json(row: list[Any]) -> ClockSpan:
    start, end, period, clock_start, running = row
    return ClockSpan(start=start, end=end, period=period, clock_start=clock_start, running=running)
