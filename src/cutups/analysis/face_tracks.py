"""Pure parts of face analysis: mouth motion between two frames, shot cuts, and tracks.

Arrays in, values out; no decoding here (see :mod:`cutups.analysis.faces`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from cutups.analysis.face_types import FaceBox, FaceTrack

__all__ = [
    "Detection",
    "TrackParams",
    "build_tracks",
    "cut_score",
    "mouth_motion",
]

Gray = NDArray[np.float32]

_PATCH = (12, 20)
"""Rows, columns every region is resampled to, so faces of any size compare alike."""


@dataclass(frozen=True, slots=True)
class Detection:
    """A face found at one sample, with how much its mouth moved since the previous sample."""

    box: FaceBox
    motion: float


@dataclass(frozen=True, slots=True)
class TrackParams:
    """How detections are linked into tracks."""

    min_iou: float = 0.3
    """A detection continues a track when their boxes overlap at least this much..."""
    max_centre_shift: float = 0.5
    """...or its centre moved at most this many box widths."""
    max_gap: int = 3
    """Samples a track may go undetected (its last box is held) before it ends."""
    min_samples: int = 3
    """Shorter tracks are dropped as false detections."""


def _region(image: Gray, cx: float, cy: float, w: float, h: float) -> Gray:
    """The ``w`` x ``h`` box centred on (cx, cy), nearest-sampled to :data:`_PATCH`."""
    rows = np.clip(np.linspace(cy - h / 2, cy + h / 2, _PATCH[0]).round(), 0, image.shape[0] - 1)
    cols = np.clip(np.linspace(cx - w / 2, cx + w / 2, _PATCH[1]).round(), 0, image.shape[1] - 1)
    patch: Gray = image[np.ix_(rows.astype(np.intp), cols.astype(np.intp))]
    centred: Gray = patch - patch.mean()
    return centred


def _change(previous: Gray, current: Gray, cx: float, cy: float, w: float, h: float) -> float:
    a = _region(previous, cx, cy, w, h)
    b = _region(current, cx, cy, w, h)
    return float(np.abs(b - a).mean())


def mouth_motion(previous: Gray, current: Gray, box: FaceBox) -> float:
    """How much the mouth changed between two frames (luma levels), head motion discounted.

    The mouth patch (around the detector's mouth keypoint) and an eye-band patch are compared
    at the same place in both frames; moving the head changes both, talking mostly the first.
    ``box`` is in the frames' pixels.
    """
    w, h = box.width, box.height
    mouth = _change(previous, current, box.mouth_x, box.mouth_y, 0.55 * w, 0.3 * h)
    eyes = _change(previous, current, box.cx, box.y0 + 0.3 * h, 0.7 * w, 0.2 * h)
    return max(0.0, mouth - 0.7 * eyes)


def cut_score(previous: Gray, current: Gray) -> float:
    """Mean absolute difference of two small gray thumbnails, 0..255 (a shot cut scores high)."""
    return float(np.abs(current - previous).mean())


@dataclass
class _Open:
    id: int
    times: list[float] = field(default_factory=list)
    boxes: list[FaceBox] = field(default_factory=list)
    motion: list[float] = field(default_factory=list)
    missed: int = 0

    def add(self, t: float, box: FaceBox, motion: float) -> None:
        self.times.append(t)
        self.boxes.append(box)
        self.motion.append(motion)


def _matches(track: _Open, box: FaceBox, params: TrackParams) -> float:
    """How well ``box`` continues ``track``: > 0 when it may, higher is better."""
    last = track.boxes[-1]
    iou = last.iou(box)
    shift = float(np.hypot(last.cx - box.cx, last.cy - box.cy)) / max(last.width, 1.0)
    if iou >= params.min_iou or shift <= params.max_centre_shift:
        return iou + 1.0 - min(shift, 1.0)
    return 0.0


def _assign(open_: list[_Open], found: Sequence[Detection], params: TrackParams) -> dict[int, int]:
    """Greedy best-first matching: detection index -> index in ``open_``."""
    pairs = [
        (_matches(track, det.box, params), ti, di)
        for ti, track in enumerate(open_)
        for di, det in enumerate(found)
    ]
    taken_t: set[int] = set()
    result: dict[int, int] = {}
    for score, ti, di in sorted(pairs, reverse=True):
        if score > 0 and ti not in taken_t and di not in result:
            taken_t.add(ti)
            result[di] = ti
    return result


def build_tracks(
    times: Sequence[float],
    detections: Sequence[Sequence[Detection]],
    cuts: Sequence[bool],
    params: TrackParams | None = None,
) -> tuple[FaceTrack, ...]:
    """Link per-sample detections into tracks with stable ids; every cut ends all tracks.

    Arguments:
        times: sample times, ascending.
        detections: the faces found at each sample.
        cuts: True where a sample starts a new shot.
    """
    params = params or TrackParams()
    open_: list[_Open] = []
    closed: list[_Open] = []
    next_id = 0
    for t, found, cut in zip(times, detections, cuts, strict=True):
        if cut:
            closed += open_
            open_ = []
        matched = _assign(open_, found, params)
        for di, det in enumerate(found):
            if di in matched:
                track = open_[matched[di]]
                track.missed = 0
            else:
                track = _Open(next_id)
                next_id += 1
                open_.append(track)
            # A new track's first sample has no previous face to compare with.
            motion = det.motion if (di in matched and not cut) else 0.0
            track.add(t, det.box, motion)
        continuing = set(matched.values())
        for ti, track in enumerate(open_):
            if ti in continuing or track.times[-1] == t:
                continue
            track.missed += 1
            track.add(t, track.boxes[-1], 0.0)
        closed += [tr for tr in open_ if tr.missed > params.max_gap]
        open_ = [tr for tr in open_ if tr.missed <= params.max_gap]
    return _finish(closed + open_, params)


def _finish(tracks: list[_Open], params: TrackParams) -> tuple[FaceTrack, ...]:
    out = []
    for tr in sorted(tracks, key=lambda tr: tr.id):
        n = len(tr.times) - tr.missed  # held boxes at the end say nothing: drop them
        if n < params.min_samples:
            continue
        out.append(
            FaceTrack(
                id=tr.id,
                times=np.asarray(tr.times[:n], np.float64),
                boxes=tuple(tr.boxes[:n]),
                mouth_activity=np.asarray(tr.motion[:n], np.float64),
            )
        )
    return tuple(out)
