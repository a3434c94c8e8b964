"""From per-tick signals to plays: each snap and the end of its play.

A play, as a broadcast shows it, is a stretch of a *live wide shot* (scorebug on screen, mostly
field in the picture, no camera cut) in which players hold still for a moment and then all move at
once (the snap), until the whistle, the motion dying down, or the director cutting away.
Replays and commercials are excluded by construction: the bug is hidden there (see
``scorebug.py``), so they are never "live".

Everything here is a pure function of :class:`~cutups.analysis.signals.Signals`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

from cutups.analysis.signals import Signals

__all__ = ["DetectedPlay", "DetectorParams", "detect_plays", "live_wide_segments"]


@dataclass(frozen=True, slots=True)
class DetectorParams:
    """Thresholds of the detector; times in seconds."""

    bug_on: float = 0.55
    """Share of the bug's fingerprint that must be visible for the broadcast to count as live."""
    green_on: float = 0.30
    """Share of grass pixels for a wide field shot."""
    cut_on: float = 0.30
    """Histogram change that marks a camera cut."""
    still_sec: float = 0.5
    """How long players hold still before a snap."""
    onset_sec: float = 1.0
    """Window after the snap over which motion must stay high."""
    min_play_sec: float = 2.0
    max_play_sec: float = 25.0
    settle_sec: float = 0.6
    """Motion must stay low this long to call the play over."""


@dataclass(frozen=True, slots=True)
class DetectedPlay:
    """One play found in the video; times in seconds of the source."""

    snap: float
    end: float
    score: float
    evidence: tuple[str, ...]
    end_reason: str


def _smooth(values: NDArray[np.float32], ticks: int) -> NDArray[np.float32]:
    return np.asarray(ndimage.median_filter(values, size=max(1, ticks), mode="nearest"))


def live_wide_segments(signals: Signals, params: DetectorParams) -> list[tuple[int, int]]:
    """Tick ranges [a, b) that are one uninterrupted live wide shot."""
    rate = float(signals.rate)
    live = _smooth(signals["bug"], int(rate)) >= params.bug_on
    wide = _smooth(signals["green"], int(rate / 2)) >= params.green_on
    ok = live & wide
    cuts = signals["cut"] >= params.cut_on
    ok &= ~cuts
    labels, count = ndimage.label(ok)
    return [(s.start, s.stop) for (s,) in ndimage.find_objects(labels)] if count else []


def _thresholds(
    motion: NDArray[np.float32], segments: list[tuple[int, int]]
) -> tuple[float, float]:
    """Still and moving levels learned from this broadcast's own live wide shots."""
    if not segments:
        return 0.0, 0.0
    pooled = np.concatenate([motion[a:b] for a, b in segments])
    low, high = np.percentile(pooled, [15, 85])
    still = float(low + 0.2 * (high - low))
    moving = float(low + 0.5 * (high - low))
    return still, moving


def detect_plays(signals: Signals, params: DetectorParams | None = None) -> list[DetectedPlay]:
    """Find every play: a still moment, coordinated motion, then the end of the play."""
    p = params or DetectorParams()
    rate = float(signals.rate)
    motion = _smooth(signals["motion"], 3)
    segments = live_wide_segments(signals, p)
    still_level, move_level = _thresholds(motion, segments)
    still_n, onset_n = int(p.still_sec * rate), int(p.onset_sec * rate)
    settle_n, min_n = int(p.settle_sec * rate), int(p.min_play_sec * rate)
    max_n = int(p.max_play_sec * rate)
    whistle = signals["whistle"]
    plays: list[DetectedPlay] = []
    for a, b in segments:
        k = a + still_n
        while k + onset_n < b:
            before = motion[k - still_n : k]
            after = motion[k : k + onset_n]
            if before.max() <= still_level and after.mean() >= move_level:
                k = _refine_snap(signals["motion"], k, onset_n, (still_level + move_level) / 2)
                end, reason = _find_end(motion, whistle, k, b, still_level, settle_n, min_n, max_n)
                if end - k >= min_n:
                    plays.append(_scored(signals, k, end, reason, rate))
                    k = end + still_n
                    continue
            k += 1
    return plays


def _refine_snap(raw: NDArray[np.float32], k: int, onset_n: int, level: float) -> int:
    """The first tick whose unsmoothed motion crosses ``level``: the onset itself."""
    window = raw[k : k + onset_n]
    above = np.flatnonzero(window >= level)
    return k + int(above[0]) if above.size else k


def _find_end(
    motion: NDArray[np.float32],
    whistle: NDArray[np.float32],
    snap: int,
    seg_end: int,
    still_level: float,
    settle_n: int,
    min_n: int,
    max_n: int,
) -> tuple[int, str]:
    limit = min(seg_end, snap + max_n)
    for k in range(snap + min_n, limit):
        if whistle[k] >= 10.0:
            return k, "whistle"
        if motion[k : k + settle_n].max() <= still_level * 1.5 and k + settle_n <= limit:
            return k, "motion_stopped"
    return limit, "cut_away" if limit == seg_end else "max_length"


def _scored(signals: Signals, snap: int, end: int, reason: str, rate: float) -> DetectedPlay:
    """Evidence for one play. The score is provisional until calibrated against truth."""
    evidence = ["live_wide_shot", "motion_onset", f"end:{reason}"]
    lo, hi = max(0, end - int(rate)), min(len(signals["whistle"]), end + int(2 * rate))
    if signals["whistle"][lo:hi].max(initial=0.0) >= 10.0:
        evidence.append("whistle")
    crowd = signals["crowd"]
    if crowd[snap:end].mean() > crowd[max(0, snap - int(3 * rate)) : snap].mean() + 2.0:
        evidence.append("crowd_surge")
    if signals["bug_change"][snap:end].max(initial=0.0) > 0.02:
        evidence.append("clock_running")
    score = 40.0 + 15.0 * (len(evidence) - 3)
    return DetectedPlay(
        snap=snap / rate,
        end=end / rate,
        score=min(score, 100.0),
        evidence=tuple(evidence),
        end_reason=reason,
    )
