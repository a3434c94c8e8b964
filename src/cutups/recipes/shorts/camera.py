"""The virtual 9:16 camera: whom to frame when (shots), and a steady crop path within a shot.

Pure: face tracks and the active speaker in, a :class:`~cutups.recipes.shorts.framing.CropPath`
out. The rules, each a :class:`CameraParams` field:

* A shot frames one person. The camera cuts to the new speaker when the speaker changes (at
  the change: the speaker signal is centred, so this is at most a sample or two late), except
  for turns too short to be worth a cut (``min_turn``).
* A shot lasts at least ``min_hold`` seconds: a shorter one is stretched by up to
  ``max_stretch`` (delaying the next switch a little), or dropped.
* Within a shot the crop stays still while the face is inside the dead zone, and otherwise
  moves towards it no faster than ``max_speed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cutups.analysis.face_types import FaceAnalysis, FaceTrack, FloatArray
from cutups.analysis.speaker import NOBODY, ActiveSpeaker
from cutups.recipes.shorts.framing import CropKey, CropPath

_EPS = 1e-6

__all__ = ["CameraParams", "Shot", "follow", "plan_shots", "simplify"]


@dataclass(frozen=True, slots=True)
class CameraParams:
    min_turn: float = 0.8
    """Seconds a new speaker must hold the floor to get the camera."""
    min_hold: float = 1.6
    """Seconds every shot lasts at least (the acceptance asks >= 1.5)."""
    max_stretch: float = 0.5
    """Seconds a too-short shot may be stretched, delaying the next switch (<= 0.7 allowed)."""
    dead_zone: float = 0.08
    """How far (share of the crop width) the face may drift from the crop's centre unfollowed."""
    max_speed: float = 0.0015
    """Fastest pan, share of the source width per frame (the acceptance asks p95 <= 0.002)."""
    gain: float = 0.08
    """Share of the distance beyond the dead zone closed per frame (eases in and out)."""
    tolerance: float = 0.5
    """Pixels the keyed path may differ from the per-frame one."""


@dataclass(frozen=True, slots=True)
class Shot:
    start: float
    end: float
    track: int


def _runs(speaker: ActiveSpeaker, end: float) -> list[Shot]:
    """Consecutive equal labels as shots; NOBODY takes the label before it (or after it)."""
    filled = speaker.track.copy()
    known = np.flatnonzero(filled != NOBODY)
    if known.size == 0:
        return []
    filled[: known[0]] = filled[known[0]]
    for i in range(1, filled.size):
        if filled[i] == NOBODY:
            filled[i] = filled[i - 1]
    edges = [0, *(np.flatnonzero(np.diff(filled)) + 1).tolist(), filled.size]
    bounds = [speaker.change_time(i) for i in edges[:-1]] + [end]
    return [Shot(bounds[k], bounds[k + 1], int(filled[edges[k]])) for k in range(len(edges) - 1)]


def _merge(shots: list[Shot]) -> list[Shot]:
    out: list[Shot] = []
    for shot in shots:
        if out and out[-1].track == shot.track:
            out[-1] = Shot(out[-1].start, shot.end, shot.track)
        else:
            out.append(shot)
    return out


def _drop_short(shots: list[Shot], shortest: float) -> list[Shot]:
    """Shots shorter than ``shortest`` go to the shot before them (the first to the next)."""
    kept: list[Shot] = []
    for shot in shots:
        if kept and shot.end - shot.start < shortest - _EPS:
            kept[-1] = Shot(kept[-1].start, shot.end, kept[-1].track)
        else:
            kept.append(shot)
        kept = _merge(kept)
    if len(kept) > 1 and kept[0].end - kept[0].start < shortest - _EPS:
        kept = _merge([Shot(kept[0].start, kept[1].end, kept[1].track), *kept[2:]])
    return kept


def _hold(shots: list[Shot], params: CameraParams) -> list[Shot]:
    """Stretch each short shot into the next one when that costs at most ``max_stretch``."""
    out = list(shots)
    for k in range(len(out) - 1):
        short = params.min_hold - (out[k].end - out[k].start)
        if _EPS < short <= params.max_stretch:
            end = out[k].end + short
            out[k] = Shot(out[k].start, end, out[k].track)
            out[k + 1] = Shot(end, out[k + 1].end, out[k + 1].track)
    return _drop_short(out, params.min_hold)


def plan_shots(
    speaker: ActiveSpeaker, end: float, params: CameraParams | None = None
) -> list[Shot]:
    """Whom the camera frames when, from the speaking track per sample, until ``end``."""
    params = params or CameraParams()
    shots = _merge(_runs(speaker, end))
    shots = _drop_short(shots, params.min_turn)
    return _hold(shots, params)


def _centres(track: FaceTrack, times: FloatArray) -> FloatArray:
    """The face's centre x at ``times`` (held beyond the track's ends)."""
    return np.interp(times, track.times, [b.cx for b in track.boxes])


def _pan(
    target: FloatArray, start: float, dead: float, params: CameraParams, width: int
) -> FloatArray:
    """Per-frame crop centre: still inside the dead zone, eased and speed-limited outside it."""
    limit = params.max_speed * width
    out = np.empty(target.size)
    x = start
    for i, goal in enumerate(target):
        beyond = abs(goal - x) - dead
        if beyond > 0:
            x += float(np.sign(goal - x)) * min(limit, params.gain * beyond + 0.02 * limit)
        out[i] = x
    return out


def follow(
    analysis: FaceAnalysis,
    shots: list[Shot],
    fps: float,
    params: CameraParams | None = None,
) -> CropPath:
    """The focus layout's crop path: full source height, 9:16, one shot after another."""
    params = params or CameraParams()
    width, height = analysis.width, analysis.height
    crop_w = min(width, round(height * 9 / 16) // 2 * 2)
    by_id = {track.id: track for track in analysis.tracks}
    keys: list[CropKey] = []
    for shot in shots:
        frames = np.arange(np.ceil(shot.start * fps), np.ceil(shot.end * fps)) / fps
        if frames.size == 0:
            continue
        target = _centres(by_id[shot.track], frames)
        first = float(np.median(target[: max(1, int(fps))]))
        centre = _pan(target, first, params.dead_zone * crop_w, params, width)
        left = np.clip(centre - crop_w / 2, 0, width - crop_w)
        if keys:  # a cut: hold the last position up to this shot's first frame, then jump
            keys.append(CropKey(float(frames[0]), keys[-1].x))
        keys += simplify(frames, left, params.tolerance)
    if not keys:
        keys = [CropKey(0.0, (width - crop_w) / 2)]
    switches = tuple(shot.start for shot in shots[1:])
    return CropPath(width, height, crop_w, height, 0, tuple(keys), switches)


def simplify(times: FloatArray, xs: FloatArray, tolerance: float) -> list[CropKey]:
    """The fewest keys whose linear interpolation stays within ``tolerance`` of ``xs``
    (Ramer-Douglas-Peucker on x over time)."""
    keep = np.zeros(times.size, bool)
    keep[[0, -1]] = True
    stack = [(0, times.size - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        line = np.interp(times[a + 1 : b], [times[a], times[b]], [xs[a], xs[b]])
        errors = np.abs(xs[a + 1 : b] - line)
        worst = int(np.argmax(errors))
        if errors[worst] > tolerance:
            keep[a + 1 + worst] = True
            stack += [(a, a + 1 + worst), (a + 1 + worst, b)]
    return [
        CropKey(float(t), round(float(x), 2)) for t, x in zip(times[keep], xs[keep], strict=True)
    ]
