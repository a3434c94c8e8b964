"""How well a crop path frames the speaker, measured against known truth.

Shared by the tests and the benchmark. Truth is who speaks when (:class:`SpeechTurn`) and where
each person is (:class:`Subject`: the columns their face occupies). Everything is evaluated
frame by frame at the source's frame rate, from the path's own :meth:`CropPath.x_at`.

Acceptance (issue 19): speaker in the crop >= 95 % of speech time; a switch <= 0.7 s after a
change of speaker; shots >= 1.5 s; no switch back within 1 s; 95th-percentile speed outside
switches <= 0.2 % of the source width per frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.face_types import FloatArray
from cutups.recipes.shorts.framing import CropPath

__all__ = [
    "FramingReport",
    "SpeechTurn",
    "Subject",
    "back_and_forth",
    "framing_report",
    "min_hold",
    "p95_speed",
    "speaker_in_crop_share",
    "switch_latencies",
]


@dataclass(frozen=True, slots=True)
class SpeechTurn:
    person: int
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Subject:
    """Columns ``x0..x1`` (source pixels) a person's face occupies: framed when all inside."""

    x0: float
    x1: float


def _frames(start: float, end: float, fps: float) -> FloatArray:
    return np.arange(np.ceil(start * fps), np.ceil(end * fps)) / fps


def _framed(path: CropPath, subject: Subject, times: FloatArray) -> NDArray[np.bool_]:
    left = path.x_at(times)
    return (left <= subject.x0 + 0.5) & (subject.x1 - 0.5 <= left + path.width)


def speaker_in_crop_share(
    path: CropPath, turns: Sequence[SpeechTurn], subjects: Sequence[Subject], fps: float
) -> float:
    """Share of speech frames whose speaker is wholly inside the crop (1.0 with no speech)."""
    inside = total = 0
    for turn in turns:
        times = _frames(turn.start, turn.end, fps)
        inside += int(_framed(path, subjects[turn.person], times).sum())
        total += times.size
    return inside / total if total else 1.0


def switch_latencies(
    path: CropPath, turns: Sequence[SpeechTurn], subjects: Sequence[Subject], fps: float
) -> list[float]:
    """For each change of speaker (a turn whose person differs from the previous turn's),
    seconds until the new speaker is wholly in the crop (0 if already). A turn that ends first
    counts as its whole length."""
    out: list[float] = []
    for before, turn in pairwise(turns):
        if turn.person == before.person:
            continue
        times = _frames(turn.start, turn.end, fps)
        framed = np.flatnonzero(_framed(path, subjects[turn.person], times))
        out.append(float(times[framed[0]] - turn.start) if framed.size else turn.end - turn.start)
    return out


def min_hold(path: CropPath, start: float, end: float) -> float:
    """The shortest shot: time between consecutive switches, and from ``start`` / to ``end``
    when there are switches (``end - start`` without)."""
    edges = [start, *path.switches, end]
    return float(min(np.diff(edges)))


def back_and_forth(path: CropPath, window: float = 1.0) -> int:
    """Switches that follow the previous switch within ``window`` seconds."""
    return int((np.diff(np.asarray(path.switches)) < window).sum())


def p95_speed(path: CropPath, start: float, end: float, fps: float) -> float:
    """95th percentile of per-frame crop movement, share of the source width, frames with a
    switch left out."""
    times = _frames(start, end, fps)
    if times.size < 2:
        return 0.0
    steps = np.abs(np.diff(path.x_at(times)))
    mid = times[1:]
    near_switch = np.zeros(steps.size, bool)
    for t in path.switches:
        near_switch |= (mid >= t - 0.5 / fps) & (mid < t + 1.5 / fps)
    moving = steps[~near_switch]
    return float(np.percentile(moving, 95)) / path.source_width if moving.size else 0.0


@dataclass(frozen=True, slots=True)
class FramingReport:
    speaker_share: float
    max_latency: float
    min_hold: float
    back_and_forth: int
    p95_speed: float
    switches: int

    def failures(self) -> list[str]:
        """The acceptance thresholds this report misses (empty when it passes)."""
        checks = {
            f"speaker in crop {self.speaker_share:.3f} < 0.95": self.speaker_share >= 0.95,
            f"switch latency {self.max_latency:.2f} s > 0.7": self.max_latency <= 0.7,
            f"shortest shot {self.min_hold:.2f} s < 1.5": self.min_hold >= 1.5,
            f"{self.back_and_forth} switches back within 1 s": self.back_and_forth == 0,
            f"p95 speed {self.p95_speed:.4f} of width/frame > 0.002": self.p95_speed <= 0.002,
        }
        return [text for text, ok in checks.items() if not ok]


def framing_report(
    path: CropPath,
    turns: Sequence[SpeechTurn],
    subjects: Sequence[Subject],
    start: float,
    end: float,
    fps: float,
) -> FramingReport:
    """Every metric above for one clip."""
    latencies = switch_latencies(path, turns, subjects, fps)
    return FramingReport(
        speaker_share=speaker_in_crop_share(path, turns, subjects, fps),
        max_latency=max(latencies, default=0.0),
        min_hold=min_hold(path, start, end),
        back_and_forth=back_and_forth(path),
        p95_speed=p95_speed(path, start, end, fps),
        switches=len(path.switches),
    )
